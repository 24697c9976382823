import Hummingbird
import OTP

/// The request context of the console's routes: what `ConsoleSessionMiddleware` found for the request's cookie.
struct ConsoleContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The browser's live session and its token, loaded once per request; nil without a valid cookie.
    var session: (token: String, state: ConsoleSession)?

    init(context: BasicRequestContext) throws {
        coreContext = context.coreContext
    }

    /// The session; with `csrf`, only if the token sent matches the session's (compared in constant time).
    func current(csrf: String?? = .none) -> (String, ConsoleSession)? {
        guard let session else { return nil }
        if case .some(let sent) = csrf {
            guard let sent, constantTimeEquals(Array(sent.utf8), Array(session.state.csrfToken.utf8)) else {
                return nil
            }
        }
        return (session.token, session.state)
    }

    /// A signed-in session of a user or the root (role sessions have no security credentials).
    func signedIn(csrf: String?? = .none) -> (String, ConsoleSession)? {
        guard let (token, session) = current(csrf: csrf), let principal = session.principal, principal.userKey != nil
        else { return nil }
        return (token, session)
    }
}

/// Loads the console session the request's cookie names (from the store, so any instance serves any request) into
/// the context, before the route runs.
struct ConsoleSessionMiddleware: RouterMiddleware {
    typealias Context = ConsoleContext
    let sessions: ConsoleSessions

    func handle(
        _ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let token = request.cookies[Console.cookieName]?.value,
            let session = try await sessions.session(token: token)
        {
            context.session = (token, session)
        }
        return try await next(request, context)
    }
}
