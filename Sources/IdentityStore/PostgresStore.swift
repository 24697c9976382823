import Foundation
import IdentityService
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle

/// The store for several instances: one PostgreSQL database through postgres-nio's connection pool. Writes are
/// SERIALIZABLE transactions, run again (up to `maxAttempts` times) when PostgreSQL reports that one lost a conflict with
/// a concurrent one; reads run each statement on its own. Statements of a transaction are pipelined: a write begins the
/// transaction with its first statement, and writes that return nothing are sent with the next statement or the
/// commit, so the common body (check, then save) costs two round trips.
///
/// The pool runs while the store's `run()` does (a `Service`); `migrate()` brings the schema up to date.
public final class PostgresStore: Store, Service {
    let client: PostgresClient
    let logger: Logger
    let location: DatabaseURL
    static let maxAttempts = 12

    public init(_ location: DatabaseURL.PostgresLocation, logger: Logger, maximumConnections: Int = 20) throws {
        let tls: PostgresClient.Configuration.TLS
        switch location.tls {
        case .disable:
            tls = .disable
        case .prefer, .require:
            // As libpq: encrypted, but the certificate is not checked (verify-full checks it).
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = location.tls == .prefer ? .prefer(configuration) : .require(configuration)
        case .verifyFull:
            tls = .require(.makeClientConfiguration())
        }
        // As libpq: a URL without a password takes PGPASSWORD's, which keeps it out of the process list.
        let password = location.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        var configuration: PostgresClient.Configuration
        if let directory = location.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(location.port)", username: location.user,
                password: password, database: location.database)
        } else {
            configuration = .init(
                host: location.host, port: location.port, username: location.user, password: password,
                database: location.database, tls: tls)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 1
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.location = .postgres(location)
    }

    /// Keeps the connection pool running until the service group shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.client.run() }
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(PostgresTransaction(connection: connection, logger: logger, begin: nil))
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    let transaction = PostgresTransaction(
                        connection: connection, logger: logger, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE")
                    do {
                        let result = try await body(transaction)
                        try await transaction.commit()
                        return result
                    } catch {
                        await transaction.rollback()
                        throw error
                    }
                }
            } catch let error as PSQLError where Self.isConflict(error) && attempt < Self.maxAttempts {
                attempt += 1
                // A short random pause, growing with the attempts, so that the conflicting writers spread out.
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(200 << min(attempt, 8)))))
            }
        }
    }

    /// A READ COMMITTED transaction that locks the device's row (`SELECT … FOR UPDATE`, sent right behind `BEGIN`),
    /// decides, and sends the device's new state, the session and `COMMIT` together: two round trips, and requests
    /// on one device wait for the row instead of failing to serialise.
    public func verifyDevice<T: Sendable>(
        serialNumber: String, _ decide: @escaping @Sendable (MFADeviceRecord?) throws -> DeviceDecision<T>
    ) async throws -> T {
        try await client.withConnection { connection in
            let transaction = PostgresTransaction(connection: connection, logger: logger, begin: "BEGIN")
            do {
                let decision = try decide(try await transaction.mfaDevice(serialNumber: serialNumber, forUpdate: true))
                if let device = decision.device { try await transaction.saveVerificationState(of: device) }
                if let session = decision.session { try await transaction.insert(session) }
                try await transaction.commit()
                return decision.result
            } catch {
                await transaction.rollback()
                throw error
            }
        }
    }

    /// Serialization failures and deadlocks, and a unique key taken by a concurrent insert: running the transaction
    /// again sees the other one's result and decides anew.
    static func isConflict(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01" || state == "23505"
    }

    /// Applies the migrations this database has not had, in order, each in its own transaction; concurrent instances
    /// starting at once take turns (an advisory lock). Fails after `timeout` when the server cannot be reached.
    public func migrate(timeout: Duration = .seconds(20)) async throws {
        let outcome = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await self.applyMigrations()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        guard outcome else {
            throw IdentityConfigurationError(
                "cannot reach PostgreSQL at \(location.redacted) within \(timeout.components.seconds) s")
        }
    }

    private func applyMigrations() async throws {
        try await client.withConnection { connection in
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS vegas_migration (name TEXT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL)",
                logger: logger)
            for migration in PostgresSchema.migrations {
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await connection.query("SELECT pg_advisory_xact_lock(7414157)", logger: logger)
                    let done = try await connection.query(
                        "SELECT 1 FROM vegas_migration WHERE name = \(migration.name)", logger: logger)
                    var applied = false
                    for try await _ in done { applied = true }
                    if !applied {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO vegas_migration (name, applied) VALUES (\(migration.name), \(Date()))",
                            logger: logger)
                        logger.info("database migrated", metadata: ["migration": "\(migration.name)"])
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }
}
