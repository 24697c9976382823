import IdentityService

/// A write the store's constraints refuse (a duplicate key, a row that must exist): a bug in the caller, since the
/// domain checks these first; reported as a server failure.
public struct StoreConstraintError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

extension MFADeviceRecord {
    /// Takes `other`'s verification state: drift, last used step, failures and lock-out.
    mutating func takeVerificationState(of other: MFADeviceRecord) {
        driftSteps = other.driftSteps
        lastUsedStep = other.lastUsedStep
        failedAttempts = other.failedAttempts
        lockouts = other.lockouts
        lockedUntil = other.lockedUntil
    }
}
