import AWSProtocol
import OTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The result of checking one MFA code.
enum MFACheck: Sendable, Equatable {
    case accepted
    case invalid
    case replayed
    case locked
    /// The serial is not an MFA device of this user that can give codes.
    case unknownDevice
}

extension AWSError {
    /// AWS's answer to a wrong, reused or locked-out code (the three are indistinguishable on purpose).
    static let invalidOneTimePassCode = AWSError.accessDenied(
        "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
    /// AWS's answer to a serial that is not an MFA device of the caller.
    static let unableToValidateMFA = AWSError.accessDenied(
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
    )
}

// Checking codes: the one step every MFA code goes through (the API's STS calls and the console alike).
extension IdentityService {
    /// Checks a code from a user's TOTP device and records the outcome on the device — the accepted step (never
    /// accepted again) and drift, or a failure that may lock it — in one atomic step of the store
    /// (`Store.verifyDevice`) that other checks of the same device, on any server sharing the store, wait for: of
    /// two requests with one code exactly one is accepted. `issuing`, when given, makes a session that is stored in the
    /// same step if (and only if) the code is accepted; it is returned with the outcome.
    func checkCode(
        userKey: String, serialNumber: String, code: String, now: Date,
        issuing makeSession: (@Sendable () -> (IssuedCredentials, SessionRecord))? = nil
    ) async throws -> (check: MFACheck, issued: IssuedCredentials?) {
        typealias Outcome = (check: MFACheck, issued: IssuedCredentials?)
        let outcome = try await store.verifyDevice(serialNumber: serialNumber) { device -> DeviceDecision<Outcome> in
            guard let device, device.userKey == userKey, device.kind != .securityKey else {
                return DeviceDecision(result: (.unknownDevice, nil))
            }
            if device.isLocked(at: now) { return DeviceDecision(result: (.locked, nil)) }
            let (checked, check) = try self.verify(code, on: device, now: now)
            guard check == .accepted, let makeSession else {
                return DeviceDecision(device: checked, result: (check, nil))
            }
            let (issued, record) = makeSession()
            return DeviceDecision(device: checked, session: record, result: (check, issued))
        }
        return (outcome.check, outcome.issued)
    }

    /// The outcome of `code` on an unlocked TOTP device, and the device's verification state after it.
    private func verify(
        _ code: String, on device: MFADeviceRecord, now: Date
    ) throws -> (MFADeviceRecord, MFACheck) {
        let totp = try totp(for: device)
        let verification = TOTPVerifier(totp: totp).verify(
            code: code, currentStep: totp.step(at: Int64(now.timeIntervalSince1970)), drift: device.driftSteps,
            lastUsedStep: device.lastUsedStep, tolerance: configuration.codeTolerance)
        var device = device
        switch verification {
        case .accepted(let step, let drift):
            device.lastUsedStep = step
            device.driftSteps = drift
            device.lockout.reset()
            return (device, .accepted)
        case .replayed, .invalid:
            countFailure(&device, now: now)
            return (device, verification == .replayed ? .replayed : .invalid)
        }
    }

    /// Counts a failed code or assertion on a device, locking it for a growing interval after too many in a row.
    func countFailure(_ device: inout MFADeviceRecord, now: Date) {
        guard let seconds = device.lockout.recordFailure(at: now, policy: configuration.mfaLockoutPolicy) else {
            return
        }
        logger.warning(
            "MFA device locked after repeated failures",
            metadata: ["serial": "\(device.serialNumber)", "seconds": "\(Int(seconds))"])
    }

    /// Counts an outcome and turns a refusal into AWS's error.
    func finish(_ check: MFACheck) throws {
        switch check {
        case .accepted:
            mfaCounters.ok.increment()
        case .invalid, .unknownDevice:
            mfaCounters.failed.increment()
        case .replayed:
            mfaCounters.replayed.increment()
        case .locked:
            mfaCounters.locked.increment()
        }
        switch check {
        case .accepted: return
        case .unknownDevice: throw AWSError.unableToValidateMFA
        case .invalid, .replayed, .locked: throw AWSError.invalidOneTimePassCode
        }
    }
}
