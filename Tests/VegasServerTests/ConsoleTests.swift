import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OTP
import Testing
import VegasServer

/// A browser stand-in for the console's routes: keeps the session cookie, reads the CSRF token off each page.
private final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookie: String?
    var csrf = ""

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        var location: String? { headers[.location] }
        /// The text of the element with `id`, e.g. the error message.
        func text(id: String) -> String? {
            guard let start = body.range(of: "id=\"\(id)\"")?.upperBound,
                let open = body[start...].firstIndex(of: ">"),
                let close = body[open...].firstIndex(of: "<")
            else { return nil }
            return String(body[body.index(after: open)..<close])
        }
    }

    @discardableResult
    func get(_ uri: String) async throws -> Page { try await send(.get, uri, body: "") }

    @discardableResult
    func post(_ uri: String, _ form: [(String, String)], csrf: Bool = true) async throws -> Page {
        try await send(.post, uri, body: AWSPercentEncoding.formBody((csrf ? [("csrf", self.csrf)] : []) + form))
    }

    private func send(_ method: HTTPRequest.Method, _ uri: String, body: String) async throws -> Page {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = "vegas_console=\(cookie)" }
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
        {
            response in
            Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
        if let set = page.headers[.setCookie],
            let value = set.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        {
            cookie = String(value)
        }
        if let range = page.body.range(of: #"name="csrf-token" content=""#) {
            csrf = String(page.body[range.upperBound...].prefix { $0 != "\"" })
        }
        return page
    }
}

