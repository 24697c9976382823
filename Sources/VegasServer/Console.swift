import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import Logging
import Mustache
import NIOCore
import OTP
import WebAuthn

/// The web console under `/console`: sign-in with a choice of MFA device, and the security credentials page (MFA
/// devices including security keys, access keys, password). Server-rendered pages; a small script runs WebAuthn.
struct Console: Sendable {
    let identity: IdentityService
    let sessions: ConsoleSessions
    let pages: MustacheLibrary
    let relyingParty: RelyingParty
    let attestation: String
    /// Cookies get `Secure` when the console is served over HTTPS.
    let secureCookies: Bool
    let clock: @Sendable () -> Date

    static let cookieName = "vegas_console"
    /// Largest form or JSON body the console reads.
    static let maxBodyBytes = 64 * 1024
    /// The one answer to a wrong password, an unknown user, or a wrong, reused or locked-out MFA code.
    static let incorrect = "Your authentication information is incorrect. Please try again."

    init(
        identity: IdentityService, sessions: ConsoleSessions, relyingParty: RelyingParty, attestation: String,
        clock: @escaping @Sendable () -> Date
    ) throws {
        self.attestation = attestation
        self.identity = identity
        self.sessions = sessions
        self.pages = try ConsoleTemplates.library()
        self.relyingParty = relyingParty
        self.secureCookies = relyingParty.origins.first?.hasPrefix("https://") ?? false
        self.clock = clock
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        let console = router.group("console").add(middleware: SecurityHeaders(https: secureCookies))
        console.get("/") { request, _ in try await home(request) }
        console.get("password-reset") { request, _ in try await passwordResetPage(request) }
        console.post("password-reset") { request, context in try await resetPassword(request, context) }
        console.get("signin") { request, _ in try await signInPage(request) }
        console.post("signin") { request, context in try await signIn(request, context) }
        console.post("signout") { request, context in try await signOut(request, context) }
        console.get("mfa") { request, _ in try await chooseDevicePage(request) }
        console.post("mfa/choose") { request, context in try await chooseDevice(request, context) }
        console.get("mfa/code") { request, _ in try await codePage(request) }
        console.post("mfa/code") { request, context in try await submitCode(request, context) }
        console.get("mfa/security-key") { request, _ in try await securityKeyPage(request) }
        console.post("mfa/security-key/options") { request, context in try await signInOptions(request, context) }
        console.post("mfa/security-key/verify") { request, context in try await signInVerify(request, context) }
        console.get("security-credentials") { request, _ in try await securityCredentials(request) }
        console.get("mfa/assign") { request, _ in try await assignPage(request) }
        console.post("mfa/assign") { request, context in try await assign(request, context) }
        console.get("mfa/assign/authenticator") { request, _ in try await authenticatorPage(request) }
        console.post("mfa/assign/authenticator") { request, context in try await enableAuthenticator(request, context) }
        console.get("mfa/assign/hardware") { request, _ in try await hardwarePage(request) }
        console.post("mfa/assign/hardware") { request, context in try await enableHardware(request, context) }
        console.get("mfa/assign/security-key") { request, _ in try await securityKeySetupPage(request) }
        console.post("mfa/assign/security-key/options") { request, context in
            try await registrationOptions(request, context)
        }
        console.post("mfa/assign/security-key/verify") { request, context in
            try await registrationVerify(request, context)
        }
        console.post("mfa/remove") { request, context in try await removeDevice(request, context) }
        console.post("access-keys") { request, context in try await createAccessKey(request, context) }
        console.post("access-keys/delete") { request, context in try await deleteAccessKey(request, context) }
        console.post("password") { request, context in try await changePassword(request, context) }
        console.get("static/console.css") { _, _ in
            Self.asset(ConsoleAssets.css, contentType: "text/css; charset=utf-8")
        }
        console.get("static/console.js") { _, _ in
            Self.asset(ConsoleAssets.javascript, contentType: "text/javascript; charset=utf-8")
        }
    }

    // MARK: Sign-in

    private func home(_ request: Request) async throws -> Response {
        guard let (token, session) = try await current(request), let principal = session.principal else {
            return redirect(try await mustChangePassword(request) ? "/console/password-reset" : "/console/signin")
        }
        var values: [String: Any] = [
            "arn": principal.arn, "accountId": principal.accountId, "isUser": principal.userKey != nil,
        ]
        if let expiration = principal.session?.expiration { values["expires"] = AWSTimestamp.format(expiration) }
        return try await page("home", values, token: token, session: session)
    }

