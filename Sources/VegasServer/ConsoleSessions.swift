import Crypto
import Foundation
import IdentityService
import WebAuthn

/// One browser's state in the console, kept on the server; the browser holds only a random token (the cookie).
struct ConsoleSession: Sendable {
    enum Stage: Sendable {
        /// Before the password.
        case anonymous
        /// Password accepted; the MFA step is pending.
        case awaitingMFA(Principal)
        case signedIn(Principal)
    }

    /// A WebAuthn ceremony in progress: its challenge is single-use and lives five minutes.
    struct Pending<Ceremony: Sendable>: Sendable {
        let ceremony: Ceremony
        let issued: Date

        func isLive(at now: Date) -> Bool { now.timeIntervalSince(issued) < ConsoleSessions.stepLifetime }
    }

    /// A security key being registered under the name the user gave it.
    struct Registration: Sendable {
        let pending: Pending<RegistrationCeremony>
        let name: String
    }

    var stage: Stage = .anonymous
    /// Sent with every form and script request; compared in constant time.
    let csrfToken: String = ConsoleSessions.randomToken()
    var expires: Date
    var signIn: Pending<AuthenticationCeremony>?
    var registration: Registration?
    /// The authenticator-app device being set up: stored only when the user's two codes prove the app holds its seed.
    var authenticator: VirtualMFADeviceOffer?
    /// The MFA device chosen at sign-in (a TOTP device's serial), when the user has several.
    var chosenDevice: String?
    /// A message shown once on the next page.
    var notice: String?
    /// The login profile demands a new password: once signed in, only the password page opens.
    var mustChangePassword = false

    /// Who is signed in, once every step (password, MFA, a demanded new password) is done.
    var principal: Principal? {
        if case .signedIn(let principal) = stage, !mustChangePassword { return principal }
        return nil
    }
}

/// The console's sessions and federation sign-in tokens, in memory: a restart signs everyone out. Tokens are looked up
/// by their SHA-256, so the table never holds a usable cookie.
actor ConsoleSessions {
    /// How long a signed-in session lasts.
    let lifetime: TimeInterval
    /// How long a sign-in may take (password to MFA) and a WebAuthn challenge lives.
    static let stepLifetime: TimeInterval = 300
    /// Federation sign-in tokens are valid for 15 minutes, as AWS's.
    static let signinTokenLifetime: TimeInterval = 900
    /// Sessions kept at most; the oldest are dropped first when anonymous visitors flood the table.
    let capacity: Int

    private var sessions: [Data: ConsoleSession] = [:]
    private var signinTokens: [Data: (principal: Principal, sessionExpires: Date, issued: Date)] = [:]
    private let clock: @Sendable () -> Date

    init(lifetime: TimeInterval, capacity: Int = 10_000, clock: @escaping @Sendable () -> Date) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.clock = clock
    }

    /// The session a cookie names, if it exists and has not expired.
    func session(token: String) -> ConsoleSession? {
        let key = Self.key(token)
        guard let session = sessions[key] else { return nil }
        guard session.expires > clock() else {
            sessions[key] = nil
            return nil
        }
        return session
    }

    /// Starts a session (anonymous, for the sign-in form) and returns its token.
    func create(_ session: ConsoleSession? = nil) -> String {
        removeExpired()
        if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires })?.key {
            sessions[oldest] = nil
        }
        let token = Self.randomToken()
        sessions[Self.key(token)] = session ?? ConsoleSession(expires: clock().addingTimeInterval(Self.stepLifetime))
        return token
    }

    /// Changes a session in place; returns nil when it is gone.
    func update<T: Sendable>(token: String, _ change: @Sendable (inout ConsoleSession) -> T) -> T? {
        let key = Self.key(token)
        guard var session = sessions[key], session.expires > clock() else { return nil }
        let result = change(&session)
        sessions[key] = session
        return result
    }

    /// Takes a pending ceremony out of a session: its challenge is used once, whatever the outcome.
    func take<Ceremony: Sendable>(
        token: String, _ field: WritableKeyPath<ConsoleSession, Ceremony?> & Sendable
    ) -> Ceremony? {
        update(token: token) { session in
            defer { session[keyPath: field] = nil }
            return session[keyPath: field]
        } ?? nil
    }

    /// Moves a session to a new token (after each sign-in step, against session fixation) with a new stage.
    func advance(token: String, to stage: ConsoleSession.Stage) -> String? {
        guard var session = sessions.removeValue(forKey: Self.key(token)), session.expires > clock() else { return nil }
        session.stage = stage
        session.signIn = nil
        session.chosenDevice = nil
        let now = clock()
        session.expires = now.addingTimeInterval(stage.isSignedIn ? lifetime : Self.stepLifetime)
        let next = Self.randomToken()
        sessions[Self.key(next)] = session
        return next
    }

    func end(token: String) {
        sessions[Self.key(token)] = nil
    }

    /// Issues a single-use federation sign-in token for `principal`; the console session it opens ends at `sessionExpires`.
    func issueSigninToken(for principal: Principal, sessionExpires: Date) -> String {
        let now = clock()
        signinTokens = signinTokens.filter { now.timeIntervalSince($0.value.issued) < Self.signinTokenLifetime }
        let token = Self.randomToken(bytes: 48)
        signinTokens[Self.key(token)] = (principal, sessionExpires, now)
        return token
    }

    /// Redeems a federation sign-in token (once) for a signed-in session; returns the session's token.
    func redeemSigninToken(_ token: String) -> String? {
        let now = clock()
        guard let entry = signinTokens.removeValue(forKey: Self.key(token)),
            now.timeIntervalSince(entry.issued) < Self.signinTokenLifetime, entry.sessionExpires > now
        else { return nil }
        var session = ConsoleSession(expires: entry.sessionExpires)
        session.stage = .signedIn(entry.principal)
        return create(session)
    }

    private func removeExpired() {
        let now = clock()
        sessions = sessions.filter { $0.value.expires > now }
    }

    private static func key(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }

    /// A random URL-safe token.
    static func randomToken(bytes: Int = 32) -> String {
        Data(Identifiers.randomBytes(bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension ConsoleSession.Stage {
    var isSignedIn: Bool {
        if case .signedIn = self { return true }
        return false
    }
}
