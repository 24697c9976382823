import Foundation
import GRDB
import IdentityService
import Synchronization

/// One write transaction of `SQLiteStore` across several accesses to GRDB's writer connection: the first access begins
/// it, writes without a result are kept until the next access, and `commit` runs what is left and commits.
final class SQLiteWriteTransaction: Sendable {
    private struct State {
        var begun = false
        var pending: [@Sendable (Database) throws -> Void] = []
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) { self.pool = pool }

    /// Runs `body` on the writer inside the transaction, after the writes waiting for it.
    func access<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let (begin, pending) = takePending()
        return try await pool.writeWithoutTransaction { db in
            if begin { try db.execute(sql: "BEGIN IMMEDIATE") }
            for write in pending { try write(db) }
            return try body(db)
        }
    }

    /// Keeps a write for the next access.
    func enqueue(_ write: @escaping @Sendable (Database) throws -> Void) {
        state.withLock { $0.pending.append(write) }
    }

    func commit() async throws {
        let (begin, pending) = takePending()
        if begin && pending.isEmpty { return }  // nothing was read or written
        try await pool.writeWithoutTransaction { db in
            do {
                if begin { try db.execute(sql: "BEGIN IMMEDIATE") }
                for write in pending { try write(db) }
                try db.execute(sql: "COMMIT")
            } catch {
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                throw error
            }
        }
    }

    func rollback() async {
        let begun = state.withLock { state in
            state.pending.removeAll()
            return state.begun
        }
        guard begun else { return }
        _ = try? await pool.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
        }
    }

    /// Whether the next access must begin the transaction, and the writes it must run first.
    private func takePending() -> (begin: Bool, pending: [@Sendable (Database) throws -> Void]) {
        state.withLock { state in
            defer {
                state.begun = true
                state.pending = []
            }
            return (!state.begun, state.pending)
        }
    }
}

/// `StoreTransaction` over GRDB: in a read, each call is one read access (a snapshot of committed data); in a write,
/// an access of the write transaction.
struct SQLiteTransaction: StoreTransaction {
    enum Connection: Sendable {
        case reader(DatabasePool)
        case writer(SQLiteWriteTransaction)
    }

    let connection: Connection

