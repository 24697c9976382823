import Foundation
import IdentityService
import PostgresNIO

// Console sessions, sign-in tokens, the change revision and the whole contents.
extension PostgresTransaction {
    // MARK: Console sessions and sign-in tokens

    func consoleSession(tokenHash: Data) async throws -> ConsoleSessionRecord? {
        try await rows("SELECT sealedState, version, expires FROM console_session WHERE tokenHash = \(tokenHash)") {
            row in
            let (state, version, expires) = try row.decode((Data, Int64, Date).self)
            return ConsoleSessionRecord(tokenHash: tokenHash, sealedState: state, version: version, expires: expires)
        }.first
    }
    func insert(_ session: ConsoleSessionRecord) async throws {
        try change(
            """
            INSERT INTO console_session (tokenHash, sealedState, version, expires) VALUES (\(session.tokenHash), \
            \(session.sealedState), \(session.version), \(session.expires))
            """)
    }
    func update(_ session: ConsoleSessionRecord, ifVersion version: Int64) async throws -> Bool {
        try await run(
            """
            UPDATE console_session SET sealedState = \(session.sealedState), version = \(session.version), \
            expires = \(session.expires) WHERE tokenHash = \(session.tokenHash) AND version = \(version) RETURNING 1
            """
        ).count == 1
    }
    func deleteConsoleSession(tokenHash: Data) async throws {
        try change("DELETE FROM console_session WHERE tokenHash = \(tokenHash)")
    }
    func deleteConsoleSessions(expiredBefore date: Date) async throws -> Int {
        try await run("DELETE FROM console_session WHERE expires < \(date) RETURNING 1").count
    }

    func insert(_ token: SigninTokenRecord) async throws {
        try change(
            """
            INSERT INTO signin_token (tokenHash, sealedPrincipal, sessionExpires, expires) VALUES \
            (\(token.tokenHash), \(token.sealedPrincipal), \(token.sessionExpires), \(token.expires))
            """)
    }
    func takeSigninToken(tokenHash: Data) async throws -> SigninTokenRecord? {
        try await rows(
            """
            DELETE FROM signin_token WHERE tokenHash = \(tokenHash) RETURNING sealedPrincipal, sessionExpires, expires
            """
        ) { row in
            let (principal, sessionExpires, expires) = try row.decode((Data, Date, Date).self)
            return SigninTokenRecord(
                tokenHash: tokenHash, sealedPrincipal: principal, sessionExpires: sessionExpires, expires: expires)
        }.first
    }
    func deleteSigninTokens(expiredBefore date: Date) async throws -> Int {
        try await run("DELETE FROM signin_token WHERE expires < \(date) RETURNING 1").count
    }

    func revision() async throws -> Int64 {
        try await rows("SELECT value FROM revision WHERE id = 1") { try $0.decode(Int64.self) }.first ?? 0
    }
    func bumpRevision() async throws { try change("UPDATE revision SET value = value + 1 WHERE id = 1") }

    func contents() async throws -> StoreContents {
        var contents = StoreContents()
        contents.account = try await account()
        contents.users = try await users()
        contents.accessKeys = try await rows(
            "SELECT \(unescaped: Self.accessKeyColumns) FROM access_key ORDER BY accessKeyId", Self.accessKey)
        contents.loginProfiles = try await rows(
            "SELECT \(unescaped: Self.loginProfileColumns) FROM login_profile ORDER BY userKey", Self.loginProfile)
        contents.devices = try await rows(
            "SELECT \(unescaped: Self.deviceColumns) FROM mfa_device ORDER BY serialNumber", Self.device)
        contents.securityKeys = try await rows(
            "SELECT \(unescaped: Self.securityKeyColumns) FROM security_key ORDER BY serialNumber", Self.securityKey)
        for (serial, tag) in try await rows(
            "SELECT serialNumber, key, value FROM mfa_device_tag ORDER BY 1, 2",
            {
                row in
                let (serial, key, value) = try row.decode((String, String, String).self)
                return (serial, TagRecord(key: key, value: value))
            })
        {
            contents.tags[serial, default: []].append(tag)
        }
        contents.roles = try await roles()
        contents.sessions = try await rows(
            "SELECT \(unescaped: Self.sessionColumns) FROM sts_session ORDER BY accessKeyId", Self.session)
        contents.consoleSessions = try await rows(
            "SELECT tokenHash, sealedState, version, expires FROM console_session ORDER BY tokenHash"
        ) { row in
            let (hash, state, version, expires) = try row.decode((Data, Data, Int64, Date).self)
            return ConsoleSessionRecord(tokenHash: hash, sealedState: state, version: version, expires: expires)
        }
        contents.signinTokens = try await rows(
            "SELECT tokenHash, sealedPrincipal, sessionExpires, expires FROM signin_token ORDER BY tokenHash"
        ) { row in
            let (hash, principal, sessionExpires, expires) = try row.decode((Data, Data, Date, Date).self)
            return SigninTokenRecord(
                tokenHash: hash, sealedPrincipal: principal, sessionExpires: sessionExpires, expires: expires)
        }
        return contents
    }
}
