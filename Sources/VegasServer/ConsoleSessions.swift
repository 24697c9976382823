import Crypto
import Foundation
import IdentityService
import WebAuthn

/// One browser's state in the console, kept in the store (sealed); the browser holds only a random token (the cookie).
struct ConsoleSession: Sendable, Codable {
    enum Stage: Sendable, Codable {
        /// Before the password.
        case anonymous
        /// Password accepted; the MFA step is pending.
        case awaitingMFA(Principal)
        case signedIn(Principal)
    }

    /// A WebAuthn ceremony in progress: its challenge is single-use and lives five minutes.
    struct Pending<Ceremony: Sendable & Codable>: Sendable, Codable {
        let ceremony: Ceremony
        let issued: Date

        func isLive(at now: Date) -> Bool { now.timeIntervalSince(issued) < ConsoleSessions.stepLifetime }
    }

    /// A security key being registered under the name the user gave it.
    struct Registration: Sendable, Codable {
        let pending: Pending<RegistrationCeremony>
        let name: String
    }

    var stage: Stage = .anonymous
    /// Sent with every form and script request; compared in constant time.
    var csrfToken: String = ConsoleSessions.randomToken()
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

/// The console's sessions and federation sign-in tokens, in the store, so that any instance serves any request and a
/// restart signs no one out. Rows are found by the SHA-256 of the token, so the tables never hold a usable cookie; a
/// session's state is sealed under the master key, bound to its row. Changes are compare-and-set on the row's version:
/// of two requests changing one session at once, the second reads again and applies its change to the first's result.
struct ConsoleSessions: Sendable {
    let store: any Store
    let secrets: SecretBox
    /// How long a signed-in session lasts.
    let lifetime: TimeInterval
    let clock: @Sendable () -> Date

    /// How long a sign-in may take (password to MFA) and a WebAuthn challenge lives.
    static let stepLifetime: TimeInterval = 300
    /// Federation sign-in tokens are valid for 15 minutes, as AWS's.
    static let signinTokenLifetime: TimeInterval = 900
    /// Attempts at a compare-and-set before giving up (each lost one means another request changed the session).
    static let maxAttempts = 16

    /// The session a cookie names, if it exists and has not expired.
    func session(token: String) async throws -> ConsoleSession? {
        try await load(Self.key(token))?.session
    }

    /// Starts a session (anonymous, for the sign-in form) and returns its token.
    func create(_ session: ConsoleSession? = nil) async throws -> String {
        let token = Self.randomToken()
        let session = session ?? ConsoleSession(expires: clock().addingTimeInterval(Self.stepLifetime))
        let record = try seal(session, key: Self.key(token), version: 0)
        try await store.write { tx in try await tx.insert(record) }
        return token
    }

    /// Changes a session; returns nil when it is gone or expired.
    func update<T: Sendable>(token: String, _ change: @Sendable (inout ConsoleSession) -> T) async throws -> T? {
        let key = Self.key(token)
        for _ in 0..<Self.maxAttempts {
            guard let (record, session) = try await load(key) else { return nil }
            var changed = session
            let result = change(&changed)
            let next = try seal(changed, key: key, version: record.version + 1)
            if try await store.write({ tx in try await tx.update(next, ifVersion: record.version) }) { return result }
        }
        throw ConsoleConfigurationError("a console session kept changing under \(Self.maxAttempts) attempts")
    }

    /// Takes a pending ceremony out of a session: its challenge is used once, whatever the outcome.
    func take<Ceremony: Sendable>(
        token: String, _ field: WritableKeyPath<ConsoleSession, Ceremony?> & Sendable
    ) async throws -> Ceremony? {
        try await update(token: token) { session in
            defer { session[keyPath: field] = nil }
            return session[keyPath: field]
        } ?? nil
    }

    /// Moves a session to a new token (after each sign-in step, against session fixation) with a new stage.
    func advance(token: String, to stage: ConsoleSession.Stage) async throws -> String? {
        let old = Self.key(token)
        let next = Self.randomToken()
        let now = clock()
        let moved = try await store.write { tx -> Bool in
            guard let record = try await tx.consoleSession(tokenHash: old), record.expires > now else { return false }
            var session = try open(record)
            session.stage = stage
            session.signIn = nil
            session.chosenDevice = nil
            session.expires = now.addingTimeInterval(stage.isSignedIn ? lifetime : Self.stepLifetime)
            try await tx.deleteConsoleSession(tokenHash: old)
            try await tx.insert(try seal(session, key: Self.key(next), version: 0))
            return true
        }
        return moved ? next : nil
    }

    func end(token: String) async throws {
        try await store.write { tx in try await tx.deleteConsoleSession(tokenHash: Self.key(token)) }
    }

    /// Issues a single-use federation sign-in token for `principal`; the console session it opens ends at `sessionExpires`.
    func issueSigninToken(for principal: Principal, sessionExpires: Date) async throws -> String {
        let token = Self.randomToken(bytes: 48)
        let key = Self.key(token)
        let record = SigninTokenRecord(
            tokenHash: key,
            sealedPrincipal: secrets.seal(
                try JSONEncoder().encode(principal), context: Self.context("signin-token", key)),
            sessionExpires: sessionExpires, expires: clock().addingTimeInterval(Self.signinTokenLifetime))
        try await store.write { tx in try await tx.insert(record) }
        return token
    }

    /// Redeems a federation sign-in token (once, on whichever instance asks first) for a signed-in session; returns
    /// the session's token.
    func redeemSigninToken(_ token: String) async throws -> String? {
        let key = Self.key(token)
        let now = clock()
        guard let record = try await store.write({ tx in try await tx.takeSigninToken(tokenHash: key) }),
            record.expires > now, record.sessionExpires > now
        else { return nil }
        let principal = try JSONDecoder().decode(
            Principal.self,
            from: Data(try secrets.open(record.sealedPrincipal, context: Self.context("signin-token", key))))
        var session = ConsoleSession(expires: record.sessionExpires)
        session.stage = .signedIn(principal)
        return try await create(session)
    }

    private func load(_ key: Data) async throws -> (record: ConsoleSessionRecord, session: ConsoleSession)? {
        guard let record = try await store.read({ tx in try await tx.consoleSession(tokenHash: key) }),
            record.expires > clock()
        else { return nil }
        return (record, try open(record))
    }

    private func seal(_ session: ConsoleSession, key: Data, version: Int64) throws -> ConsoleSessionRecord {
        ConsoleSessionRecord(
            tokenHash: key,
            sealedState: secrets.seal(try JSONEncoder().encode(session), context: Self.context("console-session", key)),
            version: version, expires: session.expires)
    }

    private func open(_ record: ConsoleSessionRecord) throws -> ConsoleSession {
        try JSONDecoder().decode(
            ConsoleSession.self,
            from: Data(try secrets.open(record.sealedState, context: Self.context("console-session", record.tokenHash)))
        )
    }

    private static func context(_ purpose: String, _ key: Data) -> String { "\(purpose):\(key.base64EncodedString())" }

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
