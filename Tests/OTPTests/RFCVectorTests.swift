import OTP
import Testing

/// Values from RFC 4226 Appendix D and RFC 6238 Appendix B, as listed in reference aws-mfa-api.md §5.1.
struct RFCVectorTests {
    @Test(
        "RFC 4226 Appendix D: HOTP-SHA1, 6 digits, counters 0...9",
        arguments: zip(
            0..<10,
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]))
    func rfc4226(counter: Int, expected: String) throws {
        let hotp = try HOTP(secret: Fixtures.sha1Secret)
        #expect(hotp.code(counter: UInt64(counter)) == expected)
    }

    struct TimeVector: Sendable, CustomTestStringConvertible {
        let time: Int64, step: Int64, sha1: String, sha256: String, sha512: String, sha1SixDigits: String
        var testDescription: String { "t=\(time)" }
    }

    static let rfc6238Vectors = [
        TimeVector(
            time: 59, step: 0x1, sha1: "94287082", sha256: "46119246", sha512: "90693936", sha1SixDigits: "287082"),
        TimeVector(
            time: 1_111_111_109, step: 0x23523EC, sha1: "07081804", sha256: "68084774", sha512: "25091201",
            sha1SixDigits: "081804"),
        TimeVector(
            time: 1_111_111_111, step: 0x23523ED, sha1: "14050471", sha256: "67062674", sha512: "99943326",
            sha1SixDigits: "050471"),
        TimeVector(
            time: 1_234_567_890, step: 0x273EF07, sha1: "89005924", sha256: "91819424", sha512: "93441116",
            sha1SixDigits: "005924"),
        TimeVector(
            time: 2_000_000_000, step: 0x3F940AA, sha1: "69279037", sha256: "90698825", sha512: "38618901",
            sha1SixDigits: "279037"),
        TimeVector(
            time: 20_000_000_000, step: 0x27BC_86AA, sha1: "65353130", sha256: "77737706", sha512: "47863826",
            sha1SixDigits: "353130"),
    ]

    @Test("RFC 6238 Appendix B: steps and 8-digit codes for SHA1, SHA256, SHA512", arguments: rfc6238Vectors)
    func rfc6238EightDigits(vector: TimeVector) throws {
        for (algorithm, expected) in [
            (OTPAlgorithm.sha1, vector.sha1), (.sha256, vector.sha256), (.sha512, vector.sha512),
        ] {
            let totp = try TOTP(secret: Fixtures.secret(for: algorithm), digits: 8, algorithm: algorithm)
            #expect(totp.step(at: vector.time) == vector.step)
            #expect(totp.code(at: vector.time) == expected, "\(algorithm)")
        }
    }

    @Test("RFC 6238 Appendix B: the AWS-relevant 6-digit SHA1 column, leading zeros kept", arguments: rfc6238Vectors)
    func rfc6238SixDigits(vector: TimeVector) throws {
        let totp = try Fixtures.defaultTOTP()
        #expect(totp.code(at: vector.time) == vector.sha1SixDigits)
        #expect(totp.code(step: vector.step) == vector.sha1SixDigits)
    }

    @Test("§5.1 consecutive pair: 081804 then 050471 are steps 0x23523EC and 0x23523ED")
    func consecutivePairExample() throws {
        let totp = try TOTP(secret: Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        let verifier = TOTPVerifier(totp: totp)
        let match = verifier.matchConsecutive(
            code1: "081804", code2: "050471", currentStep: totp.step(at: 1_111_111_111), window: 10)
        #expect(match == ConsecutiveMatch(firstStep: 0x23523EC, secondStep: 0x23523ED, drift: 0))
    }
}
