import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being written are run together in the next one, each in its
/// own savepoint (so one that throws is rolled back alone), and every caller is answered only after the transaction that
/// holds its change has committed. One commit then serves many concurrent requests, while each write keeps its own
/// all-or-nothing effect and nothing is acknowledged before it is durable.
final class GroupCommit: Sendable {
    /// One queued write: `run` performs it inside the shared transaction and returns how to answer its caller once the
    /// transaction committed; `fail` answers it when the transaction as a whole failed.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct State: Sendable {
        var queue: [Job] = []
        var flushing = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Writes per transaction at most, so one transaction stays short.
    private let batchLimit = 256

    init(pool: DatabasePool) { self.pool = pool }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: { db in
                    let outcome: Result<T, any Error>
                    do {
                        let box = ResultBox<T>()
                        try db.inSavepoint {
                            box.value = try body(db)
                            return .commit
                        }
                        outcome = box.value.map { .success($0) } ?? .failure(GroupCommitError.noResult)
                    } catch {
                        outcome = .failure(error)
                    }
                    return { continuation.resume(with: outcome) }
                },
                fail: { error in continuation.resume(throwing: error) })
            let startFlushing = state.withLock { state -> Bool in
                state.queue.append(job)
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if startFlushing { Task { await self.flush() } }
        }
    }

    /// Writes queued jobs, a transaction per batch, until the queue is empty.
    private func flush() async {
        while true {
            let jobs = state.withLock { state -> [Job] in
                let jobs = Array(state.queue.prefix(batchLimit))
                state.queue.removeFirst(jobs.count)
                if jobs.isEmpty { state.flushing = false }
                return jobs
            }
            if jobs.isEmpty { return }
            do {
                let answers = try await pool.write { db in jobs.map { $0.run(db) } }
                for answer in answers { answer() }
            } catch {
                for job in jobs { job.fail(error) }
            }
        }
    }
}

/// Carries a savepoint body's result out of GRDB's non-escaping closure.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

enum GroupCommitError: Error {
    case noResult
}
