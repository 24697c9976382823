import Foundation
import TestSupport
import Testing

/// The stand-in ykman itself: its codes against RFC 6238 and pyotp, its texts against ykman 5.9.2's.
@Suite(.serialized)
struct StandInFidelityTests {
    /// Runs the stand-in directly; returns (exit status, stdout, stderr).
    func ykman(
        _ arguments: [String], _ standIn: StandIn, touch: String? = nil, input: String = ""
    ) throws
        -> (status: Int32, output: String, error: String)
    {
        let result = try Command.run(
            StandIn.supportDirectory + "/ykman", arguments, environment: standIn.environment(touch: touch), input: input
        )
        return (result.status, result.output, result.standardError)
    }

    @Test("RFC 6238 Appendix B (8 digits, SHA1/SHA256/SHA512) through the stand-in and YkmanOATH, equal to pyotp")
    func rfc6238Vectors() async throws {
        let secrets = [
            "SHA1": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "SHA256": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA",
            "SHA512":
                "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA",
        ]
        let vectors: [(Int64, [String: String])] = [
            (59, ["SHA1": "94287082", "SHA256": "46119246", "SHA512": "90693936"]),
            (1_111_111_109, ["SHA1": "07081804", "SHA256": "68084774", "SHA512": "25091201"]),
            (1_111_111_111, ["SHA1": "14050471", "SHA256": "67062674", "SHA512": "99943326"]),
            (1_234_567_890, ["SHA1": "89005924", "SHA256": "91819424", "SHA512": "93441116"]),
            (2_000_000_000, ["SHA1": "69279037", "SHA256": "90698825", "SHA512": "38618901"]),
            (20_000_000_000, ["SHA1": "65353130", "SHA256": "77737706", "SHA512": "47863826"]),
        ]
        let standIn = try StandIn(
            accounts: secrets.map { standInAccount(name: $0.key, secret: $0.value, digits: 8, algorithm: $0.key) })
        defer { standIn.remove() }
        for (time, codes) in vectors {
            for (algorithm, expected) in codes {
                let code = try await standIn.ykman(now: time).code(label: algorithm)
                #expect(code == expected, "\(algorithm) at \(time)")
                let secret = try #require(secrets[algorithm])
                #expect(try pyotpCode(secret: secret, time: time, digits: 8, algorithm: algorithm) == expected)
            }
        }
    }

    @Test("random secrets, times, digits, algorithms and periods: the stand-in's code equals pyotp's")
    func randomAgainstPyotp() async throws {
        for _ in 0..<8 {
            let secret = String((0..<32).map { _ in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").randomElement()! })
            let algorithm = ["SHA1", "SHA256", "SHA512"].randomElement()!
            let digits = [6, 7, 8].randomElement()!
            let period = [30, 60, 15].randomElement()!
            let time = Int64.random(in: 0...4_102_444_800)
            let standIn = try StandIn(accounts: [
                standInAccount(name: "x", secret: secret, digits: digits, algorithm: algorithm, period: period)
            ])
            defer { standIn.remove() }
            let label = period == 30 ? "x" : "\(period)/x"
            let code = try await standIn.ykman(now: time).code(label: label)
            let expected = try pyotpCode(
                secret: secret, time: time, digits: digits, algorithm: algorithm, period: period)
            #expect(code == expected, "\(algorithm) \(digits) digits, period \(period), t=\(time)")
        }
    }

    @Test("the stand-in prints ykman 5.9.2's texts with its exit statuses")
    func texts() throws {
        let none = try StandIn(devices: [])
        defer { none.remove() }
        #expect(try ykman(["oath", "accounts", "list"], none) == (1, "", Ykman592.noDevice))

        let two = try StandIn(devices: [
            ["serial": 111],
            ["serial": 222, "name": "YubiKey 5C Nano", "version": "5.4.3"],
        ])
        defer { two.remove() }
        #expect(try ykman(["oath", "accounts", "code", "-s", "x"], two) == (1, "", Ykman592.severalDevices))
        #expect(try ykman(["--device", "333", "oath", "accounts", "list"], two) == (1, "", Ykman592.wrongSerial))
        #expect(try ykman(["oath", "accounts", "list", "--device", "333"], two) == (1, "", Ykman592.wrongSerial))
        #expect(try ykman(["list", "--serials"], two) == (0, "111\n222\n", ""))
        #expect(
            try ykman(["list"], two)
                == (
                    0,
                    "YubiKey 5 NFC (5.7.1) [OTP+FIDO+CCID] Serial: 111\n"
                        + "YubiKey 5C Nano (5.4.3) [OTP+FIDO+CCID] Serial: 222\n",
                    ""
                ))

        let one = try StandIn(accounts: [
            standInAccount(name: "bob", secret: "JBSWY3DPEHPK3PXP", touch: true),
            standInAccount(name: "alice", secret: "JBSWY3DPEHPK3PXP"),
            standInAccount(name: "alice2", secret: "JBSWY3DPEHPK3PXP"),
        ])
        defer { one.remove() }
        #expect(try ykman(["oath", "accounts", "code", "-s", "nobody"], one) == (1, "", Ykman592.noMatchingAccount))
        #expect(try ykman(["oath", "accounts", "code", "-s", "ali"], one) == (1, "", Ykman592.multipleMatches))
        #expect(
            try ykman(["oath", "accounts", "code", "--single", "bob"], one, touch: "timeout")
                == (1, "", Ykman592.touchTimedOut))
        let touched = try ykman(["oath", "accounts", "code", "--single", "bob"], one, touch: "0.2")
        #expect(touched.status == 0 && touched.error == Ykman592.touchPrompt && touched.output.count == 7)
        #expect(
            try ykman(["oath", "accounts", "add", "bob"], one, input: "JBSWY3DPEHPK3PXP\n") == (
                1, "", Ykman592.accountExists
            ))
        #expect(try ykman(["oath", "accounts", "add", "new"], one) == (1, "", Ykman592.secretPromptAborted))
        #expect(try ykman(["oath", "accounts", "add", "-d", "9", "new"], one) == (2, "", Ykman592.usageError))
        #expect(
            try ykman(["oath", "accounts", "add", "new"], one, input: "JBSWY3DPEHPK3PXP\n") == (
                0, "OATH account added.\n", ""
            ))
        #expect(
            try ykman(["oath", "accounts", "delete", "-f", "nobody"], one) == (
                0, "No matches, nothing to be done.\n", ""
            ))
        #expect(try ykman(["oath", "accounts", "delete", "-f", "new"], one) == (0, "Deleted new.\n", ""))
        #expect(try ykman(["oath", "accounts", "list"], one) == (0, "alice\nalice2\nbob\n", ""))
        #expect(try ykman(["--version"], one) == (0, "YubiKey Manager (ykman) version: 5.9.2\n", ""))

        let locked = try StandIn(extra: ["password": "pw"])
        defer { locked.remove() }
        #expect(try ykman(["oath", "accounts", "list"], locked, input: "nope\n") == (1, "", Ykman592.wrongPassword))
        let prompted = try ykman(["oath", "accounts", "list"], locked)
        #expect(prompted.status == 1 && prompted.error.hasSuffix(Ykman592.passwordPromptAborted))
        #expect(try ykman(["oath", "accounts", "list"], locked, input: "pw\n") == (0, "", ""))

        let unreachable = try StandIn(extra: ["reachable": false])
        defer { unreachable.remove() }
        #expect(try ykman(["oath", "accounts", "list"], unreachable) == (1, "", Ykman592.failedToConnect))
    }
}