    private func query<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        switch connection {
        case .reader(let pool): return try await pool.read(body)
        case .writer(let transaction): return try await transaction.access(body)
        }
    }

    private func change(_ write: @escaping @Sendable (Database) throws -> Void) async throws {
        guard case .writer(let transaction) = connection else {
            throw StoreConstraintError("a write inside a read-only transaction")
        }
        transaction.enqueue(write)
    }

    func account() async throws -> AccountRecord? {
        try await query { db in try AccountRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM account LIMIT 1")) }
    }
    func save(_ account: AccountRecord) async throws { try await change { db in try account.save(db) } }

    // The per-request look-ups use cached statements: generating and authorising SQL each time costs more than
    // running it.
    func user(nameKey: String) async throws -> UserRecord? {
        try await query { db in
            try UserRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM user WHERE nameKey = ?"), arguments: [nameKey])
        }
    }
    func users() async throws -> [UserRecord] {
        try await query { db in try UserRecord.order(Column("nameKey")).fetchAll(db) }
    }
    func insert(_ user: UserRecord) async throws { try await change { db in try user.insert(db) } }
    func deleteUser(nameKey: String) async throws {
        try await change { db in _ = try UserRecord.deleteOne(db, key: nameKey) }
    }

    func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await query { db in
            try AccessKeyRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM accessKey WHERE accessKeyId = ?"), arguments: [id])
        }
    }
    func accessKeys(userName: String?) async throws -> [AccessKeyRecord] {
        try await query { db in
            try AccessKeyRecord.filter(Column("userName") == userName).order(Column("accessKeyId")).fetchAll(db)
        }
    }
    func save(_ key: AccessKeyRecord) async throws { try await change { db in try key.save(db) } }
    func deleteAccessKey(id: String) async throws {
        try await change { db in _ = try AccessKeyRecord.deleteOne(db, key: id) }
    }

    func loginProfile(userKey: String) async throws -> LoginProfileRecord? {
        try await query { db in try LoginProfileRecord.fetchOne(db, key: userKey) }
    }
    func save(_ profile: LoginProfileRecord) async throws { try await change { db in try profile.save(db) } }
    func deleteLoginProfile(userKey: String) async throws {
        try await change { db in _ = try LoginProfileRecord.deleteOne(db, key: userKey) }
    }

    func mfaDevice(serialNumber: String) async throws -> MFADeviceRecord? {
        try await query { db in
            try MFADeviceRecord.fetchOne(
                db.cachedStatement(sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE serialNumber = ?"),
                arguments: [serialNumber])
        }
    }
    func mfaDevices(userKey: String) async throws -> [MFADeviceRecord] {
        try await query { db in
            try MFADeviceRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE userKey = ?
                        ORDER BY enableDate, serialNumber
                        """),
                arguments: [userKey])
        }
    }
    func virtualMFADevices() async throws -> [MFADeviceRecord] {
        try await query { db in
            try MFADeviceRecord.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE kind = ? ORDER BY serialNumber"),
                arguments: [MFADeviceKind.virtual.rawValue])
        }
    }
    func save(_ device: MFADeviceRecord) async throws { try await change { db in try device.save(db) } }
    func saveVerificationState(of device: MFADeviceRecord) async throws {
        try await change { db in try Self.saveVerificationState(db, device) }
    }
    /// Writes the verification columns only: most of the store's write traffic.
    static func saveVerificationState(_ db: Database, _ device: MFADeviceRecord) throws {
        try db.cachedStatement(
            sql: """
                UPDATE mfaDevice SET driftSteps = ?, lastUsedStep = ?, failedAttempts = ?, lockouts = ?, \
                lockedUntil = ? WHERE serialNumber = ?
                """
        ).execute(arguments: [
            device.driftSteps, device.lastUsedStep, device.failedAttempts, device.lockouts, device.lockedUntil,
            device.serialNumber,
        ])
    }
    func deleteMFADevice(serialNumber: String) async throws {
        try await change { db in _ = try MFADeviceRecord.deleteOne(db, key: serialNumber) }
    }
    func securityKey(serialNumber: String) async throws -> SecurityKeyRecord? {
        try await query { db in try SecurityKeyRecord.fetchOne(db, key: serialNumber) }
    }
    func securityKey(credentialId: Data) async throws -> SecurityKeyRecord? {
        try await query { db in try SecurityKeyRecord.filter(Column("credentialId") == credentialId).fetchOne(db) }
    }
    func save(_ key: SecurityKeyRecord) async throws { try await change { db in try key.save(db) } }
    func tags(serialNumber: String) async throws -> [TagRecord] {
        try await query { db in
            try TagRow.filter(Column("serialNumber") == serialNumber).order(Column("key")).fetchAll(db)
                .map { TagRecord(key: $0.key, value: $0.value) }
        }
    }
    func setTags(_ tags: [TagRecord], serialNumber: String) async throws {
        try await change { db in
            _ = try TagRow.filter(Column("serialNumber") == serialNumber).deleteAll(db)
            for tag in tags { try TagRow(serialNumber: serialNumber, key: tag.key, value: tag.value).insert(db) }
        }
    }

    func role(nameKey: String) async throws -> RoleRecord? {
        try await query { db in try RoleRecord.fetchOne(db, key: nameKey) }
    }
    func roles() async throws -> [RoleRecord] {
        try await query { db in try RoleRecord.order(Column("nameKey")).fetchAll(db) }
    }
    func save(_ role: RoleRecord) async throws { try await change { db in try role.save(db) } }
    func deleteRole(nameKey: String) async throws {
        try await change { db in _ = try RoleRecord.deleteOne(db, key: nameKey) }
    }

    func session(accessKeyId: String) async throws -> SessionRecord? {
        try await query { db in
            try SessionRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM session WHERE accessKeyId = ?"), arguments: [accessKeyId])
        }
    }
    func insert(_ session: SessionRecord) async throws { try await change { db in try session.insert(db) } }
    func deleteSessions(expiredBefore date: Date) async throws -> Int {
        try await query { db in try SessionRecord.filter(Column("expiration") < date).deleteAll(db) }
    }

    func consoleSession(tokenHash: Data) async throws -> ConsoleSessionRecord? {
        try await query { db in
            try ConsoleSessionRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM consoleSession WHERE tokenHash = ?"), arguments: [tokenHash])
        }
    }
    func insert(_ session: ConsoleSessionRecord) async throws { try await change { db in try session.insert(db) } }
    func update(_ session: ConsoleSessionRecord, ifVersion version: Int64) async throws -> Bool {
        try await query { db in
            try db.cachedStatement(
                sql: """
                    UPDATE consoleSession SET sealedState = ?, version = ?, expires = ? WHERE tokenHash = ? AND version = ?
                    """
            ).execute(arguments: [session.sealedState, session.version, session.expires, session.tokenHash, version])
            return db.changesCount == 1
        }
    }
    func deleteConsoleSession(tokenHash: Data) async throws {
        try await change { db in _ = try ConsoleSessionRecord.deleteOne(db, key: tokenHash) }
    }
    func deleteConsoleSessions(expiredBefore date: Date) async throws -> Int {
        try await query { db in try ConsoleSessionRecord.filter(Column("expires") < date).deleteAll(db) }
    }

    func insert(_ token: SigninTokenRecord) async throws { try await change { db in try token.insert(db) } }
    func takeSigninToken(tokenHash: Data) async throws -> SigninTokenRecord? {
        try await query { db in
            let token = try SigninTokenRecord.fetchOne(db, key: tokenHash)
            if token != nil { _ = try SigninTokenRecord.deleteOne(db, key: tokenHash) }
            return token
        }
    }
    func deleteSigninTokens(expiredBefore date: Date) async throws -> Int {
        try await query { db in try SigninTokenRecord.filter(Column("expires") < date).deleteAll(db) }
    }

    func revision() async throws -> Int64 {
        try await query { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM revision WHERE id = 1")) ?? 0
        }
    }
    func bumpRevision() async throws {
        try await change { db in try db.execute(sql: "UPDATE revision SET value = value + 1 WHERE id = 1") }
    }

    func contents() async throws -> StoreContents {
        try await query { db in
            var contents = StoreContents()
            contents.account = try AccountRecord.fetchOne(db)
            contents.users = try UserRecord.order(Column("nameKey")).fetchAll(db)
            contents.accessKeys = try AccessKeyRecord.order(Column("accessKeyId")).fetchAll(db)
            contents.loginProfiles = try LoginProfileRecord.order(Column("userKey")).fetchAll(db)
            contents.devices = try MFADeviceRecord.fetchAll(
                db, sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice ORDER BY serialNumber")
            contents.securityKeys = try SecurityKeyRecord.order(Column("serialNumber")).fetchAll(db)
            for row in try TagRow.order(Column("serialNumber"), Column("key")).fetchAll(db) {
                contents.tags[row.serialNumber, default: []].append(TagRecord(key: row.key, value: row.value))
            }
            contents.roles = try RoleRecord.order(Column("nameKey")).fetchAll(db)
            contents.sessions = try SessionRecord.order(Column("accessKeyId")).fetchAll(db)
            contents.consoleSessions = try ConsoleSessionRecord.order(Column("tokenHash")).fetchAll(db)
            contents.signinTokens = try SigninTokenRecord.order(Column("tokenHash")).fetchAll(db)
            return contents
        }
    }
}
