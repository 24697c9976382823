import Foundation
import IdentityService
import PostgresNIO

// The account, users, access keys, login profiles, roles and STS sessions.
extension PostgresTransaction {
    // MARK: Account, users, keys, profiles

    func account() async throws -> AccountRecord? {
        try await rows("SELECT accountId, alias, createDate FROM account LIMIT 1") { row in
            let (id, alias, created) = try row.decode((String, String?, Date).self)
            return AccountRecord(accountId: id, alias: alias, createDate: created)
        }.first
    }
    func save(_ account: AccountRecord) async throws {
        try change(
            """
            INSERT INTO account (accountId, alias, createDate) VALUES (\(account.accountId), \(account.alias), \
            \(account.createDate)) ON CONFLICT (accountId) DO UPDATE SET alias = EXCLUDED.alias
            """)
    }

    static let userColumns = "userId, userName, path, arn, createDate"
    static func user(_ row: PostgresRow) throws -> UserRecord {
        let (id, name, path, arn, created) = try row.decode((String, String, String, String, Date).self)
        return UserRecord(userId: id, userName: name, path: path, arn: arn, createDate: created)
    }
    func user(nameKey: String) async throws -> UserRecord? {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM iam_user WHERE nameKey = \(nameKey)", Self.user)
            .first
    }
    func users() async throws -> [UserRecord] {
        try await rows("SELECT \(unescaped: Self.userColumns) FROM iam_user ORDER BY nameKey", Self.user)
    }
    func insert(_ user: UserRecord) async throws {
        try change(
            """
            INSERT INTO iam_user (nameKey, userId, userName, path, arn, createDate) VALUES (\(user.nameKey), \
            \(user.userId), \(user.userName), \(user.path), \(user.arn), \(user.createDate))
            """)
    }
    func deleteUser(nameKey: String) async throws { try change("DELETE FROM iam_user WHERE nameKey = \(nameKey)") }