    private func signInPage(_ request: Request) async throws -> Response {
        if let (token, session) = try await current(request) {
            switch session.stage {
            case .signedIn: return redirect("/console/")
            case .awaitingMFA: return redirect("/console/mfa")
            case .anonymous: return try await page("signin", [:], token: token, session: session)
            }
        }
        let token = try await sessions.create()
        guard let session = try await sessions.session(token: token) else { return redirect("/console/signin") }
        return try await page("signin", [:], token: token, session: session, setCookie: true)
    }

    private func signIn(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, _) = try await current(request, csrf: form["csrf"]) else {
            return try await expired()
        }
        let account = (form["account"] ?? "").trimmingCharacters(in: .whitespaces)
        let asRoot = form["kind"] == "root"
        let userName = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let accepted = try await identity.signInToConsole(
            account: account, userName: asRoot ? nil : userName, password: form["password"] ?? "")
        guard let accepted else {
            guard let session = try await sessions.session(token: token) else { return try await expired() }
            let values: [String: Any] = [
                "error": Self.incorrect, "account": account, "username": userName, "root": asRoot,
            ]
            return try await page("signin", values, token: token, session: session, status: .unauthorized)
        }
        let principal = accepted.principal
        let devices = try await identity.consoleMFADevices(principal)
        let stage: ConsoleSession.Stage = devices.isEmpty ? .signedIn(principal) : .awaitingMFA(principal)
        guard let next = try await sessions.advance(token: token, to: stage) else { return try await expired() }
        _ = try await sessions.update(token: next) { $0.mustChangePassword = accepted.passwordResetRequired }
        context.logger.info("console password accepted", metadata: ["principal": "\(principal.arn)"])
        return redirect(devices.isEmpty ? "/console/" : "/console/mfa", token: next)
    }

    private func signOut(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        if let (token, _) = try await current(request, csrf: form["csrf"]) { try await sessions.end(token: token) }
        return redirect("/console/signin", clearCookie: true)
    }

    /// The choices at the MFA step: each TOTP device by name, and all security keys as one choice.
    private func choices(_ principal: Principal) async throws -> [(value: String, label: String, kind: String)] {
        let devices = try await identity.consoleMFADevices(principal)
        var choices = devices.filter { $0.0.kind != .securityKey }.map { device, _ in
            (value: device.serialNumber, label: device.name, kind: Self.typeName(device.kind))
        }
        let keys = devices.filter { $0.0.kind == .securityKey }
        if !keys.isEmpty {
            let names = keys.map(\.0.name).joined(separator: ", ")
            choices.append((value: "security-key", label: "Security key", kind: names))
        }
        return choices
    }

    private func chooseDevicePage(_ request: Request) async throws -> Response {
        guard let (token, session) = try await current(request), case .awaitingMFA(let principal) = session.stage else {
            return redirect("/console/signin")
        }
        let choices = try await choices(principal)
        if choices.count == 1 { return try await go(to: choices[0].value, token: token) }
        let devices: [[String: Any]] = choices.enumerated().map { index, choice in
            ["value": choice.value, "label": choice.label, "kind": choice.kind, "first": index == 0]
        }
        return try await page("mfa-choose", ["devices": devices], token: token, session: session)
    }

    private func chooseDevice(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await current(request, csrf: form["csrf"]),
            case .awaitingMFA(let principal) = session.stage
        else { return try await expired() }
        let choice = form["device"] ?? ""
        guard try await choices(principal).contains(where: { $0.value == choice }) else {
            return redirect("/console/mfa")
        }
        return try await go(to: choice, token: token)
    }

    private func go(to choice: String, token: String) async throws -> Response {
        if choice == "security-key" { return redirect("/console/mfa/security-key") }
        _ = try await sessions.update(token: token) { $0.chosenDevice = choice }
        return redirect("/console/mfa/code")
    }

    private func codePage(_ request: Request, error: String? = nil) async throws -> Response {
        guard let (token, session) = try await current(request), case .awaitingMFA(let principal) = session.stage else {
            return redirect("/console/signin")
        }
        let choices = try await choices(principal)
        guard let serial = session.chosenDevice ?? (choices.count == 1 ? choices.first?.value : nil),
            let device = choices.first(where: { $0.value == serial && serial != "security-key" })
        else { return redirect("/console/mfa") }
        var values: [String: Any] = ["deviceName": device.label, "several": choices.count > 1]
        if let error { values["error"] = error }
        return try await page(
            "mfa-code", values, token: token, session: session, status: error == nil ? .ok : .unauthorized)
    }

    private func submitCode(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await current(request, csrf: form["csrf"]),
            case .awaitingMFA(let principal) = session.stage
        else { return try await expired() }
        let choices = try await choices(principal)
        guard let serial = session.chosenDevice ?? (choices.count == 1 ? choices.first?.value : nil) else {
            return redirect("/console/mfa")
        }
        do {
            try await identity.verifyConsoleCode(principal, serialNumber: serial, code: form["code"] ?? "")
        } catch is AWSError {
            return try await codePage(request, error: Self.incorrect)
        }
        guard let next = try await sessions.advance(token: token, to: .signedIn(principal)) else {
            return try await expired()
        }
        context.logger.info("console sign-in with MFA code", metadata: ["principal": "\(principal.arn)"])
        return redirect("/console/", token: next)
    }

    private func securityKeyPage(_ request: Request) async throws -> Response {
        guard let (token, session) = try await current(request), case .awaitingMFA(let principal) = session.stage else {
            return redirect("/console/signin")
        }
        let several = try await choices(principal).count > 1
        return try await page("mfa-security-key", ["several": several], token: token, session: session)
    }

    private func signInOptions(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let (token, session) = try await current(request, csrf: request.headers[Self.csrfHeader]),
            case .awaitingMFA(let principal) = session.stage
        else { return json(["error": "Your sign-in expired. Sign in again."], status: .forbidden) }
        let keys = try await identity.consoleMFADevices(principal).compactMap(\.1)
        guard !keys.isEmpty else { return json(["error": "You have no security key."], status: .badRequest) }
        // The AppID extension is asked for only when the user has keys registered with the U2F API.
        var relyingParty = self.relyingParty
        if !keys.contains(where: \.legacyU2F) { relyingParty.appID = nil }
        let ceremony = AuthenticationCeremony(
            relyingParty: relyingParty,
            allowCredentials: keys.map {
                CredentialDescriptor(id: Array($0.credentialId), transports: $0.transportList)
            })
        let issued = clock()
        _ = try await sessions.update(token: token) { $0.signIn = .init(ceremony: ceremony, issued: issued) }
        return jsonText(ceremony.optionsJSON)
    }

    private func signInVerify(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let (token, session) = try await current(request, csrf: request.headers[Self.csrfHeader]),
            case .awaitingMFA(let principal) = session.stage
        else { return json(["error": "Your sign-in expired. Sign in again."], status: .forbidden) }
        let body = try await Self.readBody(request)
        guard let pending = try await sessions.take(token: token, \.signIn), pending.isLive(at: clock()) else {
            return json(["error": "The security key request expired. Try again."], status: .badRequest)
        }
        let logger = context.logger
        do {
            let credentialId = try AuthenticationCeremony.credentialId(ofResponseJSON: body)
            let userHandle = Array(principal.userId.utf8)
            try await identity.authenticateWithSecurityKey(principal, credentialId: credentialId) { stored in
                do {
                    let assertion = try pending.ceremony.verify(
                        responseJSON: body,
                        credential: StoredCredential(
                            credentialId: Array(stored.credentialId), publicKey: Array(stored.publicKey),
                            signCount: UInt32(clamping: stored.signCount), backupEligible: stored.backupEligible,
                            transports: stored.transportList),
                        userHandle: userHandle)
                    return .valid(signCount: assertion.signCount)
                } catch {
                    if case WebAuthnError.signCountRegressed = error { return .counterRegressed }
                    logger.info("security key assertion refused", metadata: ["reason": "\(error)"])
                    return .invalid
                }
            }
        } catch let error as WebAuthnError {
            logger.info("security key assertion refused", metadata: ["reason": "\(error)"])
            return json(["error": Self.incorrect], status: .unauthorized)
        } catch is AWSError {
            return json(["error": Self.incorrect], status: .unauthorized)
        }
        guard let next = try await sessions.advance(token: token, to: .signedIn(principal)) else {
            return json(["error": "Your sign-in expired. Sign in again."], status: .forbidden)
        }
        logger.info("console sign-in with security key", metadata: ["principal": "\(principal.arn)"])
        var response = json(["redirect": "/console/"])
        response.headers[.setCookie] = cookie(next)
        return response
    }

    /// Whether the request's session is signed in but must set a new password first.
    private func mustChangePassword(_ request: Request) async throws -> Bool {
        guard let (_, session) = try await current(request), case .signedIn = session.stage else { return false }
        return session.mustChangePassword
    }

    private func passwordResetPage(_ request: Request, error: String? = nil) async throws -> Response {
        guard let (token, session) = try await current(request), session.mustChangePassword,
            case .signedIn = session.stage
        else { return redirect("/console/") }
        var values: [String: Any] = [:]
        if let error { values["error"] = error }
        return try await page(
            "password-reset", values, token: token, session: session, status: error == nil ? .ok : .badRequest)
    }

    private func resetPassword(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await current(request, csrf: form["csrf"]), session.mustChangePassword,
            case .signedIn(let principal) = session.stage
        else { return try await expired() }
        let new = form["new"] ?? ""
        guard new == form["confirm"] else {
            return try await passwordResetPage(request, error: "The new passwords do not match.")
        }
        do {
            try await identity.updateLoginProfile(principal, userName: nil, password: new, resetRequired: false)
        } catch let error as AWSError {
            return try await passwordResetPage(request, error: error.message)
        }
        _ = try await sessions.update(token: token) {
            $0.mustChangePassword = false
            $0.notice = "Password changed."
        }
        return redirect("/console/")
    }

    // MARK: Security credentials

    private func securityCredentials(_ request: Request) async throws -> Response {
        guard let (token, session) = try await current(request), let principal = session.principal,
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

    private func assignPage(_ request: Request) async throws -> Response {
        guard let (token, session) = try await signedIn(request) else { return redirect("/console/signin") }
        return try await page("assign-mfa", [:], token: token, session: session)
    }

    private func assign(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
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

    private func authenticatorPage(_ request: Request, error: String? = nil) async throws -> Response {
        guard let (token, session) = try await signedIn(request), let pending = session.authenticator else {
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

    private func enableAuthenticator(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal,
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
            return try await authenticatorPage(request, error: message)
        }
        _ = try await sessions.update(token: token) {
            $0.authenticator = nil
            $0.notice = "MFA device \(pending.name) assigned."
        }
        return redirect("/console/security-credentials")
    }

    private func hardwarePage(_ request: Request) async throws -> Response {
        guard let (token, session) = try await signedIn(request) else { return redirect("/console/signin") }
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        guard Self.isDeviceName(name) else {
            return redirect("/console/mfa/assign")
        }
        return try await page("assign-hardware", ["name": name], token: token, session: session)
    }

    private func enableHardware(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
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

    private func securityKeySetupPage(_ request: Request) async throws -> Response {
        guard let (token, session) = try await signedIn(request) else { return redirect("/console/signin") }
        let name = request.uri.queryParameters["name"].map(String.init) ?? ""
        guard Self.isDeviceName(name) else {
            return redirect("/console/mfa/assign")
        }
        _ = try await sessions.update(token: token) { $0.registration = nil }
        return try await page("assign-security-key", ["name": name], token: token, session: session)
    }

    private func registrationOptions(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let (token, session) = try await signedIn(request, csrf: request.headers[Self.csrfHeader]),
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

    private func registrationVerify(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let (token, session) = try await signedIn(request, csrf: request.headers[Self.csrfHeader]),
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

    private func removeDevice(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
        else { return try await expired() }
        let serial = form["serial"] ?? ""
        let device = try await identity.consoleMFADevices(principal).first { $0.0.serialNumber == serial }?.0
        guard let device else { return redirect("/console/security-credentials") }
        try await identity.deactivateMFADevice(principal, userName: nil, serialNumber: serial)
        if device.kind == .virtual { try await identity.deleteVirtualMFADevice(principal, serialNumber: serial) }
        _ = try await sessions.update(token: token) { $0.notice = "MFA device \(device.name) removed." }
        return redirect("/console/security-credentials")
    }

    private func createAccessKey(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
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

    private func deleteAccessKey(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
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

    private func changePassword(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = try await signedIn(request, csrf: form["csrf"]), let principal = session.principal
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

    // MARK: Plumbing

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The session named by the request's cookie; with `csrf`, only if the token sent matches the session's.
    private func current(_ request: Request, csrf: String?? = .none) async throws -> (String, ConsoleSession)? {
        guard let token = request.cookies[Self.cookieName]?.value,
            let session = try await sessions.session(token: token)
        else { return nil }
        if case .some(let sent) = csrf {
            guard let sent, constantTimeEquals(Array(sent.utf8), Array(session.csrfToken.utf8)) else { return nil }
        }
        return (token, session)
    }

    /// A signed-in session of a user or the root (role sessions have no security credentials).
    private func signedIn(_ request: Request, csrf: String?? = .none) async throws -> (String, ConsoleSession)? {
        guard let (token, session) = try await current(request, csrf: csrf), let principal = session.principal,
            principal.userKey != nil
        else { return nil }
        return (token, session)
    }

    private func expired() async throws -> Response {
        let token = try await sessions.create()
        guard let session = try await sessions.session(token: token) else { return redirect("/console/signin") }
        return try await page(
            "signin", ["error": "Your session expired or the form was stale. Sign in again."], token: token,
            session: session, status: .forbidden, setCookie: true)
    }

    private func page(
        _ template: String, _ values: [String: Any], token: String, session: ConsoleSession,
        status: HTTPResponse.Status = .ok, setCookie: Bool = false
    ) async throws -> Response {
        var values = values
        values["csrf"] = session.csrfToken
        if case .signedIn(let principal) = session.stage {
            values["identity"] = principal.userName.map { "\($0) @ \(principal.accountId)" } ?? principal.arn
        }
        if values["error"] == nil, let notice = session.notice {
            values["notice"] = notice
            _ = try await sessions.update(token: token) { $0.notice = nil }
        }
        guard let html = pages.render(values, withTemplate: template) else {
            throw ConsoleConfigurationError("no console template named \(template)")
        }
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if setCookie { headers[.setCookie] = cookie(token) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func redirect(_ location: String, token: String? = nil, clearCookie: Bool = false) -> Response {
        var headers: HTTPFields = [.location: location]
        if let token { headers[.setCookie] = cookie(token) }
        if clearCookie { headers[.setCookie] = cookie("", maxAge: 0) }
        return Response(status: .seeOther, headers: headers)
    }

    /// The session cookie: never readable by scripts, not sent on cross-site subrequests, HTTPS-only under HTTPS.
    func cookie(_ token: String, maxAge: Int? = nil) -> String {
        var cookie = "\(Self.cookieName)=\(token); Path=/console; HttpOnly; SameSite=Lax"
        if secureCookies { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }

    /// The request body, refused with 413 (not a server error) beyond `maxBodyBytes`.
    static func readBody(_ request: Request, limit: Int = maxBodyBytes) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "The request body is larger than \(limit) bytes.")
        }
    }

    private func readForm(_ request: Request) async throws -> QueryParameters {
        do {
            return try QueryParameters(formEncoded: try await Self.readBody(request), maxBytes: Self.maxBodyBytes)
        } catch let error as AWSError {
            throw HTTPError(.badRequest, message: error.message)
        }
    }

    private func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return jsonText(String(decoding: data, as: UTF8.self), status: status)
    }

    private func jsonText(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Whether `name` can name an MFA device (AWS's virtual device name rule); the service checks it again.
    static func isDeviceName(_ name: String) -> Bool {
        (1...64).contains(name.count) && AWSPattern.virtualMFADeviceName.matches(name)
    }

    static func typeName(_ kind: MFADeviceKind) -> String {
        switch kind {
        case .virtual: return "Authenticator app"
        case .securityKey: return "Security key"
        case .hardware: return "Hardware TOTP token"
        }
    }

    static func displayDate(_ date: Date) -> String {
        AWSTimestamp.format(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// Headers on every console response: no framing, no inline or foreign scripts, no caching of pages with secrets.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = BasicRequestContext
    /// Served over HTTPS: browsers are told to keep to HTTPS (HSTS).
    let https: Bool

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if https { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}
