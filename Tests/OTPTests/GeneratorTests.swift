import OTP
import Testing

struct GeneratorTests {
    @Test("step(at:) is floor division, also before 1970")
    func stepFloorDivision() throws {
        let totp = try Fixtures.defaultTOTP()
        let expected: [(Int64, Int64)] = [
            (0, 0), (29, 0), (30, 1), (-1, -1), (-29, -1), (-30, -1), (-31, -2), (-60, -2), (-61, -3),
        ]
        for (time, step) in expected {
            #expect(totp.step(at: time) == step, "t=\(time)")
        }
        #expect(totp.step(at: .min) == Int64.min / 30 - 1)
        #expect(totp.step(at: .max) == Int64.max / 30)
        let perSecond = try TOTP(secret: Fixtures.sha1Secret, period: 1)
        #expect(perSecond.step(at: .min) == .min)
        #expect(perSecond.step(at: -5) == -5)
    }

    @Test("secondsRemaining(at:) is in 1...period, also before 1970 and at the extremes")
    func secondsRemaining() throws {
        let totp = try Fixtures.defaultTOTP()
        let expected: [(Int64, Int)] = [(0, 30), (1, 29), (29, 1), (30, 30), (-1, 1), (-29, 29), (-30, 30), (-31, 1)]
        for (time, remaining) in expected {
            #expect(totp.secondsRemaining(at: time) == remaining, "t=\(time)")
        }
        for time in [Int64.min, .min + 1, .max, .max - 1] {
            #expect((1...30).contains(totp.secondsRemaining(at: time)))
        }
        let oneSecond = try TOTP(secret: Fixtures.sha1Secret, period: 1)
        #expect(oneSecond.secondsRemaining(at: -7) == 1)
    }

    @Test("A negative step uses its two's-complement pattern as counter (values from a Python HMAC)")
    func negativeStepCode() throws {
        let totp = try Fixtures.defaultTOTP()
        #expect(totp.code(step: -1) == "094451")
        #expect(totp.code(step: -2) == "488204")
        #expect(totp.code(at: -1) == totp.hotp.code(counter: .max))
        #expect(totp.code(at: -31) == "488204")
    }

    @Test("7 and 10 digits: zero-padded, the 10-digit code is the whole 31-bit value (Python HMAC values)")
    func longCodes() throws {
        let ten = try HOTP(secret: Fixtures.sha1Secret, digits: 10)
        #expect(ten.code(counter: 0) == "1284755224")
        #expect(ten.code(counter: 1) == "1094287082")
        #expect(try HOTP(secret: Fixtures.sha1Secret, digits: 7).code(counter: 0) == "4755224")
    }

    @Test("value(counter:) is the code as a number, and one generator gives the same codes on every call")
    func valueMatchesCode() throws {
        for algorithm in OTPAlgorithm.allCases {
            let hotp = try HOTP(secret: Fixtures.sha1Secret, digits: 8, algorithm: algorithm)
            for counter: UInt64 in [0, 1, 9, 1 << 40, .max] {
                #expect(hotp.value(counter: counter) == UInt64(hotp.code(counter: counter)))
                #expect(hotp.code(counter: counter) == hotp.code(counter: counter))
            }
        }
        #expect(try HOTP(secret: Fixtures.sha1Secret, digits: 10).value(counter: 0) == 1_284_755_224)
    }

    @Test("init rejects empty/oversized secrets, digits outside 6...10 and periods outside 1...3600")
    func initValidation() throws {
        #expect(throws: OTPError.emptySecret) { try HOTP(secret: []) }
        #expect(throws: OTPError.secretTooLong(1025)) { try HOTP(secret: Array(repeating: 1, count: 1025)) }
        #expect(throws: OTPError.invalidDigits(5)) { try HOTP(secret: [1], digits: 5) }
        #expect(throws: OTPError.invalidDigits(11)) { try HOTP(secret: [1], digits: 11) }
        #expect(throws: OTPError.invalidPeriod(0)) { try TOTP(secret: [1], period: 0) }
        #expect(throws: OTPError.invalidPeriod(3601)) { try TOTP(secret: [1], period: 3601) }
        #expect(throws: OTPError.invalidPeriod(-30)) { try TOTP(secret: [1], period: -30) }
        #expect(throws: OTPError.emptySecret) { try TOTP(secret: [], period: 0) }
        _ = try HOTP(secret: Array(repeating: 1, count: 1024), digits: 10)
        _ = try TOTP(secret: [1], digits: 6, period: 1)
        _ = try TOTP(secret: [1], digits: 6, period: 3600)
        #expect(OTPError.invalidDigits(5).description.contains("5 digits"))
    }

    @Test("HOTP equality compares secret, digits and algorithm")
    func equality() throws {
        let a = try HOTP(secret: [1, 2, 3])
        #expect(a == (try HOTP(secret: [1, 2, 3])))
        #expect(a != (try HOTP(secret: [1, 2, 4])))
        #expect(a != (try HOTP(secret: [1, 2])))
        #expect(a != (try HOTP(secret: [1, 2, 3], digits: 8)))
        #expect(a != (try HOTP(secret: [1, 2, 3], algorithm: .sha256)))
        #expect(try TOTP(secret: [1], period: 30) != (try TOTP(secret: [1], period: 60)))
    }

    @Test("constantTimeEquals: equal contents only, length differences are unequal")
    func constantTimeEquality() {
        #expect(constantTimeEquals([UInt8](), [UInt8]()))
        #expect(constantTimeEquals(Array("123456".utf8), "123456".utf8))
        #expect(!constantTimeEquals(Array("123456".utf8), Array("123457".utf8)))
        #expect(!constantTimeEquals(Array("023456".utf8), Array("123456".utf8)))
        #expect(!constantTimeEquals(Array("12345".utf8), Array("123456".utf8)))
        #expect(!constantTimeEquals(Array("123456".utf8), Array("12345".utf8)))
        #expect(!constantTimeEquals([UInt8](), [0]))
    }
}
