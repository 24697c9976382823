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
    /// Returns the principal, or nil for any mismatch (unknown account, user or login profile, or a wrong password) so
    /// that the page can give one answer for all of them. The hash runs off the caller's executor.
    public func signInToConsole(
        account: String, userName: String?, password: String
    ) async throws
        -> ConsoleSignIn?
    {
        let userKey = userName?.lowercased()
        let found = try await store.read { tx -> (AccountRecord, UserRecord?, LoginProfileRecord)? in
            guard let record = try tx.account(), record.accountId == account || record.alias == account.lowercased()
            else { return nil }
            let user = try userKey.map { try tx.user(nameKey: $0) }
            if userKey != nil, user == nil { return nil }
            guard let profile = try tx.loginProfile(userKey: userKey ?? Principal.rootUserKey) else { return nil }
            return (record, user ?? nil, profile)
        }
        let hasher = configuration.passwordHasher
        let hash = found?.2.passwordHash ?? hasher.decoyHash()
        let matches = await Task.detached(priority: .userInitiated) { hasher.verify(password, against: hash) }.value
        guard let (account, user, profile) = found, matches else {
            logger.info("console sign-in refused", metadata: ["user": "\(userName ?? "root")"])
            return nil
        }
        return ConsoleSignIn(
            principal: Principal(accountId: account.accountId, kind: user.map { .user($0) } ?? .root, session: nil),
            passwordResetRequired: profile.passwordResetRequired)
    }

    /// Checks a code from one of the principal's TOTP devices (virtual or hardware) for the console's MFA step, with the
    /// same replay rule, drift and lock-out as the API. Throws AWS's invalid-code error on any refusal.
    public func verifyConsoleCode(_ principal: Principal, serialNumber: String, code: String) async throws {
        guard let userKey = principal.userKey else { throw AWSError.invalidOneTimePassCode }
        let now = clock()
        let check = try await store.write { tx in
            try self.checkCode(tx, userKey: userKey, serialNumber: serialNumber, code: code, now: now)
        }
        try finish(check)
    }
}