    static let accessKeyColumns = "accessKeyId, userName, secretCiphertext, isActive, createDate"
    static func accessKey(_ row: PostgresRow) throws -> AccessKeyRecord {
        let (id, user, secret, active, created) = try row.decode((String, String?, Data, Bool, Date).self)
        return AccessKeyRecord(
            accessKeyId: id, userName: user, secretCiphertext: secret, isActive: active, createDate: created)
    }
    func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await rows(
            "SELECT \(unescaped: Self.accessKeyColumns) FROM access_key WHERE accessKeyId = \(id)", Self.accessKey
        ).first
    }
    func accessKeys(userName: String?) async throws -> [AccessKeyRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.accessKeyColumns) FROM access_key WHERE userName IS NOT DISTINCT FROM \(userName)
            ORDER BY accessKeyId
            """, Self.accessKey)
    }
    func save(_ key: AccessKeyRecord) async throws {
        try change(
            """
            INSERT INTO access_key (accessKeyId, userName, secretCiphertext, isActive, createDate) VALUES \
            (\(key.accessKeyId), \(key.userName), \(key.secretCiphertext), \(key.isActive), \(key.createDate))
            ON CONFLICT (accessKeyId) DO UPDATE SET userName = EXCLUDED.userName,
            secretCiphertext = EXCLUDED.secretCiphertext, isActive = EXCLUDED.isActive
            """)
    }
    func deleteAccessKey(id: String) async throws { try change("DELETE FROM access_key WHERE accessKeyId = \(id)") }

    static let loginProfileColumns =
        "userName, passwordHash, passwordResetRequired, createDate, failedAttempts, lockouts, lockedUntil"
    static func loginProfile(_ row: PostgresRow) throws -> LoginProfileRecord {
        let (name, hash, reset, created, failures, lockouts, lockedUntil) = try row.decode(
            (String?, String, Bool, Date, Int, Int, Date?).self)
        var profile = LoginProfileRecord(
            userName: name, passwordHash: hash, passwordResetRequired: reset, createDate: created)
        profile.lockout = Lockout(failedAttempts: failures, lockouts: lockouts, lockedUntil: lockedUntil)
        return profile
    }
    func loginProfile(userKey: String) async throws -> LoginProfileRecord? {
        try await rows(
            "SELECT \(unescaped: Self.loginProfileColumns) FROM login_profile WHERE userKey = \(userKey)",
            Self.loginProfile
        ).first
    }
    func save(_ profile: LoginProfileRecord) async throws {
        try change(
            """
            INSERT INTO login_profile (userKey, \(unescaped: Self.loginProfileColumns)) VALUES (\(profile.userKey), \
            \(profile.userName), \(profile.passwordHash), \(profile.passwordResetRequired), \(profile.createDate), \
            \(profile.failedAttempts), \(profile.lockouts), \(profile.lockedUntil))
            ON CONFLICT (userKey) DO UPDATE SET passwordHash = EXCLUDED.passwordHash,
            passwordResetRequired = EXCLUDED.passwordResetRequired, failedAttempts = EXCLUDED.failedAttempts,
            lockouts = EXCLUDED.lockouts, lockedUntil = EXCLUDED.lockedUntil
            """)
    }
    func deleteLoginProfile(userKey: String) async throws {
        try change("DELETE FROM login_profile WHERE userKey = \(userKey)")
    }

    // MARK: Roles and sessions

    static let roleColumns =
        "roleId, roleName, path, arn, trustPolicy, description, maxSessionDuration, createDate"
    static func role(_ row: PostgresRow) throws -> RoleRecord {
        let (id, name, path, arn, policy, description, duration, created) = try row.decode(
            (String, String, String, String, String, String?, Int, Date).self)
        return RoleRecord(
            roleId: id, roleName: name, path: path, arn: arn, trustPolicy: policy, description: description,
            maxSessionDuration: duration, createDate: created)
    }
    func role(nameKey: String) async throws -> RoleRecord? {
        try await rows("SELECT \(unescaped: Self.roleColumns) FROM iam_role WHERE nameKey = \(nameKey)", Self.role)
            .first
    }
    func roles() async throws -> [RoleRecord] {
        try await rows("SELECT \(unescaped: Self.roleColumns) FROM iam_role ORDER BY nameKey", Self.role)
    }
    func save(_ role: RoleRecord) async throws {
        try change(
            """
            INSERT INTO iam_role (nameKey, \(unescaped: Self.roleColumns)) VALUES (\(role.nameKey), \(role.roleId), \
            \(role.roleName), \(role.path), \(role.arn), \(role.trustPolicy), \(role.description), \
            \(role.maxSessionDuration), \(role.createDate))
            ON CONFLICT (nameKey) DO UPDATE SET trustPolicy = EXCLUDED.trustPolicy,
            description = EXCLUDED.description, maxSessionDuration = EXCLUDED.maxSessionDuration
            """)
    }
    func deleteRole(nameKey: String) async throws { try change("DELETE FROM iam_role WHERE nameKey = \(nameKey)") }

    static let sessionColumns = """
        accessKeyId, secretCiphertext, tokenHash, origin, userName, roleName, roleSessionName, sourceIdentity, \
        mfaAuthenticatedAt, createDate, expiration
        """
    static func session(_ row: PostgresRow) throws -> SessionRecord {
        let (id, secret, token, originName, user, role, sessionName, source, mfaAt, created, expiration) =
            try row.decode((String, Data, Data, String, String?, String?, String?, String?, Date?, Date, Date).self)
        guard let origin = SessionOrigin(rawValue: originName) else {
            throw IdentityConfigurationError("the stored session origin '\(originName)' is unknown")
        }
        return SessionRecord(
            accessKeyId: id, secretCiphertext: secret, tokenHash: token, origin: origin, userName: user,
            roleName: role, roleSessionName: sessionName, sourceIdentity: source, mfaAuthenticatedAt: mfaAt,
            createDate: created, expiration: expiration)
    }
    func session(accessKeyId: String) async throws -> SessionRecord? {
        try await rows(
            "SELECT \(unescaped: Self.sessionColumns) FROM sts_session WHERE accessKeyId = \(accessKeyId)", Self.session
        ).first
    }
    func insert(_ session: SessionRecord) async throws {
        try change(
            """
            INSERT INTO sts_session (accessKeyId, secretCiphertext, tokenHash, origin, userName, roleName,
            roleSessionName, sourceIdentity, mfaAuthenticatedAt, createDate, expiration) VALUES \
            (\(session.accessKeyId), \(session.secretCiphertext), \(session.tokenHash), \(session.origin.rawValue), \
            \(session.userName), \(session.roleName), \(session.roleSessionName), \(session.sourceIdentity), \
            \(session.mfaAuthenticatedAt), \(session.createDate), \(session.expiration))
            """)
    }
    func deleteSessions(expiredBefore date: Date) async throws -> Int {
        try await run("DELETE FROM sts_session WHERE expiration < \(date) RETURNING 1").count
    }
}
