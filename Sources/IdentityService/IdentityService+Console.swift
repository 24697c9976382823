import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A console password accepted.
public struct ConsoleSignIn: Sendable {
    public let principal: Principal
    /// The login profile asks for a new password at this sign-in (CreateLoginProfile's PasswordResetRequired).
    public let passwordResetRequired: Bool
}

// The console's sign-in: the password step and the MFA step (codes here; security keys in +SecurityKeys).
extension IdentityService {
    /// Checks a console password. `account` is the account id or its alias; a nil `userName` is the root user.
    /// Returns the principal, or nil for any mismatch (unknown account, user or login profile, a wrong password, or a
    /// login locked by wrong passwords: `consoleLockoutPolicy`) so that the page can give one answer for all of them.
    /// The hash runs off the caller's executor.
    public func signInToConsole(
        account: String, userName: String?, password: String
    ) async throws
        -> ConsoleSignIn?
    {
        let userKey = userName?.lowercased()
        let found = try await store.read { tx -> (AccountRecord, UserRecord?, LoginProfileRecord)? in
            guard let record = try await tx.account(),
                record.accountId == account || record.alias == account.lowercased()
            else { return nil }
            var user: UserRecord?
            if let userKey {
                guard let found = try await tx.user(nameKey: userKey) else { return nil }
                user = found
            }
            guard let profile = try await tx.loginProfile(userKey: userKey ?? Principal.rootUserKey) else { return nil }
            return (record, user, profile)
        }
        let hasher = configuration.passwordHasher
        let hash = found?.2.passwordHash ?? hasher.decoyHash()
        let matches = await Task.detached(priority: .userInitiated) { hasher.verify(password, against: hash) }.value
        guard let (account, user, profile) = found else {
            logger.info("console sign-in refused", metadata: ["user": "\(userName ?? "root")"])
            return nil
        }
        let now = clock()
        let locked = profile.lockout.isLocked(at: now)
        if !matches || locked || profile.lockout != Lockout() {
            try await recordPassword(matches && !locked, userKey: profile.userKey, now: now)
        }
        guard matches, !locked else {
            logger.info(
                "console sign-in refused", metadata: ["user": "\(userName ?? "root")", "locked": "\(locked)"])
            return nil
        }
        return ConsoleSignIn(
            principal: Principal(accountId: account.accountId, kind: user.map { .user($0) } ?? .root, session: nil),
            passwordResetRequired: profile.passwordResetRequired)
    }

    /// Counts a wrong password towards the login's lock-out, or clears the record after a right one; a password
    /// tried while the login is locked changes nothing.
    private func recordPassword(_ accepted: Bool, userKey: String, now: Date) async throws {
        let policy = configuration.consoleLockoutPolicy
        let locked = try await store.write { tx -> TimeInterval? in
            guard var profile = try await tx.loginProfile(userKey: userKey) else { return nil }
            var lockedFor: TimeInterval?
            if accepted {
                profile.lockout.reset()
            } else if !profile.lockout.isLocked(at: now) {
                lockedFor = profile.lockout.recordFailure(at: now, policy: policy)
            }
            try await tx.save(profile)
            return lockedFor
        }
        if let locked {
            logger.warning(
                "console login locked after repeated wrong passwords",
                metadata: ["user": "\(userKey)", "seconds": "\(Int(locked))"])
        }
    }

    /// Checks a code from one of the principal's TOTP devices (virtual or hardware) for the console's MFA step, with the
    /// same replay rule, drift and lock-out as the API. Throws AWS's invalid-code error on any refusal.
    public func verifyConsoleCode(_ principal: Principal, serialNumber: String, code: String) async throws {
        guard let userKey = principal.userKey else { throw AWSError.invalidOneTimePassCode }
        let now = clock()
        try finish(try await checkCode(userKey: userKey, serialNumber: serialNumber, code: code, now: now).check)
    }
}
