import ChildProcess
import Foundation

/// A private PostgreSQL server for the tests of this process, started on first use with
/// `tests/support/postgres-cluster` (127.0.0.1, a free port, fsync off) and stopped when the process exits. Each caller
/// gets a database of its own. Needs Debian's postgresql package, which `.ci/run` installs.
public enum PostgresTestServer {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The one start of this process, shared by every caller.
    private static let started = Task { try await start() }

    /// `postgres://vegas@127.0.0.1:PORT`, starting the server if this process has none yet.
    public static func serverURL() async throws -> String { try await started.value }

    /// The URL of a new, empty database on the server.
    public static func newDatabase() async throws -> String {
        let server = try await serverURL()
        let name = "vegas_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        _ = try await run("/usr/bin/psql", ["\(server)/postgres", "-q", "-c", "CREATE DATABASE \(name)"])
        return "\(server)/\(name)"
    }

    private static let directory = "/tmp/vegas-test-postgres-\(getpid())-\(UUID().uuidString.prefix(8))"
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tests/support/postgres-cluster").path

    private static func start() async throws -> String {
        let output = try await run(script, ["start", directory, "--fast"])
        atexit {
            if let child = try? ChildProcess(
                PostgresTestServer.script, arguments: ["stop", PostgresTestServer.directory],
                standardOutput: .nullDevice, standardError: .nullDevice)
            {
                _ = child.waitForExit()
            }
            try? FileManager.default.removeItem(atPath: PostgresTestServer.directory)
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program through the project's own child-process runner (Foundation's `Process` on Linux can miss the
    /// exit of a child whose own child, the server, lives on) and returns its standard output.
    private static func run(_ path: String, _ arguments: [String]) async throws -> String {
        let finished = try await ChildProcess.run(
            path, arguments: arguments, standardInput: .nullDevice, standardOutput: .pipe,
            standardError: .pipe, keepingAtMost: 1 << 16, errorLimit: 1 << 16
        ).get()
        let error = String(decoding: finished.captured.standardError, as: UTF8.self)
        guard finished.exit == .exited(0) else {
            throw Failure(description: "\(path) failed (is Debian's postgresql installed?): \(error)")
        }
        return String(decoding: finished.captured.standardOutput, as: UTF8.self)
    }
}
