import Foundation
import GRDB
import IdentityService
import Synchronization

/// The embedded store: one SQLite file (WAL mode) through GRDB. Readers never block the writer; writes are serialised and
/// each `write` is one transaction. The file and its WAL are created readable by the owner only.
///
/// GRDB runs a transaction inside one synchronous closure, while a `Store` body is asynchronous: a write therefore holds
/// `writers` for its whole body and reaches the writer connection in hops, beginning the transaction in the first one.
/// Writes that return nothing (saves, inserts, deletes) wait for the next hop — a read, a conditional write or the
/// commit — so the common body (check, then save) costs two hops.
public final class SQLiteStore: Store {
    private let pool: DatabasePool
    private let writers = AsyncLock()
    /// Devices as the last `verifyDevice` step wrote them; a stale entry costs a read of the row, never a wrong answer.
    private let lastWritten = Mutex<[String: MFADeviceRecord]>([:])

    /// Opens (creating if needed, with its directory) the database at `path` and migrates it to the current schema.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
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
        // A write transaction spans several of GRDB's writer accesses (see the type's comment); `writers` guarantees no
        // other access comes between them.
        configuration.allowsUnsafeTransactions = true
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await body(SQLiteTransaction(connection: .reader(pool)))
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await writers.withLock {
            let transaction = SQLiteWriteTransaction(pool: pool)
            do {
                let result = try await body(SQLiteTransaction(connection: .writer(transaction)))
                try await transaction.commit()
                return result
            } catch {
                await transaction.rollback()
                throw error
            }
        }
    }

    /// One access of GRDB's writer — decide, write, commit — without taking `writers`: code checks do not queue
    /// behind one another's hops (GRDB's queue runs them back to back). The decision is first made on the device as
    /// this store last wrote it in such a step (`lastWritten`, kept inside the access, so it is fresh for the next one)
    /// and kept only through a compare-and-set, which needs no read of the row; only if the row changed since (another
    /// process, another kind of write) is it read and decided on. If a multi-access write is between two of its
    /// accesses, the step waits for `writers` and goes again.
    public func verifyDevice<T: Sendable>(
        serialNumber: String, _ decide: @escaping @Sendable (MFADeviceRecord?) throws -> DeviceDecision<T>
    ) async throws -> T {
        let step: @Sendable (Database) throws -> T? = { [self] db in
            guard !db.isInsideTransaction else { return nil }
            var result: T?
            var written: MFADeviceRecord?
            try db.inTransaction(.immediate) {
                if let known = self.lastWritten.withLock({ $0[serialNumber] }) {
                    let decision = try decide(known)
                    if let changed = decision.device,
                        try Self.saveVerificationState(db, changed, ifUnchangedFrom: known)
                    {
                        if let session = decision.session { try session.insert(db) }
                        (result, written) = (decision.result, changed)
                        return .commit
                    }
                }
                let device = try MFADeviceRecord.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(MFADeviceRecord.selection) FROM mfaDevice WHERE serialNumber = ?"),
                    arguments: [serialNumber])
                let decision = try decide(device)
                if let changed = decision.device { try SQLiteTransaction.saveVerificationState(db, changed) }
                if let session = decision.session { try session.insert(db) }
                (result, written) = (decision.result, decision.device)
                return .commit
            }
            self.lastWritten.withLock { cache in
                if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
                cache[serialNumber] = written
            }
            return result
        }
        if let result = try await pool.writeWithoutTransaction(step) { return result }
        guard let result = try await writers.withLock({ try await pool.writeWithoutTransaction(step) }) else {
            throw StoreConstraintError("the writer was inside a transaction while holding the write lock")
        }
        return result
    }

    /// Writes the verification columns if the row still has `expected`'s kind, owner, seed and verification state.
    private static func saveVerificationState(
        _ db: Database, _ device: MFADeviceRecord, ifUnchangedFrom expected: MFADeviceRecord
    ) throws -> Bool {
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
        migrator.registerMigration("v3: console sessions, sign-in tokens, change revision, password lock-out") { db in
            try db.create(table: "consoleSession") { t in
                t.primaryKey("tokenHash", .blob)
                t.column("sealedState", .blob).notNull()
                t.column("version", .integer).notNull()
                t.column("expires", .datetime).notNull().indexed()
            }
            try db.create(table: "signinToken") { t in
                t.primaryKey("tokenHash", .blob)
                t.column("sealedPrincipal", .blob).notNull()
                t.column("sessionExpires", .datetime).notNull()
                t.column("expires", .datetime).notNull().indexed()
            }
            try db.create(table: "revision") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("value", .integer).notNull()
            }
            try db.execute(sql: "INSERT INTO revision (id, value) VALUES (1, 0)")
            try db.alter(table: "loginProfile") { t in
                t.add(column: "failedAttempts", .integer).notNull().defaults(to: 0)
                t.add(column: "lockouts", .integer).notNull().defaults(to: 0)
                t.add(column: "lockedUntil", .datetime)
            }
        }
        return migrator
    }
}
