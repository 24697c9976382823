import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import NIOCore
import OTP
import WebAuthn

// My security credentials: MFA devices (authenticator apps, hardware tokens, security keys), access keys, password.
extension Console {

    func securityCredentials(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(), let principal = session.principal,
            principal.userKey != nil
        else { return redirect("/console/signin") }
        let devices = try await identity.consoleMFADevices(principal)
        let limit = identity.configuration.maxMFADevicesPerUser
        var values: [String: Any] = [
            "arn": principal.arn, "accountId": principal.accountId, "deviceCount": devices.count,
            "deviceLimit": limit, "atLimit": devices.count >= limit, "hasDevices": !devices.isEmpty,
            "isUser": principal.userName != nil, "anyFlagged": devices.contains { $0.1?.cloneSuspectedAt != nil },
            "devices": devices.map { device, key -> [String: Any] in
                [
                    "type": Self.typeName(device.kind), "name": device.name, "serial": device.serialNumber,
                    "assigned": device.enableDate.map(Self.displayDate) ?? "", "flagged": key?.cloneSuspectedAt != nil,
                    "csrf": session.csrfToken,
                ]
            },
        ]
        if let alias = try await identity.listAccountAliases(principal).first { values["alias"] = alias }
        if principal.userName != nil {
            let keys = try await identity.listAccessKeys(principal, userName: nil).keys
            values["keyCount"] = keys.count
            values["keysAtLimit"] = keys.count >= identity.configuration.maxAccessKeysPerUser
            if !keys.isEmpty {
                values["keys"] = [
                    "list": keys.map { key -> [String: Any] in
                        [
                            "id": key.accessKeyId, "status": key.isActive ? "Active" : "Inactive",
                            "created": Self.displayDate(key.createDate), "csrf": session.csrfToken,
                        ]
                    }
                ]
            }
        }
        return try await page("security-credentials", values, token: token, session: session)
    }

