import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import NIOCore
import OTP

/// AWS's console federation endpoint on `/federation` (what `aws-vault login` and `vegas-credentials login` call):
/// `Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}[&SessionDuration=900…43200]` answers
/// `{"SigninToken": …}` for AssumeRole credentials; `Action=login&Destination=…&SigninToken=…` redeems the token once
/// for a console session and redirects to the destination, which must be a page of this console.
struct Federation: Sendable {
    let identity: IdentityService
    let console: Console
    let clock: @Sendable () -> Date

    static let maxSessionBytes = 8 * 1024

    func addRoutes(to router: Router<BasicRequestContext>) {
        let federation = router.group("federation").add(middleware: SecurityHeaders<BasicRequestContext>(https: console.secureCookies))
        federation.get { request, context in await respond(request, context) }
        federation.post { request, context in await respond(request, context) }
    }

    private func respond(_ request: Request, _ context: BasicRequestContext) async -> Response {
        do {
            // The query string as a form (`+` is a space, as url.QueryEscape and Python's urlencode write it).
            let query = try QueryParameters(
                formEncoded: Array((request.uri.query ?? "").utf8), maxBytes: Self.maxSessionBytes * 2)
            var parameters = [String: String]()
            for name in query.names { parameters[name] = query[name] }
            if request.method == .post {
                let body = try await Console.readBody(request, limit: Self.maxSessionBytes * 2)
                let form = try QueryParameters(formEncoded: body)
                for name in form.names { parameters[name] = form[name] }
            }
            switch parameters["Action"] {
            case "getSigninToken": return try await signinToken(parameters, context)
            case "login": return try await login(parameters, authority: request.head.authority)
            default:
                throw FederationError("Action must be getSigninToken or login")
            }
        } catch let error as FederationError {
            return Self.error(error.message, status: error.status)
        } catch let error as AWSError {
            return Self.error(error.message, status: .badRequest)
        } catch let error as HTTPError {
            return Self.error(error.body ?? "bad request", status: error.status)
        } catch {
            context.logger.error("federation request failed", metadata: ["error": "\(type(of: error))"])
            return Self.error("internal error", status: .internalServerError)
        }
    }

    private func signinToken(_ parameters: [String: String], _ context: BasicRequestContext) async throws -> Response {
        guard let text = parameters["Session"], text.utf8.count <= Self.maxSessionBytes,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let accessKeyId = object["sessionId"] as? String, let secret = object["sessionKey"] as? String,
            let token = object["sessionToken"] as? String
        else {
            throw FederationError("Session must be JSON with sessionId, sessionKey and sessionToken")
        }
        var duration: TimeInterval?
        if let text = parameters["SessionDuration"] {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw FederationError("SessionDuration must be 900 to 43200 seconds")
            }
            duration = TimeInterval(seconds)
        }
        let caller: KnownCaller
        do {
            caller = try await identity.caller(accessKeyId: accessKeyId, securityToken: token)
        } catch {
            throw FederationError("The session credentials are not valid or have expired", status: .forbidden)
        }
        guard constantTimeEquals(Array(secret.utf8), Array(caller.secretAccessKey.utf8)) else {
            throw FederationError("The session credentials are not valid or have expired", status: .forbidden)
        }
        guard let session = caller.principal.session, session.origin == .assumedRole else {
            throw FederationError(
                "Only credentials from AssumeRole can open a console session (not long-term keys or GetSessionToken)",
                status: .forbidden)
        }
        let now = clock()
        let ends = now.addingTimeInterval(duration ?? min(session.expiration.timeIntervalSince(now), 43_200))
        let signinToken = try await console.sessions.issueSigninToken(for: caller.principal, sessionExpires: ends)
        context.logger.info("federation sign-in token issued", metadata: ["principal": "\(caller.principal.arn)"])
        let body = try JSONSerialization.data(withJSONObject: ["SigninToken": signinToken])
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    private func login(_ parameters: [String: String], authority: String?) async throws -> Response {
        guard let token = parameters["SigninToken"], !token.isEmpty else {
            throw FederationError("SigninToken is missing")
        }
        let destination = try localDestination(parameters["Destination"] ?? "/console/", authority: authority)
        guard let sessionToken = try await console.sessions.redeemSigninToken(token) else {
            throw FederationError("The sign-in token is not valid, was already used or has expired", status: .forbidden)
        }
        return Response(
            status: .found, headers: [.location: destination, .setCookie: console.cookie(sessionToken)])
    }

    /// The destination as a path of this console: a relative `/console…` path, or an absolute URL on the console's
    /// public origin or on the origin the request came to (`authority`: a client that knows the server as 127.0.0.1).
    /// Anything else is refused, so the endpoint cannot be used to redirect signed-in users elsewhere.
    private func localDestination(_ destination: String, authority: String?) throws -> String {
        var origins = console.relyingParty.origins
        if let authority { origins.append("\(console.secureCookies ? "https" : "http")://\(authority)") }
        var path = destination
        for origin in origins where destination.hasPrefix(origin + "/") {
            path = String(destination.dropFirst(origin.count))
        }
        guard path.hasPrefix("/console"), !path.hasPrefix("//"), !path.contains("\\"),
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw FederationError(
                "Destination must be a page of this console (\(console.relyingParty.origins[0])/console/…)")
        }
        return path
    }

    private static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body))
        )
    }
}

/// A refused federation request.
struct FederationError: Error {
    let message: String
    let status: HTTPResponse.Status

    init(_ message: String, status: HTTPResponse.Status = .badRequest) {
        self.message = message
        self.status = status
    }
}
