import OTP
import Testing

struct TOTPVerifierTests {
    let totp: TOTP
    let verifier: TOTPVerifier
    let now: Int64 = 1000

    init() throws {
        totp = try Fixtures.defaultTOTP()
        verifier = TOTPVerifier(totp: totp)
        // The tests below rely on steps 985...1015 having pairwise different codes (no accidental collision).
        let codes = (985...1015).map { totp.code(step: Int64($0)) }
        try #require(Set(codes).count == codes.count)
    }

    func code(_ step: Int64) -> String { totp.code(step: step) }

    @Test("verify accepts the current step and ±1 by default, reporting step and drift")
    func acceptsWithinTolerance() {
        #expect(
            verifier.verify(code: code(now), currentStep: now, drift: 0, lastUsedStep: nil)
                == .accepted(step: now, drift: 0))
        #expect(
            verifier.verify(code: code(now - 1), currentStep: now, drift: 0, lastUsedStep: nil)
                == .accepted(step: now - 1, drift: -1))
        #expect(
            verifier.verify(code: code(now + 1), currentStep: now, drift: 0, lastUsedStep: nil)
                == .accepted(step: now + 1, drift: 1))
    }

    @Test("verify rejects codes just outside the tolerance; tolerance 0 and 2 move the edge")
    func toleranceEdges() {
        #expect(verifier.verify(code: code(now - 2), currentStep: now, drift: 0, lastUsedStep: nil) == .invalid)
        #expect(verifier.verify(code: code(now + 2), currentStep: now, drift: 0, lastUsedStep: nil) == .invalid)
        #expect(
            verifier.verify(code: code(now - 1), currentStep: now, drift: 0, lastUsedStep: nil, tolerance: 0)
                == .invalid)
        #expect(
            verifier.verify(code: code(now), currentStep: now, drift: 0, lastUsedStep: nil, tolerance: 0)
                == .accepted(step: now, drift: 0))
        #expect(
            verifier.verify(code: code(now - 2), currentStep: now, drift: 0, lastUsedStep: nil, tolerance: 2)
                == .accepted(step: now - 2, drift: -2))
        #expect(
            verifier.verify(code: code(now + 3), currentStep: now, drift: 0, lastUsedStep: nil, tolerance: 2)
                == .invalid)
        #expect(
            verifier.verify(code: code(now), currentStep: now, drift: 0, lastUsedStep: nil, tolerance: -1) == .invalid)
    }

    @Test("verify centres the window on currentStep + drift")
    func driftMovesWindow() {
        #expect(
            verifier.verify(code: code(now + 5), currentStep: now, drift: 5, lastUsedStep: nil)
                == .accepted(step: now + 5, drift: 5))
        #expect(
            verifier.verify(code: code(now + 4), currentStep: now, drift: 5, lastUsedStep: nil)
                == .accepted(step: now + 4, drift: 4))
        #expect(
            verifier.verify(code: code(now + 6), currentStep: now, drift: 5, lastUsedStep: nil)
                == .accepted(step: now + 6, drift: 6))
        #expect(verifier.verify(code: code(now), currentStep: now, drift: 5, lastUsedStep: nil) == .invalid)
        #expect(
            verifier.verify(code: code(now - 7), currentStep: now, drift: -7, lastUsedStep: nil)
                == .accepted(step: now - 7, drift: -7))
    }

    @Test("verify reports a step <= lastUsedStep as replayed, a newer one as accepted")
    func replay() {
        #expect(verifier.verify(code: code(now), currentStep: now, drift: 0, lastUsedStep: now) == .replayed)
        #expect(verifier.verify(code: code(now - 1), currentStep: now, drift: 0, lastUsedStep: now) == .replayed)
        #expect(
            verifier.verify(code: code(now + 1), currentStep: now, drift: 0, lastUsedStep: now)
                == .accepted(step: now + 1, drift: 1))
        #expect(
            verifier.verify(code: code(now), currentStep: now, drift: 0, lastUsedStep: now - 1)
                == .accepted(step: now, drift: 0))
        #expect(verifier.verify(code: code(now - 1), currentStep: now, drift: 0, lastUsedStep: now - 1) == .replayed)
        // A wrong code stays invalid, whatever was used before.
        #expect(verifier.verify(code: code(now + 2), currentStep: now, drift: 0, lastUsedStep: now) == .invalid)
    }

    @Test(
        "verify treats anything but exactly 6 ASCII digits as invalid",
        arguments: ["", "12345", "1234567", "12345a", " 12345", "12345 ", "+12345", "-12345", "١٢٣٤٥٦", "１２３４５６"])
    func malformed(code: String) {
        #expect(verifier.verify(code: code, currentStep: now, drift: 0, lastUsedStep: nil, tolerance: 5) == .invalid)
    }

    @Test("verify near Int64 limits neither traps nor accepts steps beyond them")
    func extremes() {
        #expect(
            verifier.verify(code: code(.max), currentStep: .max, drift: 0, lastUsedStep: nil)
                == .accepted(step: .max, drift: 0))
        #expect(
            verifier.verify(code: code(.max - 1), currentStep: .max, drift: 0, lastUsedStep: nil)
                == .accepted(step: .max - 1, drift: -1))
        #expect(verifier.verify(code: code(.max), currentStep: .max, drift: 1, lastUsedStep: nil) == .invalid)
        #expect(
            verifier.verify(code: code(.min), currentStep: .min, drift: 0, lastUsedStep: nil, tolerance: .max)
                == .accepted(step: .min, drift: 0))
        #expect(verifier.verify(code: code(.min), currentStep: .min, drift: 0, lastUsedStep: .min) == .replayed)
    }

    @Test("matchConsecutive finds the usual pair (previous and current step) with drift 0")
    func consecutiveUsualCase() {
        let match = verifier.matchConsecutive(code1: code(now - 1), code2: code(now), currentStep: now, window: 10)
        #expect(match == ConsecutiveMatch(firstStep: now - 1, secondStep: now, drift: 0))
    }

    @Test("matchConsecutive window edges: first step at currentStep ± window matches, one further does not")
    func consecutiveWindowEdges() {
        func match(_ first: Int64, window: Int) -> ConsecutiveMatch? {
            verifier.matchConsecutive(code1: code(first), code2: code(first + 1), currentStep: now, window: window)
        }
        #expect(match(now + 10, window: 10) == ConsecutiveMatch(firstStep: now + 10, secondStep: now + 11, drift: 11))
        #expect(match(now - 10, window: 10) == ConsecutiveMatch(firstStep: now - 10, secondStep: now - 9, drift: -9))
        #expect(match(now + 11, window: 10) == nil)
        #expect(match(now - 11, window: 10) == nil)
        #expect(match(now, window: 0) == ConsecutiveMatch(firstStep: now, secondStep: now + 1, drift: 1))
        #expect(match(now - 1, window: 0) == nil)
        #expect(match(now, window: -1) == nil)
    }

    @Test("matchConsecutive rejects equal codes, reversed or non-adjacent pairs and malformed codes")
    func consecutiveRejections() {
        #expect(verifier.matchConsecutive(code1: code(now), code2: code(now), currentStep: now, window: 10) == nil)
        #expect(verifier.matchConsecutive(code1: code(now), code2: code(now - 1), currentStep: now, window: 10) == nil)
        #expect(verifier.matchConsecutive(code1: code(now - 2), code2: code(now), currentStep: now, window: 10) == nil)
        #expect(verifier.matchConsecutive(code1: "12345", code2: code(now), currentStep: now, window: 10) == nil)
        #expect(
            verifier.matchConsecutive(code1: code(now - 1), code2: code(now) + " ", currentStep: now, window: 10) == nil
        )
    }

    @Test("matchConsecutive clamps huge windows and does not trap at Int64 limits")
    func consecutiveExtremes() {
        #expect(
            verifier.matchConsecutive(code1: code(.max - 1), code2: code(.max), currentStep: .max, window: 3)
                == ConsecutiveMatch(firstStep: .max - 1, secondStep: .max, drift: 0))
        #expect(
            verifier.matchConsecutive(code1: code(.min), code2: code(.min + 1), currentStep: .min, window: 1)
                == ConsecutiveMatch(firstStep: .min, secondStep: .min + 1, drift: 1))
        let far = now + Int64(TOTPVerifier.maximumWindow) + 1
        #expect(
            verifier.matchConsecutive(code1: code(far), code2: code(far + 1), currentStep: now, window: .max) == nil)
        let edge = now - Int64(TOTPVerifier.maximumWindow)
        #expect(
            verifier.matchConsecutive(code1: code(edge), code2: code(edge + 1), currentStep: now, window: .max)?
                .firstStep == edge)
    }
}