    func assignPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.signedIn() else { return redirect("/console/signin") }
        return try await page("assign-mfa", [:], token: token, session: session)
    }

    func assign(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        func retry(_ message: String) async throws -> Response {
            try await page(
                "assign-mfa", ["error": message, "name": name], token: token, session: session, status: .badRequest)
        }
        guard Self.isDeviceName(name) else {
            return try await retry("The device name must be 1 to 64 letters, digits or the characters + = , . @ - _")
        }
        let devices = try await identity.consoleMFADevices(principal)
        let limit = identity.configuration.maxMFADevicesPerUser
        guard devices.count < limit else {
            return try await retry("You already have \(limit) MFA devices, the most a user can have. Remove one first.")
        }
        switch form["type"] {
        case "security-key":
            _ = try await sessions.update(token: token) { $0.registration = nil }
            return redirect("/console/mfa/assign/security-key?name=\(Self.percentEncoded(name))")
        case "hardware":
            return redirect("/console/mfa/assign/hardware?name=\(Self.percentEncoded(name))")
        case "authenticator":
            let offer: VirtualMFADeviceOffer
            do {
                offer = try await identity.offerVirtualMFADevice(principal, name: name)
            } catch let error as AWSError where error.code == "EntityAlreadyExists" {
                return try await retry("A device named \(name) already exists in this account. Choose another name.")
            }
            _ = try await sessions.update(token: token) { $0.authenticator = offer }
            return redirect("/console/mfa/assign/authenticator")
        default:
            return try await retry("Choose the type of MFA device.")
        }
    }

    func authenticatorPage(_ request: Request, _ context: ConsoleContext, error: String? = nil) async throws -> Response
    {
        guard let (token, session) = context.signedIn(), let pending = session.authenticator else {
            return redirect("/console/security-credentials")
        }
        var values: [String: Any] = [
            "name": pending.name, "base32Seed": pending.base32Seed,
            "qrCodePNG": Data(pending.qrCodePNG).base64EncodedString(),
        ]
        if let error { values["error"] = error }
        return try await page(
            "assign-authenticator", values, token: token, session: session, status: error == nil ? .ok : .badRequest)
    }

    func enableAuthenticator(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal,
            let pending = session.authenticator
        else { return try await expired() }
        do {
            _ = try await identity.assignOfferedVirtualMFADevice(
                principal, pending, code1: form["code1"] ?? "", code2: form["code2"] ?? "")
        } catch let error as AWSError {
            let message =
                error.code == "InvalidAuthenticationCode"
                ? "The MFA codes are not valid. Type two consecutive codes: wait for the code to change before typing the second."
                : error.message
            return try await authenticatorPage(request, context, error: message)
        }
        _ = try await sessions.update(token: token) {
            $0.authenticator = nil
            $0.notice = "MFA device \(pending.name) assigned."
        }
        return redirect("/console/security-credentials")
    }

    func hardwarePage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.signedIn() else { return redirect("/console/signin") }
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        guard Self.isDeviceName(name) else {
            return redirect("/console/mfa/assign")
        }
        return try await page("assign-hardware", ["name": name], token: token, session: session)
    }

    func enableHardware(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let name = form["name"] ?? ""
        let serial = (form["serial"] ?? "").trimmingCharacters(in: .whitespaces)
        func retry(_ message: String) async throws -> Response {
            try await page(
                "assign-hardware", ["name": name, "serial": serial, "error": message], token: token, session: session,
                status: .badRequest)
        }
        let secret = (form["secret"] ?? "").filter { !$0.isWhitespace }
        guard Self.isDeviceName(name), let seed = try? Base32.decode(secret)
        else {
            return try await retry("The secret key must be the token's base32 secret (letters A–Z and digits 2–7).")
        }
        do {
            _ = try await identity.enableHardwareMFADevice(
                principal, serialNumber: serial, name: name, seed: seed, code1: form["code1"] ?? "",
                code2: form["code2"] ?? "")
        } catch let error as AWSError {
            return try await retry(
                error.code == "InvalidAuthenticationCode"
                    ? "The MFA codes are not valid for this secret key. Type two consecutive codes from the token."
                    : error.message)
        }
        _ = try await sessions.update(token: token) { $0.notice = "Hardware TOTP token \(name) assigned." }
        return redirect("/console/security-credentials")
    }

    func securityKeySetupPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.signedIn() else { return redirect("/console/signin") }
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        guard Self.isDeviceName(name) else {
            return redirect("/console/mfa/assign")
        }
        _ = try await sessions.update(token: token) { $0.registration = nil }
        return try await page("assign-security-key", ["name": name], token: token, session: session)
    }

    func registrationOptions(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.signedIn(csrf: request.headers[Self.csrfHeader]),
            let principal = session.principal
        else { return json(["error": "Your session expired. Sign in again."], status: .forbidden) }
        let body = try await Self.readBody(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let name = object["name"] as? String, Self.isDeviceName(name)
        else { return json(["error": "Give the security key a name first."], status: .badRequest) }
        let devices = try await identity.consoleMFADevices(principal)
        let limit = identity.configuration.maxMFADevicesPerUser
        guard devices.count < limit else {
            return json(
                ["error": "You already have \(limit) MFA devices, the most a user can have. Remove one first."],
                status: .badRequest)
        }
        let ceremony = RegistrationCeremony(
            relyingParty: relyingParty,
            user: UserEntity(
                id: Array(principal.userId.utf8), name: principal.userName ?? "root",
                displayName: principal.userName ?? "Root user of \(principal.accountId)"),
            excludeCredentials: devices.compactMap(\.1).map {
                CredentialDescriptor(id: Array($0.credentialId), transports: $0.transportList)
            }, attestation: attestation)
        let issued = clock()
        _ = try await sessions.update(token: token) {
            $0.registration = .init(pending: .init(ceremony: ceremony, issued: issued), name: name)
        }
        return jsonText(ceremony.optionsJSON)
    }

    func registrationVerify(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.signedIn(csrf: request.headers[Self.csrfHeader]),
            let principal = session.principal
        else { return json(["error": "Your session expired. Sign in again."], status: .forbidden) }
        let body = try await Self.readBody(request)
        guard let registration = try await sessions.take(token: token, \.registration),
            registration.pending.isLive(at: clock())
        else { return json(["error": "The security key request expired. Try again."], status: .badRequest) }
        let credential: RegisteredCredential
        do {
            credential = try registration.pending.ceremony.verify(responseJSON: body)
        } catch {
            context.logger.info("security key registration refused", metadata: ["reason": "\(error)"])
            return json(["error": "The security key could not be registered: \(error)"], status: .badRequest)
        }
        do {
            _ = try await identity.registerSecurityKey(
                principal, name: registration.name,
                key: NewSecurityKey(
                    credentialId: credential.credentialId, publicKey: credential.publicKey,
                    signCount: credential.signCount, backupEligible: credential.backupEligible,
                    transports: credential.transports, attestationFormat: credential.attestationFormat,
                    aaguid: credential.aaguid))
        } catch let error as AWSError {
            return json(["error": error.message], status: .badRequest)
        }
        _ = try await sessions.update(token: token) { $0.notice = "Security key \(registration.name) assigned." }
        return json(["redirect": "/console/security-credentials"])
    }

    func removeDevice(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let serial = form["serial"] ?? ""
        let device = try await identity.consoleMFADevices(principal).first { $0.0.serialNumber == serial }?.0
        guard let device else { return redirect("/console/security-credentials") }
        try await identity.deactivateMFADevice(principal, userName: nil, serialNumber: serial)
        if device.kind == .virtual { try await identity.deleteVirtualMFADevice(principal, serialNumber: serial) }
        _ = try await sessions.update(token: token) { $0.notice = "MFA device \(device.name) removed." }
        return redirect("/console/security-credentials")
    }

    func createAccessKey(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        do {
            let created = try await identity.createAccessKey(principal, userName: nil)
            return try await page(
                "access-key-created",
                ["id": created.record.accessKeyId, "secret": created.secretAccessKey], token: token, session: session)
        } catch let error as AWSError {
            _ = try await sessions.update(token: token) { $0.notice = error.message }
            return redirect("/console/security-credentials")
        }
    }

    func deleteAccessKey(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let id = form["id"] ?? ""
        do {
            try await identity.deleteAccessKey(principal, userName: nil, accessKeyId: id)
            _ = try await sessions.update(token: token) { $0.notice = "Access key \(id) deleted." }
        } catch let error as AWSError {
            _ = try await sessions.update(token: token) { $0.notice = error.message }
        }
        return redirect("/console/security-credentials")
    }

    func changePassword(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.signedIn(csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let new = form["new"] ?? ""
        let message: String
        if try await !identity.verifyPassword(userName: principal.userName, password: form["current"] ?? "") {
            message = "The current password is not correct; the password was not changed."
        } else if new != form["confirm"] {
            message = "The new passwords do not match; the password was not changed."
        } else {
            do {
                try await identity.updateLoginProfile(principal, userName: nil, password: new, resetRequired: false)
                message = "Password changed."
            } catch let error as AWSError {
                message = "\(error.message); the password was not changed."
            }
        }
        _ = try await sessions.update(token: token) { $0.notice = message }
        return redirect("/console/security-credentials#password")
    }
}
