import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import NIOCore
import OTP
import WebAuthn

// The sign-in pages: password, the choice of MFA device, a code or a security key, and a demanded new password.
extension Console {

    func home(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(), let principal = session.principal else {
            return redirect(mustChangePassword(context) ? "/console/password-reset" : "/console/signin")
        }
        var values: [String: Any] = [
            "arn": principal.arn, "accountId": principal.accountId, "isUser": principal.userKey != nil,
        ]
        if let expiration = principal.session?.expiration { values["expires"] = AWSTimestamp.format(expiration) }
        return try await page("home", values, token: token, session: session)
    }

    func signInPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        if let (token, session) = context.current() {
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

    func signIn(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, _) = context.current(csrf: form["csrf"]) else {
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

    func signOut(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        if let (token, _) = context.current(csrf: form["csrf"]) { try await sessions.end(token: token) }
        return redirect("/console/signin", clearCookie: true)
    }

    /// The choices at the MFA step: each TOTP device by name, and all security keys as one choice.
    func choices(_ principal: Principal) async throws -> [(value: String, label: String, kind: String)] {
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

    func chooseDevicePage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(), case .awaitingMFA(let principal) = session.stage else {
            return redirect("/console/signin")
        }
        let choices = try await choices(principal)
        if choices.count == 1 { return try await go(to: choices[0].value, token: token) }
        let devices: [[String: Any]] = choices.enumerated().map { index, choice in
            ["value": choice.value, "label": choice.label, "kind": choice.kind, "first": index == 0]
        }
        return try await page("mfa-choose", ["devices": devices], token: token, session: session)
    }

    func chooseDevice(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.current(csrf: form["csrf"]),
            case .awaitingMFA(let principal) = session.stage
        else { return try await expired() }
        let choice = form["device"] ?? ""
        guard try await choices(principal).contains(where: { $0.value == choice }) else {
            return redirect("/console/mfa")
        }
        return try await go(to: choice, token: token)
    }

    func go(to choice: String, token: String) async throws -> Response {
        if choice == "security-key" { return redirect("/console/mfa/security-key") }
        _ = try await sessions.update(token: token) { $0.chosenDevice = choice }
        return redirect("/console/mfa/code")
    }

    func codePage(_ request: Request, _ context: ConsoleContext, error: String? = nil) async throws -> Response {
        guard let (token, session) = context.current(), case .awaitingMFA(let principal) = session.stage else {
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

    func submitCode(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.current(csrf: form["csrf"]),
            case .awaitingMFA(let principal) = session.stage
        else { return try await expired() }
        let choices = try await choices(principal)
        guard let serial = session.chosenDevice ?? (choices.count == 1 ? choices.first?.value : nil) else {
            return redirect("/console/mfa")
        }
        do {
            try await identity.verifyConsoleCode(principal, serialNumber: serial, code: form["code"] ?? "")
        } catch is AWSError {
            return try await codePage(request, context, error: Self.incorrect)
        }
        guard let next = try await sessions.advance(token: token, to: .signedIn(principal)) else {
            return try await expired()
        }
        context.logger.info("console sign-in with MFA code", metadata: ["principal": "\(principal.arn)"])
        return redirect("/console/", token: next)
    }

    func securityKeyPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(), case .awaitingMFA(let principal) = session.stage else {
            return redirect("/console/signin")
        }
        let several = try await choices(principal).count > 1
        return try await page("mfa-security-key", ["several": several], token: token, session: session)
    }

    func signInOptions(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(csrf: request.headers[Self.csrfHeader]),
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

    func signInVerify(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard let (token, session) = context.current(csrf: request.headers[Self.csrfHeader]),
            case .awaitingMFA(let principal) = session.stage
        else { return json(["error": "Your sign-in expired. Sign in again."], status: .forbidden) }
        let body = try await Self.readBody(request)
        guard let pending = try await sessions.take(token: token, \.signIn), pending.isLive(at: clock()) else {
            return json(["error": "The security key request expired. Try again."], status: .badRequest)
        }
        do {
            try await identity.authenticateWithSecurityKey(principal, ceremony: pending.ceremony, responseJSON: body)
        } catch is AWSError {
            return json(["error": Self.incorrect], status: .unauthorized)
        }
        guard let next = try await sessions.advance(token: token, to: .signedIn(principal)) else {
            return json(["error": "Your sign-in expired. Sign in again."], status: .forbidden)
        }
        context.logger.info("console sign-in with security key", metadata: ["principal": "\(principal.arn)"])
        var response = json(["redirect": "/console/"])
        response.headers[.setCookie] = cookie(next)
        return response
    }

    /// Whether the request's session is signed in but must set a new password first.
    func mustChangePassword(_ context: ConsoleContext) -> Bool {
        guard let (_, session) = context.current(), case .signedIn = session.stage else { return false }
        return session.mustChangePassword
    }

    func passwordResetPage(_ request: Request, _ context: ConsoleContext, error: String? = nil) async throws -> Response
    {
        guard let (token, session) = context.current(), session.mustChangePassword,
            case .signedIn = session.stage
        else { return redirect("/console/") }
        var values: [String: Any] = [:]
        if let error { values["error"] = error }
        return try await page(
            "password-reset", values, token: token, session: session, status: error == nil ? .ok : .badRequest)
    }

    func resetPassword(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let form = try await readForm(request)
        guard let (token, session) = context.current(csrf: form["csrf"]), session.mustChangePassword,
            case .signedIn(let principal) = session.stage
        else { return try await expired() }
        let new = form["new"] ?? ""
        guard new == form["confirm"] else {
            return try await passwordResetPage(request, context, error: "The new passwords do not match.")
        }
        do {
            try await identity.updateLoginProfile(principal, userName: nil, password: new, resetRequired: false)
        } catch let error as AWSError {
            return try await passwordResetPage(request, context, error: error.message)
        }
        _ = try await sessions.update(token: token) {
            $0.mustChangePassword = false
            $0.notice = "Password changed."
        }
        return redirect("/console/")
    }
}
