import Foundation
import GRDB
import IdentityService

/// The embedded store: one SQLite file (WAL mode) through GRDB. Readers never block the writer; writes are serialised and
/// each `write` is one transaction. The file and its WAL are created readable by the owner only.
public final class SQLiteStore: Store {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw IdentityConfigurationError("cannot create the database file \(path)")
            }
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a committed transaction survives a killed process; only an OS crash may lose the last ones.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteTransaction(db: db)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await pool.write { db in try body(SQLiteTransaction(db: db)) }
    }

    /// Closes the database (checkpointing the WAL); further calls fail.
    public func close() throws {
        try pool.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: identity") { db in
            try db.create(table: "account") { t in
                t.primaryKey("accountId", .text)
                t.column("alias", .text)
                t.column("createDate", .datetime).notNull()
            }
            try db.create(table: "user") { t in
                t.primaryKey("nameKey", .text)
                t.column("userId", .text).notNull().unique()
                t.column("userName", .text).notNull()
                t.column("path", .text).notNull()
                t.column("arn", .text).notNull()
                t.column("createDate", .datetime).notNull()
            }
            try db.create(table: "accessKey") { t in
                t.primaryKey("accessKeyId", .text)
                t.column("userName", .text).indexed()
                t.column("secretCiphertext", .blob).notNull()
                t.column("isActive", .boolean).notNull()
                t.column("createDate", .datetime).notNull()
            }
            try db.create(table: "loginProfile") { t in
                t.primaryKey("userKey", .text)
                t.column("userName", .text)
                t.column("passwordHash", .text).notNull()
                t.column("passwordResetRequired", .boolean).notNull()
                t.column("createDate", .datetime).notNull()
            }
            try db.create(table: "mfaDevice") { t in
                t.primaryKey("serialNumber", .text)
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("path", .text).notNull()
                t.column("userKey", .text).indexed()
                t.column("userName", .text)
                t.column("seedCiphertext", .blob)
                t.column("createDate", .datetime).notNull()
                t.column("enableDate", .datetime)
                t.column("driftSteps", .integer).notNull()
                t.column("lastUsedStep", .integer)
                t.column("failedAttempts", .integer).notNull()
                t.column("lockouts", .integer).notNull()
                t.column("lockedUntil", .datetime)
            }
            try db.create(table: "mfaDeviceTag") { t in
                t.column("serialNumber", .text).notNull()
                    .references("mfaDevice", column: "serialNumber", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["serialNumber", "key"])
            }
            try db.create(table: "role") { t in
                t.primaryKey("nameKey", .text)
                t.column("roleId", .text).notNull().unique()
                t.column("roleName", .text).notNull()
                t.column("path", .text).notNull()
                t.column("arn", .text).notNull()
                t.column("trustPolicy", .text).notNull()
                t.column("description", .text)
                t.column("maxSessionDuration", .integer).notNull()
                t.column("createDate", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("accessKeyId", .text)
                t.column("secretCiphertext", .blob).notNull()
                t.column("tokenHash", .blob).notNull()
                t.column("origin", .text).notNull()
                t.column("userName", .text)
                t.column("roleName", .text)
                t.column("roleSessionName", .text)
                t.column("sourceIdentity", .text)
                t.column("mfaAuthenticatedAt", .datetime)
                t.column("createDate", .datetime).notNull()
                t.column("expiration", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v2: security keys") { db in
            try db.create(table: "securityKey") { t in
                t.primaryKey("serialNumber", .text)
                    .references("mfaDevice", column: "serialNumber", onDelete: .cascade)
                t.column("credentialId", .blob).notNull().unique()
                t.column("publicKey", .blob).notNull()
                t.column("signCount", .integer).notNull()
                t.column("backupEligible", .boolean).notNull()
                t.column("transports", .text).notNull()
                t.column("attestationFormat", .text).notNull()
                t.column("aaguid", .blob).notNull()
                t.column("cloneSuspectedAt", .datetime)
                t.column("lastUsedDate", .datetime)
                t.column("legacyU2F", .boolean).notNull()
            }
        }
        return migrator
    }
}

extension AccountRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "account"
}
extension UserRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"
}
extension AccessKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "accessKey"
}
extension LoginProfileRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "loginProfile"
}
extension MFADeviceRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mfaDevice"

    /// The columns every device query selects, in the order `init(row:)` reads them.
    static let selection = """
        serialNumber, kind, name, path, seedCiphertext, createDate, userKey, userName, enableDate, driftSteps, \
        lastUsedStep, failedAttempts, lockouts, lockedUntil
        """

    /// Reads a row of `selection` by position rather than through `Decodable` or by column name: every code check
    /// fetches a device, and the generic decoder costs several times the query.
    public init(row: Row) throws {
        let kindName: String = try row.decode(atIndex: 1)
        guard let kind = MFADeviceKind(rawValue: kindName) else {
            throw IdentityConfigurationError("the stored MFA device kind '\(kindName)' is unknown")
        }
        self.init(
            serialNumber: try row.decode(atIndex: 0), kind: kind, name: try row.decode(atIndex: 2),
            path: try row.decode(atIndex: 3), seedCiphertext: try row.decode(atIndex: 4),
            createDate: try row.decode(atIndex: 5))
        userKey = try row.decode(atIndex: 6)
        userName = try row.decode(atIndex: 7)
        enableDate = try row.decode(atIndex: 8)
        driftSteps = try row.decode(atIndex: 9)
        lastUsedStep = try row.decode(atIndex: 10)
        failedAttempts = try row.decode(atIndex: 11)
        lockouts = try row.decode(atIndex: 12)
        lockedUntil = try row.decode(atIndex: 13)
    }
}
extension SecurityKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "securityKey"
}
extension RoleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "role"
}
extension SessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"
}

