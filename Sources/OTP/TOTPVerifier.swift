/// The verifier's rules, as AWS applies them: enabling or resyncing a device needs two consecutive codes searched in a
/// wide window; later use accepts ±tolerance steps around the remembered drift; a step is never accepted twice.
public struct TOTPVerifier: Sendable {
    /// Largest `window` / `tolerance` honoured (2880 steps = ±24 h at 30 s); larger values are clamped to it.
    public static let maximumWindow = 2880

    public let totp: TOTP

    public init(totp: TOTP) {
        self.totp = totp
    }

    /// Finds the step s with code1 == code(s) and code2 == code(s+1), s in currentStep-window ... currentStep+window,
    /// nearest to currentStep first (the earlier step first on a tie).
    /// Returns nil when none, when window < 0, when code1 == code2, or when a code is not exactly `digits` ASCII digits.
    public func matchConsecutive(code1: String, code2: String, currentStep: Int64, window: Int) -> ConsecutiveMatch? {
        guard window >= 0, code1 != code2, let first = number(code1), let second = number(code2) else { return nil }
        for distance in 0...Int64(min(window, Self.maximumWindow)) {
            for offset in distance == 0 ? [0] : [-distance, distance] {
                let (firstStep, overflowFirst) = currentStep.addingReportingOverflow(offset)
                let (secondStep, overflowSecond) = firstStep.addingReportingOverflow(1)
                guard !overflowFirst, !overflowSecond else { continue }
                // Codes are compared as whole numbers: one comparison, whatever digits differ.
                if totp.value(step: firstStep) == first, totp.value(step: secondStep) == second {
                    return ConsecutiveMatch(firstStep: firstStep, secondStep: secondStep, drift: offset + 1)
                }
            }
        }
        return nil
    }

    /// Checks one code against the steps currentStep + drift + d for d in -tolerance...tolerance, comparing every
    /// candidate in constant time (no early exit).
    /// `.accepted(step, drift: step - currentStep)` when it matches a step > lastUsedStep (the one nearest to
    /// currentStep + drift, the earlier on a tie); `.replayed` when it matches only steps <= lastUsedStep; `.invalid`
    /// otherwise, including malformed codes and tolerance < 0.
    public func verify(
        code: String, currentStep: Int64, drift: Int64, lastUsedStep: Int64?, tolerance: Int = 1
    ) -> TOTPVerification {
        guard tolerance >= 0, let given = number(code) else { return .invalid }
        let (center, overflow) = currentStep.addingReportingOverflow(drift)
        guard !overflow else { return .invalid }
        let bound = Int64(min(tolerance, Self.maximumWindow))
        var accepted: (step: Int64, distance: Int64)?
        var replayed = false
        for distance in -bound...bound {
            let (step, overflowStep) = center.addingReportingOverflow(distance)
            guard !overflowStep else { continue }
            guard totp.value(step: step) == given else { continue }
            if let lastUsedStep, step <= lastUsedStep {
                replayed = true
            } else if accepted.map({ distance.magnitude < $0.distance.magnitude }) ?? true {
                accepted = (step, distance)
            }
        }
        if let accepted {
            let (stepDrift, overflowDrift) = accepted.step.subtractingReportingOverflow(currentStep)
            return overflowDrift ? .invalid : .accepted(step: accepted.step, drift: stepDrift)
        }
        return replayed ? .replayed : .invalid
    }

    /// The code's value when it is exactly `digits` ASCII digits, else nil.
    private func number(_ code: String) -> UInt64? {
        guard code.utf8.count == totp.hotp.digits else { return nil }
        var value: UInt64 = 0
        for byte in code.utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Two consecutive codes found by ``TOTPVerifier/matchConsecutive(code1:code2:currentStep:window:)``.
public struct ConsecutiveMatch: Sendable, Equatable {
    /// The step of the first code.
    public let firstStep: Int64
    /// The step of the second code (firstStep + 1); the step to remember as last used.
    public let secondStep: Int64
    /// secondStep - currentStep: the device's clock offset, in steps, to remember.
    public let drift: Int64

    public init(firstStep: Int64, secondStep: Int64, drift: Int64) {
        self.firstStep = firstStep
        self.secondStep = secondStep
        self.drift = drift
    }
}

/// The outcome of ``TOTPVerifier/verify(code:currentStep:drift:lastUsedStep:tolerance:)``.
public enum TOTPVerification: Sendable, Equatable {
    /// The code matched `step`, which is newer than the last used step; remember `step` and `drift`.
    case accepted(step: Int64, drift: Int64)
    /// The code matched only steps already used.
    case replayed
    /// The code matched no candidate step or is malformed.
    case invalid
}
