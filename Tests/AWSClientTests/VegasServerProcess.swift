import AWSProtocol
import AsyncHTTPClient
import Foundation
import Testing

/// The real vegas-server binary on a free loopback port with a fresh data directory.
///
/// The binary is `$VEGAS_SERVER_BIN`, or `vegas-server` next to the test executable (the package's build directory).
final class VegasServerProcess: Sendable {
    static let accountId = "123456789012"
    static let rootCredentials = AWSCredentials(
        accessKeyId: "AKIAVEGASROOTEXAMPLE", secretAccessKey: "vegasRootSecretKey0123456789abcdefgEXAMP")

    let url: String
    private let process: Process
    private let dataDirectory: URL

    private init(url: String, process: Process, dataDirectory: URL) {
        self.url = url
        self.process = process
        self.dataDirectory = dataDirectory
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["VEGAS_SERVER_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("vegas-server")
    }

    /// Runs `body` with a started server and stops the server afterwards.
    static func with<Value>(_ body: (VegasServerProcess) async throws -> Value) async throws -> Value {
        let server = try await start()
        defer { server.stop() }
        return try await body(server)
    }

    static func start() async throws -> VegasServerProcess {
        let binary = Self.binary
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "vegas-server not found at \(binary.path): build it, or set VEGAS_SERVER_BIN")
        let dataDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("awsclient-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let port = try LoopbackSocket.freePort()
        let log = dataDirectory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)

        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "--host", "127.0.0.1", "--port", String(port), "--data-dir",
            dataDirectory.appendingPathComponent("data").path,
            "--log-level", "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["VEGAS_ACCOUNT_ID"] = accountId
        environment["VEGAS_ROOT_ACCESS_KEY_ID"] = rootCredentials.accessKeyId
        environment["VEGAS_ROOT_SECRET_ACCESS_KEY"] = rootCredentials.secretAccessKey
        process.environment = environment
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        let server = VegasServerProcess(
            url: "http://127.0.0.1:\(port)/", process: process, dataDirectory: dataDirectory)
        do {
            try await server.waitUntilHealthy()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Polls `GET /health` until it answers 200 (up to 60 s).
    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try #require(process.isRunning, "vegas-server exited: \(logTail())")
            if let response = try? await HTTPClient.shared.execute(
                HTTPClientRequest(url: url + "health"), timeout: .seconds(2)), response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("vegas-server did not become healthy: \(logTail())")
        throw CancellationError()
    }

    private func logTail() -> String {
        let log = (try? String(contentsOf: dataDirectory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        return String(log.suffix(2000))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dataDirectory)
    }
}