/// A tag row: the tag with the device it belongs to.
private struct TagRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "mfaDeviceTag"
    var serialNumber: String
    var key: String
    var value: String
}

/// `StoreTransaction` over one GRDB database connection inside a transaction.
private struct SQLiteTransaction: StoreTransaction {
    let db: Database

    func account() throws -> AccountRecord? {
        try AccountRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM account LIMIT 1"))
    }
    func save(_ account: AccountRecord) throws { try account.save(db) }

    // The per-request look-ups use cached statements: generating and authorising SQL each time costs more than
    // running it.
    func user(nameKey: String) throws -> UserRecord? {
        try UserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE nameKey = ?"), arguments: [nameKey])
    }
    func users() throws -> [UserRecord] { try UserRecord.fetchAll(db) }
    func insert(_ user: UserRecord) throws { try user.insert(db) }
    func deleteUser(nameKey: String) throws { _ = try UserRecord.deleteOne(db, key: nameKey) }

    func accessKey(id: String) throws -> AccessKeyRecord? {
        try AccessKeyRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM accessKey WHERE accessKeyId = ?"), arguments: [id])
    }
    func accessKeys(userName: String?) throws -> [AccessKeyRecord] {
        try AccessKeyRecord.filter(Column("userName") == userName).fetchAll(db)
    }
    func save(_ key: AccessKeyRecord) throws { try key.save(db) }
    func deleteAccessKey(id: String) throws { _ = try AccessKeyRecord.deleteOne(db, key: id) }

    func loginProfile(userKey: String) throws -> LoginProfileRecord? {
        try LoginProfileRecord.fetchOne(db, key: userKey)
    }
    func save(_ profile: LoginProfileRecord) throws { try profile.save(db) }
    func deleteLoginProfile(userKey: String) throws { _ = try LoginProfileRecord.deleteOne(db, key: userKey) }

