import Foundation

/// Runs a python3 script — the independent implementations tests compare against (botocore, pyotp) are Python — and
/// returns its standard output. python3 and those packages are part of the test environment (.ci/run installs them).
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(
        _ script: String, arguments: [String] = [], environment: [String: String]? = nil
    ) throws -> Data {
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-test-\(UUID()).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let result = try Command.run(
            "/usr/bin/env", ["python3", scriptURL.path] + arguments, environment: environment)
        guard result.status == 0 else {
            throw Failure(description: "python3 failed (are python3 and botocore installed?): \(result.standardError)")
        }
        return result.standardOutput
    }
}
