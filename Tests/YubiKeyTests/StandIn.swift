import Foundation
import TestSupport
import Testing

@testable import YubiKey

/// A temporary state file for the stand-in `ykman` (tests/support/ykman), and a `YkmanOATH` that finds the stand-in
/// first on PATH.
struct StandIn {
    /// tests/support of the repository this file is in (…/Tests/YubiKeyTests/StandIn.swift → …/tests/support).
    static let supportDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tests/support").path

    let directory: URL
    var statePath: String { directory.appendingPathComponent("ykman-state.json").path }

    /// A stand-in with these devices (each a JSON object as the stand-in documents it).
    init(devices: [[String: Any]]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ykman-standin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(["devices": devices])
    }

    /// One device with this serial and these accounts.
    init(serial: Int = 12_345_678, accounts: [[String: Any]] = [], extra: [String: Any] = [:]) throws {
        var device: [String: Any] = ["serial": serial, "accounts": accounts]
        device.merge(extra) { $1 }
        try self.init(devices: [device])
    }

    func environment(touch: String? = nil, now: Int64? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = Self.supportDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["YKMAN_STANDIN_STATE"] = statePath
        environment["YKMAN_STANDIN_TOUCH"] = touch
        environment["YKMAN_STANDIN_NOW"] = now.map(String.init)
        return environment
    }

    func ykman(serial: String? = nil, touch: String? = nil, now: Int64? = nil) -> YkmanOATH {
        YkmanOATH(serial: serial, environment: environment(touch: touch, now: now))
    }

    func state() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: statePath))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func write(_ state: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: state)
        try data.write(to: URL(fileURLWithPath: statePath))
    }

    func devices() throws -> [[String: Any]] {
        try #require(try state()["devices"] as? [[String: Any]])
    }

    /// The stand-in's record of each run: argv, pid, whether it led its own session, whether it could open /dev/tty.
    func invocations() throws -> [[String: Any]] {
        (try state()["invocations"] as? [[String: Any]]) ?? []
    }

    func arguments() throws -> [[String]] {
        try invocations().map { try #require($0["argv"] as? [String]) }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A TOTP account as the stand-in stores it.
func standInAccount(
    name: String, issuer: String? = nil, secret: String, touch: Bool = false, digits: Int = 6,
    algorithm: String = "SHA1", period: Int = 30
) -> [String: Any] {
    var account: [String: Any] = [
        "name": name, "secret": secret, "oath_type": "TOTP", "algorithm": algorithm, "digits": digits,
        "period": period, "counter": 0, "touch": touch,
    ]
    account["issuer"] = issuer
    return account
}

/// Runs a command (through /usr/bin/env), returning its trimmed standard output; records an issue if it fails.
func runTool(_ arguments: [String], environment: [String: String]? = nil, input: String = "") throws -> String {
    let result = try Command.run("/usr/bin/env", arguments, environment: environment, input: input)
    try #require(result.status == 0, "\(arguments[0]) failed: \(result.standardError)")
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// pyotp's TOTP code for `secret` at `time` (pyotp is an independent implementation: `pip install pyotp`).
func pyotpCode(
    secret: String, time: Int64, digits: Int = 6, algorithm: String = "SHA1", period: Int = 30
) throws
    -> String
{
    let script = """
        import hashlib, sys, pyotp
        secret, time, digits, algorithm, period = sys.argv[1:]
        print(pyotp.TOTP(secret, digits=int(digits), digest=getattr(hashlib, algorithm.lower()),
                         interval=int(period)).at(int(time)))
        """
    return try runTool(["python3", "-c", script, secret, String(time), String(digits), algorithm, String(period)])
}

/// The `YubiKeyError` `body` throws (nil when it throws none; any other error is recorded as an issue).
func yubiKeyError(_ body: () async throws -> Void) async -> YubiKeyError? {
    do {
        try await body()
        return nil
    } catch let error as YubiKeyError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