    func mfaDevice(serialNumber: String) throws -> MFADeviceRecord? {
        try MFADeviceRecord.fetchOne(
            db.cachedStatement(sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE serialNumber = ?"),
            arguments: [serialNumber])
    }
    func mfaDevices(userKey: String) throws -> [MFADeviceRecord] {
        try MFADeviceRecord.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE userKey = ?
                    ORDER BY enableDate, serialNumber
                    """),
            arguments: [userKey])
    }
    func virtualMFADevices() throws -> [MFADeviceRecord] {
        try MFADeviceRecord.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE kind = ? ORDER BY serialNumber"),
            arguments: [MFADeviceKind.virtual.rawValue])
    }
    func save(_ device: MFADeviceRecord) throws { try device.save(db) }
    func saveVerificationState(of device: MFADeviceRecord) throws {
        try db.cachedStatement(
            sql: """
                UPDATE mfaDevice SET driftSteps = ?, lastUsedStep = ?, failedAttempts = ?, lockouts = ?, lockedUntil = ?
                WHERE serialNumber = ?
                """
        ).execute(arguments: [
            device.driftSteps, device.lastUsedStep, device.failedAttempts, device.lockouts, device.lockedUntil,
            device.serialNumber,
        ])
    }
    func saveVerificationState(of device: MFADeviceRecord, ifUnchangedFrom expected: MFADeviceRecord) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE mfaDevice SET driftSteps = ?, lastUsedStep = ?, failedAttempts = ?, lockouts = ?, lockedUntil = ?
                WHERE serialNumber = ? AND kind = ? AND userKey IS ? AND seedCiphertext IS ? AND driftSteps = ?
                AND lastUsedStep IS ? AND failedAttempts = ? AND lockouts = ? AND lockedUntil IS ?
                """
        ).execute(arguments: [
            device.driftSteps, device.lastUsedStep, device.failedAttempts, device.lockouts, device.lockedUntil,
            expected.serialNumber, expected.kind.rawValue, expected.userKey, expected.seedCiphertext,
            expected.driftSteps, expected.lastUsedStep, expected.failedAttempts, expected.lockouts,
            expected.lockedUntil,
        ])
        return db.changesCount == 1
    }
    func deleteMFADevice(serialNumber: String) throws { _ = try MFADeviceRecord.deleteOne(db, key: serialNumber) }
    func securityKey(serialNumber: String) throws -> SecurityKeyRecord? {
        try SecurityKeyRecord.fetchOne(db, key: serialNumber)
    }
    func securityKey(credentialId: Data) throws -> SecurityKeyRecord? {
        try SecurityKeyRecord.filter(Column("credentialId") == credentialId).fetchOne(db)
    }
    func save(_ key: SecurityKeyRecord) throws { try key.save(db) }
    func tags(serialNumber: String) throws -> [TagRecord] {
        try TagRow.filter(Column("serialNumber") == serialNumber).order(Column("key")).fetchAll(db)
            .map { TagRecord(key: $0.key, value: $0.value) }
    }
    func setTags(_ tags: [TagRecord], serialNumber: String) throws {
        _ = try TagRow.filter(Column("serialNumber") == serialNumber).deleteAll(db)
        for tag in tags { try TagRow(serialNumber: serialNumber, key: tag.key, value: tag.value).insert(db) }
    }

    func role(nameKey: String) throws -> RoleRecord? { try RoleRecord.fetchOne(db, key: nameKey) }
    func roles() throws -> [RoleRecord] { try RoleRecord.fetchAll(db) }
    func save(_ role: RoleRecord) throws { try role.save(db) }
    func deleteRole(nameKey: String) throws { _ = try RoleRecord.deleteOne(db, key: nameKey) }

    func session(accessKeyId: String) throws -> SessionRecord? {
        try SessionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM session WHERE accessKeyId = ?"), arguments: [accessKeyId])
    }
    func insert(_ session: SessionRecord) throws { try session.insert(db) }
    func deleteSessions(expiredBefore date: Date) throws -> Int {
        try SessionRecord.filter(Column("expiration") < date).deleteAll(db)
    }
}