@Suite("Console over the router: sign-in, MFA step, CSRF, headers, federation")
struct ConsoleTests {
    /// A user `alice` with a console password and, optionally, an enabled authenticator-app device.
    private func alice(_ client: ServerHarness.Client, device: Bool) async throws -> TOTP? {
        #expect(try await client.call("iam", [("Action", "CreateUser"), ("UserName", "alice")]).status == 200)
        let profile = try await client.call(
            "iam", [("Action", "CreateLoginProfile"), ("UserName", "alice"), ("Password", "correct horse 1")])
        #expect(profile.status == 200)
        guard device else { return nil }
        let created = try await client.call(
            "iam", [("Action", "CreateVirtualMFADevice"), ("VirtualMFADeviceName", "alice-phone")])
        let seed = try #require(
            created.result?.first(named: "VirtualMFADevice")?.first(named: "Base32StringSeed")?.text)
        let totp = try TOTP(secret: Base32.decode(String(decoding: Data(base64Encoded: seed)!, as: UTF8.self)))
        let step = totp.step(at: Int64(Date().timeIntervalSince1970))
        let enabled = try await client.call(
            "iam",
            [
                ("Action", "EnableMFADevice"), ("UserName", "alice"),
                ("SerialNumber", "arn:aws:iam::123456789012:mfa/alice-phone"),
                ("AuthenticationCode1", totp.code(step: step - 1)), ("AuthenticationCode2", totp.code(step: step)),
            ])
        #expect(enabled.status == 200)
        return totp
    }

    private func signIn(_ browser: Browser, password: String = "correct horse 1") async throws -> Browser.Page {
        try await browser.get("/console/signin")
        return try await browser.post(
            "/console/signin",
            [("account", "123456789012"), ("kind", "user"), ("username", "alice"), ("password", password)])
    }

    /// Role `admin` (trusting the account), user `bob` with a key, and bob's AssumeRole `Credentials` element.
    private func assumedRole(_ client: ServerHarness.Client) async throws -> XMLElement {
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#
        #expect(
            try await client.call(
                "iam", [("Action", "CreateRole"), ("RoleName", "admin"), ("AssumeRolePolicyDocument", trust)]
            ).status == 200)
        #expect(try await client.call("iam", [("Action", "CreateUser"), ("UserName", "bob")]).status == 200)
        let keyReply = try await client.call("iam", [("Action", "CreateAccessKey"), ("UserName", "bob")])
        let key = try #require(keyReply.result?.first(named: "AccessKey"))
        let bob = AWSCredentials(
            accessKeyId: key.first(named: "AccessKeyId")?.text ?? "",
            secretAccessKey: key.first(named: "SecretAccessKey")?.text ?? "", sessionToken: nil)
        let assumed = try await client.call(
            "sts",
            [("Action", "AssumeRole"), ("RoleArn", "arn:aws:iam::123456789012:role/admin"), ("RoleSessionName", "me")],
            credentials: bob)
        return try #require(assumed.result?.first(named: "Credentials"))
    }

    /// The federation endpoint's `Session` parameter, percent-encoded.
    private func federationSession(_ accessKeyId: String, secret: String, token: String) -> String {
        let json = try! JSONSerialization.data(withJSONObject: [
            "sessionId": accessKeyId, "sessionKey": secret, "sessionToken": token,
        ])
        return String(decoding: json, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test("pages carry a strict CSP, frame denial and no-store; the cookie is HttpOnly and SameSite")
    func securityHeaders() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let page = try await Browser(client.client).get("/console/signin")
            #expect(page.status == .ok)
            let csp = try #require(page.headers[.contentSecurityPolicy])
            #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(page.headers[.cacheControl] == "no-store")
            let cookie = try #require(page.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"))
            #expect(!page.body.contains("<script>"))
        }
    }

    @Test("oversized form bodies and federation posts are refused with 413, not a server error")
    func oversizedBodies() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let browser = Browser(client.client)
            try await browser.get("/console/signin")
            let huge = String(repeating: "a", count: 70 * 1024)
            let signIn = try await browser.post("/console/signin", [("password", huge)])
            #expect(signIn.status == .contentTooLarge)
            let federation = try await browser.post("/federation", [("Action", "getSigninToken"), ("Session", huge)])
            #expect(federation.status == .contentTooLarge)
        }
    }

    @Test("without MFA the password signs in; a wrong password and a missing CSRF token are refused")
    func passwordOnly() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            _ = try await alice(client, device: false)
            let browser = Browser(client.client)
            let wrong = try await signIn(browser, password: "wrong horse 1")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text(id: "error") == "Your authentication information is incorrect. Please try again.")
            let noToken = try await browser.post(
                "/console/signin",
                [
                    ("account", "123456789012"), ("kind", "user"), ("username", "alice"),
                    ("password", "correct horse 1"),
                ],
                csrf: false)
            #expect(noToken.status == .forbidden)
            let right = try await signIn(browser)
            #expect(right.status == .seeOther)
            #expect(right.location == "/console/")
            let home = try await browser.get("/console/")
            #expect(home.text(id: "arn") == "arn:aws:iam::123456789012:user/alice")
            let credentials = try await browser.get("/console/security-credentials")
            #expect(credentials.text(id: "no-mfa") == "No MFA devices yet.")
        }
    }

    @Test("with a device the password leads to the code; wrong and reused codes get the same answer")
    func codeStep() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let totp = try #require(try await alice(client, device: true))
            let browser = Browser(client.client)
            let password = try await signIn(browser)
            #expect(password.location == "/console/mfa")
            // Still signed out: the security credentials page sends the browser back to sign in.
            #expect(try await browser.get("/console/security-credentials").location == "/console/signin")
            #expect(try await browser.get("/console/mfa").location == "/console/mfa/code")
            let page = try await browser.get("/console/mfa/code")
            #expect(page.body.contains("alice-phone"))
            let step = totp.step(at: Int64(Date().timeIntervalSince1970))
            let reused = try await browser.post("/console/mfa/code", [("code", totp.code(step: step))])
            let wrong = try await browser.post("/console/mfa/code", [("code", "000000")])
            #expect(reused.status == .unauthorized)
            #expect(reused.text(id: "error") == wrong.text(id: "error"))
            let accepted = try await browser.post("/console/mfa/code", [("code", totp.code(step: step + 1))])
            #expect(accepted.location == "/console/")
            #expect(try await browser.get("/console/").text(id: "arn") == "arn:aws:iam::123456789012:user/alice")
        }
    }

    @Test("a login profile that demands a new password opens only the password page until one is set")
    func passwordReset() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            _ = try await alice(client, device: false)
            let reset = try await client.call(
                "iam", [("Action", "UpdateLoginProfile"), ("UserName", "alice"), ("PasswordResetRequired", "true")])
            #expect(reset.status == 200)
            let browser = Browser(client.client)
            #expect(try await signIn(browser).location == "/console/")
            #expect(try await browser.get("/console/").location == "/console/password-reset")
            #expect(try await browser.get("/console/security-credentials").location == "/console/signin")
            try await browser.get("/console/password-reset")
            let mismatch = try await browser.post(
                "/console/password-reset", [("new", "new horse 12"), ("confirm", "new horse 13")])
            #expect(mismatch.text(id: "error") == "The new passwords do not match.")
            let set = try await browser.post(
                "/console/password-reset", [("new", "new horse 12"), ("confirm", "new horse 12")])
            #expect(set.location == "/console/")
            #expect(try await browser.get("/console/").text(id: "arn") == "arn:aws:iam::123456789012:user/alice")
            #expect(try await signIn(Browser(client.client), password: "new horse 12").location == "/console/")
        }
    }

    @Test("federation: AssumeRole credentials get a single-use sign-in token that opens a console session")
    func federation() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let credentials = try await assumedRole(client)
            func field(_ name: String) -> String { credentials.first(named: name)?.text ?? "" }
            func session(secret: String) -> String {
                federationSession(field("AccessKeyId"), secret: secret, token: field("SessionToken"))
            }
            let browser = Browser(client.client)
            let forged = try await browser.get("/federation?Action=getSigninToken&Session=\(session(secret: "not-it"))")
            #expect(forged.status == .forbidden)
            let issued = try await browser.get(
                "/federation?Action=getSigninToken&SessionDuration=3600&Session=\(session(secret: field("SecretAccessKey")))"
            )
            #expect(issued.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(issued.body.utf8)) as? [String: String]
            let token = try #require(object?["SigninToken"])

            let offsite = try await browser.get(
                "/federation?Action=login&Destination=https%3A%2F%2Fevil.example%2F&SigninToken=\(token)")
            #expect(offsite.status == .badRequest)
            let login = try await browser.get(
                "/federation?Action=login&Issuer=test&Destination=http%3A%2F%2Flocalhost%3A8080%2Fconsole%2F&SigninToken=\(token)"
            )
            #expect(login.status == .found)
            #expect(login.location == "/console/")
            #expect(
                try await browser.get("/console/").text(id: "arn") == "arn:aws:sts::123456789012:assumed-role/admin/me")
            let again = try await Browser(client.client).get(
                "/federation?Action=login&Destination=%2Fconsole%2F&SigninToken=\(token)")
            #expect(again.status == .forbidden)

            // Long-term keys cannot open a console session.
            let rootSession = try JSONSerialization.data(withJSONObject: [
                "sessionId": ServerHarness.root.accessKeyId, "sessionKey": ServerHarness.root.secretAccessKey,
                "sessionToken": "",
            ])
            let encoded = String(decoding: rootSession, as: UTF8.self).addingPercentEncoding(
                withAllowedCharacters: .alphanumerics)!
            #expect(try await browser.get("/federation?Action=getSigninToken&Session=\(encoded)").status != .ok)
        }
    }

    @Test("a console session lives in the store: another server on the same data continues it, sign-out ends it there")
    func sessionOutlivesServer() async throws {
        let h = try await ServerHarness()
        let (cookie, csrf) = try await h.test { client in
            _ = try await alice(client, device: false)
            let browser = Browser(client.client)
            #expect(try await signIn(browser).location == "/console/")
            #expect(try await browser.get("/console/").status == .ok)
            return (try #require(browser.cookie), browser.csrf)
        }
        let restarted = try await h.sameData()
        try await restarted.test { client in
            let browser = Browser(client.client)
            browser.cookie = cookie
            browser.csrf = csrf
            let home = try await browser.get("/console/")
            #expect(home.status == .ok)
            #expect(home.text(id: "arn") == "arn:aws:iam::123456789012:user/alice")
            #expect(try await browser.post("/console/signout", []).location == "/console/signin")
        }
        try await h.test { client throws -> Void in
            let browser = Browser(client.client)
            browser.cookie = cookie
            #expect(try await browser.get("/console/").location == "/console/signin")
        }
    }

    @Test("a federation sign-in token minted on one server is redeemed once, on any server sharing the store")
    func federationTokenAcrossServers() async throws {
        let h = try await ServerHarness()
        let other = try await h.sameData()
        let token = try await h.test { client in
            let credentials = try await assumedRole(client)
            func field(_ name: String) -> String { credentials.first(named: name)?.text ?? "" }
            let session = federationSession(
                field("AccessKeyId"), secret: field("SecretAccessKey"), token: field("SessionToken"))
            let issued = try await Browser(client.client).get("/federation?Action=getSigninToken&Session=\(session)")
            let object = try JSONSerialization.jsonObject(with: Data(issued.body.utf8)) as? [String: String]
            return try #require(object?["SigninToken"])
        }
        try await other.test { client in
            let browser = Browser(client.client)
            let login = try await browser.get("/federation?Action=login&Destination=%2Fconsole%2F&SigninToken=\(token)")
            #expect(login.status == .found)
            #expect(
                try await browser.get("/console/").text(id: "arn") == "arn:aws:sts::123456789012:assumed-role/admin/me")
        }
        try await h.test { client throws -> Void in
            let again = try await Browser(client.client).get(
                "/federation?Action=login&Destination=%2Fconsole%2F&SigninToken=\(token)")
            #expect(again.status == .forbidden)
        }
    }
}
