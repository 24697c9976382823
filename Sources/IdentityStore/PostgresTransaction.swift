import Foundation
import IdentityService
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// `StoreTransaction` over one leased connection. In a write, the first statement is sent right behind the `BEGIN`
/// (SERIALIZABLE for `Store.write`), and statements without a result wait to be sent right before the next one (or
/// the `COMMIT`): postgres-nio sends queries submitted in order without waiting for the answers between them.
final class PostgresTransaction: StoreTransaction {
    private struct State {
        var begun = false
        var pending: [PostgresQuery] = []
    }

    private let connection: PostgresConnection
    private let logger: Logger
    /// What begins the transaction; nil for reads, where each statement runs on its own.
    private let begin: PostgresQuery?
    private var writes: Bool { begin != nil }
    private let state = Mutex(State())

    init(connection: PostgresConnection, logger: Logger, begin: PostgresQuery?) {
        self.connection = connection
        self.logger = logger
        self.begin = begin
    }

    /// Runs `query` after whatever must precede it, and returns its rows.
    func run(_ query: PostgresQuery) async throws -> PostgresQueryResult {
        let queries = state.withLock { state -> [PostgresQuery] in
            var queries: [PostgresQuery] = []
            if let begin, !state.begun { queries.append(begin) }
            state.begun = true
            queries += state.pending
            state.pending = []
            return queries + [query]
        }
        return try await send(queries)
    }

    /// Submits the queries in order, then waits for them; the first failure is the one reported.
    @discardableResult
    private func send(_ queries: [PostgresQuery]) async throws -> PostgresQueryResult {
        let answers = queries.map { connection.query($0, logger: logger) }
        var last: PostgresQueryResult?
        var failure: (any Error)?
        for answer in answers {
            do { last = try await answer.get() } catch { if failure == nil { failure = error } }
        }
        if let failure { throw failure }
        return last!
    }

    func change(_ query: PostgresQuery) throws {
        guard writes else { throw StoreConstraintError("a write inside a read-only transaction") }
        state.withLock { $0.pending.append(query) }
    }

    func commit() async throws {
        let queries = state.withLock { state -> [PostgresQuery] in
            defer { state.pending = [] }
            guard state.begun || !state.pending.isEmpty else { return [] }
            return (state.begun ? [] : begin.map { [$0] } ?? []) + state.pending + ["COMMIT"]
        }
        if !queries.isEmpty { try await send(queries) }
    }

    func rollback() async {
        let begun = state.withLock { state in
            state.pending = []
            return state.begun
        }
        if begun { _ = try? await send(["ROLLBACK"]) }
    }

    func rows<Row>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> Row) async throws -> [Row] {
        try await run(query).map(decode)
    }
}
