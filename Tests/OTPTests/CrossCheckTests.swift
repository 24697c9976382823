import Foundation
import OTP
import TestSupport
import Testing

/// Compares against independent implementations: oathtool (OATH Toolkit, C) and pyotp (Python).
/// Both must be installed: `apt-get install -y oathtool`, `pip install pyotp`.
struct CrossCheckTests {
    struct Case: Codable {
        let secret: String
        let algorithm: OTPAlgorithm
        let digits: Int
        let period: Int
        let time: Int64
    }

    /// Secrets of 16...64 bytes (pyotp refuses fewer than 112 bits).
    static func randomCases(count: Int) -> [Case] {
        (0..<count).map { index in
            Case(
                secret: Base32.encode(Fixtures.randomBytes(Int.random(in: 16...64))),
                algorithm: OTPAlgorithm.allCases[index % 3],
                digits: [6, 7, 8][Int.random(in: 0...2)],
                period: [30, 60, 15][Int.random(in: 0...2)],
                time: Int64.random(in: 0...4_102_444_800))
        }
    }

    /// Runs `arguments` through /usr/bin/env, feeding `input`; returns trimmed stdout, or records an issue.
    static func run(_ arguments: [String], input: String = "") throws -> String {
        let result = try Command.run("/usr/bin/env", arguments, input: input)
        try #require(result.status == 0, "\(arguments[0]) failed: \(result.standardError)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("TOTP codes equal oathtool --totp for random secrets, times, algorithms, digits and periods")
    func totpAgainstOathtool() throws {
        for testCase in Self.randomCases(count: 12) {
            let totp = try TOTP(
                secret: Base32.decode(testCase.secret), digits: testCase.digits, period: testCase.period,
                algorithm: testCase.algorithm)
            let expected = try Self.run([
                "oathtool", "--totp=\(testCase.algorithm.rawValue.lowercased())", "-d", "\(testCase.digits)",
                "-s", "\(testCase.period)s", "-N", "@\(testCase.time)", "-b", testCase.secret,
            ])
            #expect(totp.code(at: testCase.time) == expected, "\(testCase)")
        }
    }

    @Test("HOTP codes equal oathtool (event mode) for random secrets and counters")
    func hotpAgainstOathtool() throws {
        for _ in 0..<6 {
            let secret = Fixtures.randomBytes(Int.random(in: 16...40))
            let counter = UInt64.random(in: 0...UInt64(Int64.max))
            let hotp = try HOTP(secret: secret, digits: 8)
            let expected = try Self.run(["oathtool", "-d", "8", "-c", "\(counter)", "-b", Base32.encode(secret)])
            #expect(hotp.code(counter: counter) == expected, "counter \(counter)")
        }
    }

    @Test("TOTP codes equal pyotp for random secrets, times, algorithms, digits and periods")
    func totpAgainstPyotp() throws {
        let cases = Self.randomCases(count: 40)
        let script = """
            import hashlib, json, sys, pyotp
            for c in json.load(sys.stdin):
                digest = getattr(hashlib, c["algorithm"].lower())
                print(pyotp.TOTP(c["secret"], digits=c["digits"], digest=digest, interval=c["period"]).at(c["time"]))
            """
        let input = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
        let expected = try Self.run(["python3", "-c", script], input: input).split(separator: "\n").map(String.init)
        try #require(expected.count == cases.count)
        for (testCase, code) in zip(cases, expected) {
            let totp = try TOTP(
                secret: Base32.decode(testCase.secret), digits: testCase.digits, period: testCase.period,
                algorithm: testCase.algorithm)
            #expect(totp.code(at: testCase.time) == code, "\(testCase)")
        }
    }

    @Test("pyotp reads our URIs as we mean them, and we read pyotp's provisioning URIs")
    func urisAgainstPyotp() throws {
        let ours = [
            OTPAuthURI(
                issuer: "Amazon Web Services", accountName: "alice@123456789012", secret: Fixtures.randomBytes(40)),
            OTPAuthURI(
                issuer: "Dept: Ops & Co", accountName: "carol:admin/ü", secret: Fixtures.randomBytes(20),
                algorithm: .sha256, digits: 8),
            OTPAuthURI(
                kind: .totp(period: 60), issuer: nil, accountName: "bob smith", secret: Fixtures.randomBytes(32),
                algorithm: .sha512),
        ]
        let script = """
            import json, sys, pyotp
            for line in sys.stdin.read().split("\\n"):
                o = pyotp.parse_uri(line)
                print(json.dumps({"secret": o.secret, "issuer": o.issuer, "name": o.name, "digits": o.digits,
                                  "algorithm": o.digest().name.upper(), "period": o.interval,
                                  "ours": pyotp.TOTP(o.secret, name=o.name, issuer=o.issuer, digits=o.digits,
                                      digest=o.digest, interval=o.interval).provisioning_uri()}))
            """
        let output = try Self.run(["python3", "-c", script], input: ours.map(\.uriString).joined(separator: "\n"))
        let lines = output.split(separator: "\n")
        try #require(lines.count == ours.count)
        struct Seen: Decodable {
            let secret: String, issuer: String?, name: String, digits: Int, algorithm: String, period: Int, ours: String
        }
        for (uri, line) in zip(ours, lines) {
            let seen = try JSONDecoder().decode(Seen.self, from: Data(line.utf8))
            #expect(try Base32.decode(seen.secret) == uri.secret)
            #expect(seen.issuer == uri.issuer)
            #expect(seen.name == uri.accountName)
            #expect(seen.digits == uri.digits)
            #expect(seen.algorithm == uri.algorithm.rawValue)
            #expect(.totp(period: seen.period) == uri.kind)
            #expect(try OTPAuthURI(parsing: seen.ours) == uri, "pyotp printed \(seen.ours)")
        }
    }
}
