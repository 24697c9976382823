import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import NIOCore
import OTP
import WebAuthn

// Pages, redirects, cookies and bodies: what every console route answers with.
extension Console {

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    func expired() async throws -> Response {
        let token = try await sessions.create()
        guard let session = try await sessions.session(token: token) else { return redirect("/console/signin") }
        return try await page(
            "signin", ["error": "Your session expired or the form was stale. Sign in again."], token: token,
            session: session, status: .forbidden, setCookie: true)
    }

    func page(
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

    func redirect(_ location: String, token: String? = nil, clearCookie: Bool = false) -> Response {
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

    func readForm(_ request: Request) async throws -> QueryParameters {
        do {
            return try QueryParameters(formEncoded: try await Self.readBody(request), maxBytes: Self.maxBodyBytes)
        } catch let error as AWSError {
            throw HTTPError(.badRequest, message: error.message)
        }
    }

    func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return jsonText(String(decoding: data, as: UTF8.self), status: status)
    }

    func jsonText(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func asset(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Headers on every console response: no framing, no inline or foreign scripts, no caching of pages with secrets.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    /// Served over HTTPS: browsers are told to keep to HTTPS (HSTS).
    let https: Bool

    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

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
