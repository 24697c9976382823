import ArgumentParser
import Foundation
import IdentityStore
import Logging

/// `copy-store`: moves every account, user, key, device, role and session from one store to another (SQLite to
/// PostgreSQL, or back), then checks the target's row counts against the source's.
struct CopyStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-store",
        abstract: "Copy everything in one store into another, empty one (sqlite:PATH or postgres://…).",
        discussion: """
            Stop the servers on the source first, so that nothing changes during the copy. Secrets move sealed: \
            run the servers on the target with the same master key (<data-dir>/master.key or VEGAS_MASTER_KEY). \
            A PostgreSQL password is best given in PGPASSWORD, not in the URL, which other users can see.
            """)

    @Option(help: "The store to copy from.") var from: String
    @Option(help: "The store to copy into; it must hold no account yet.") var to: String

    func run() async throws {
        umask(0o077)
        let source: DatabaseURL
        let target: DatabaseURL
        do {
            source = try DatabaseURL(parsing: from)
            target = try DatabaseURL(parsing: to)
        } catch {
            throw ValidationError("\(error)")
        }
        guard source != target else { throw ValidationError("--from and --to name the same store") }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("there is no SQLite database at \(path)")
        }
        do {
            let counts = try await StoreCopy.copy(from: source, to: target, logger: Logger(label: "copy-store"))
            print("copied \(source.redacted) to \(target.redacted):")
            for (table, rows) in counts { print("  \(table): \(rows)") }
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
