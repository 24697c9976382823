import IdentityService
import Logging
import ServiceLifecycle

/// A store as the server runs it: a `Service` in the server's service group (a connection pool's run loop; closing
/// the database at shutdown) whose schema `prepare()` brings up to date once the service runs.
public protocol ServedStore: Store, Service {
    /// Migrates the schema; call it after `run()` has started.
    func prepare() async throws
}

extension DatabaseURL {
    /// Opens the store this URL names. A SQLite file is created and migrated at once; a PostgreSQL database is reached
    /// and migrated by `prepare()`, once the store's service runs.
    public func openStore(logger: Logger) throws -> any ServedStore {
        switch self {
        case .sqlite(let path): return try SQLiteStore(path: path)
        case .postgres(let location): return try PostgresStore(location, logger: logger)
        }
    }
}

extension SQLiteStore: ServedStore {
    /// Waits for the service group's shutdown, then closes the database (after the services started after it).
    public func run() async throws {
        try? await gracefulShutdown()
        try close()
    }

    /// Nothing to do: the file was migrated when it was opened.
    public func prepare() async throws {}
}

extension PostgresStore: ServedStore {
    public func prepare() async throws { try await migrate() }
}

/// A store opened for one job outside the server's service group (`import-u2f-key`, `copy-store`): its service runs
/// while `body` does, and stops (closing the database) when it returns.
public enum StoreSession {
    public static func run<T: Sendable>(
        _ url: DatabaseURL, logger: Logger = Logger(label: "vegas-store"),
        _ body: @Sendable (any Store) async throws -> T
    ) async throws -> T {
        let store = try url.openStore(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.prepare()
            return try await body(store)
        }
    }
}

/// `vegas-server copy-store`: every row of one store into another, empty one (SQLite to PostgreSQL or back). Both
/// must be used with the same master key afterwards: secrets move as they are, sealed.
public enum StoreCopy {
    /// Copies, then counts the target's rows against the source's; returns the counts.
    public static func copy(
        from source: DatabaseURL, to target: DatabaseURL, logger: Logger
    ) async throws -> [(table: String, rows: Int)] {
        try await StoreSession.run(source, logger: logger) { from in
            try await StoreSession.run(target, logger: logger) { to in
                // A write transaction: one consistent snapshot of the source on every engine.
                let contents = try await from.write { tx in try await tx.contents() }
                try await to.write { tx in
                    if let account = try await tx.account() {
                        throw IdentityConfigurationError(
                            "\(target.redacted) already holds account \(account.accountId): copy-store fills an empty store"
                        )
                    }
                    try await contents.write(to: tx)
                }
                let copied = try await to.read { tx in try await tx.contents() }
                let expected = contents.counts
                guard copied.counts.map(\.rows) == expected.map(\.rows) else {
                    throw IdentityConfigurationError(
                        "the copy's row counts differ from the source's: \(copied.counts) against \(expected)")
                }
                return expected
            }
        }
    }
}
