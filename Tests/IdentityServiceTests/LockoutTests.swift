import Foundation
import IdentityService
import Testing

@Suite("Lockout: failures in a row lock for a doubling interval; success clears")
struct LockoutTests {
    let policy = Lockout.Policy(maxFailures: 3, firstLockout: 60, longestLockout: 300)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the third failure locks for 60 s, the next three for 120 s, then 240 s, and never longer than the cap")
    func doubling() {
        var lockout = Lockout()
        #expect(lockout.recordFailure(at: start, policy: policy) == nil)
        #expect(lockout.recordFailure(at: start, policy: policy) == nil)
        #expect(!lockout.isLocked(at: start))
        #expect(lockout.recordFailure(at: start, policy: policy) == 60)
        #expect(lockout.isLocked(at: start.addingTimeInterval(59)))
        #expect(!lockout.isLocked(at: start.addingTimeInterval(60)))
        var lengths: [TimeInterval] = []
        for _ in 0..<9 {
            if let seconds = lockout.recordFailure(at: start, policy: policy) { lengths.append(seconds) }
        }
        #expect(lengths == [120, 240, 300])
        #expect(lockout.lockouts == 4 && lockout.failedAttempts == 0)
    }

    @Test("reset clears failures, lock-outs and the lock")
    func reset() {
        var lockout = Lockout(failedAttempts: 2, lockouts: 5, lockedUntil: start.addingTimeInterval(100))
        lockout.reset()
        #expect(lockout == Lockout())
        #expect(!lockout.isLocked(at: start))
        #expect(lockout.recordFailure(at: start, policy: policy) == nil)  // counting starts again from zero
    }
}
