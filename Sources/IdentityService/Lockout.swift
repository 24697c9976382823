#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The failure record of something that checks secrets — an MFA device (codes and security-key assertions alike) or a
/// console login (passwords) — as a value-type state machine: an outcome goes in, the next state comes out, and
/// `isLocked(at:)` is the decision for the next attempt. The API and the console both go through it; the store keeps
/// the state beside what it protects.
public struct Lockout: Sendable, Equatable, Codable {
    /// Failures since the last success or lock-out.
    public var failedAttempts: Int
    /// Lock-outs since the last success: each one lasts twice as long as the one before.
    public var lockouts: Int
    public var lockedUntil: Date?

    public init(failedAttempts: Int = 0, lockouts: Int = 0, lockedUntil: Date? = nil) {
        self.failedAttempts = failedAttempts
        self.lockouts = lockouts
        self.lockedUntil = lockedUntil
    }

    /// When failures lock, and for how long.
    public struct Policy: Sendable, Equatable {
        /// Failures in a row that lock.
        public var maxFailures: Int
        /// The first lock-out; each further one doubles, up to `longestLockout`.
        public var firstLockout: TimeInterval
        public var longestLockout: TimeInterval

        public init(maxFailures: Int, firstLockout: TimeInterval, longestLockout: TimeInterval = 86_400) {
            self.maxFailures = maxFailures
            self.firstLockout = firstLockout
            self.longestLockout = longestLockout
        }
    }

    /// Whether an attempt at `now` is refused without being checked.
    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }

    /// Records a failed attempt at `now`; returns the length of the lock-out it started, if it started one.
    @discardableResult
    public mutating func recordFailure(at now: Date, policy: Policy) -> TimeInterval? {
        failedAttempts += 1
        guard failedAttempts >= policy.maxFailures else { return nil }
        let seconds = min(policy.firstLockout * Double(1 << min(lockouts, 20)), policy.longestLockout)
        lockedUntil = now.addingTimeInterval(seconds)
        lockouts += 1
        failedAttempts = 0
        return seconds
    }

    /// After an accepted attempt, a resynchronisation or a new owner: the record starts clean.
    public mutating func reset() { self = Lockout() }
}

/// A record that keeps a `Lockout` in three columns of its own.
public protocol LockoutColumns {
    var failedAttempts: Int { get set }
    var lockouts: Int { get set }
    var lockedUntil: Date? { get set }
}

extension LockoutColumns {
    /// The record's failure record, kept in its `failedAttempts`, `lockouts` and `lockedUntil` columns.
    public var lockout: Lockout {
        get { Lockout(failedAttempts: failedAttempts, lockouts: lockouts, lockedUntil: lockedUntil) }
        set {
            failedAttempts = newValue.failedAttempts
            lockouts = newValue.lockouts
            lockedUntil = newValue.lockedUntil
        }
    }
}

extension MFADeviceRecord: LockoutColumns {}
extension LoginProfileRecord: LockoutColumns {}
