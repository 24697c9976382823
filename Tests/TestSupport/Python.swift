import Foundation

/// Runs a python3 script — the independent implementations tests compare against (botocore, pyotp) are Python — and
/// returns its standard output. python3 and those packages are part of the test environment (.ci/run installs them).
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ script: String, arguments: [String] = [], environment: [String: String]? = nil) throws -> Data {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-test-\(UUID()).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path] + arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 failed (are python3 and botocore installed?): \(errorText)")
        }
        return data
    }
}
