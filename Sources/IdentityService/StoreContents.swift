#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every row of a store, as `vegas-server copy-store` moves them from one store to another.
public struct StoreContents: Sendable, Equatable {
    public var account: AccountRecord?
    public var users: [UserRecord] = []
    public var accessKeys: [AccessKeyRecord] = []
    public var loginProfiles: [LoginProfileRecord] = []
    public var devices: [MFADeviceRecord] = []
    public var securityKeys: [SecurityKeyRecord] = []
    /// Tags by device serial number.
    public var tags: [String: [TagRecord]] = [:]
    public var roles: [RoleRecord] = []
    public var sessions: [SessionRecord] = []
    public var consoleSessions: [ConsoleSessionRecord] = []
    public var signinTokens: [SigninTokenRecord] = []

    public init() {}

    /// Rows per table, for a copy's report and its check.
    public var counts: [(table: String, rows: Int)] {
        [
            ("account", account == nil ? 0 : 1), ("users", users.count), ("access keys", accessKeys.count),
            ("login profiles", loginProfiles.count), ("MFA devices", devices.count),
            ("security keys", securityKeys.count), ("device tags", tags.values.reduce(0) { $0 + $1.count }),
            ("roles", roles.count), ("STS sessions", sessions.count), ("console sessions", consoleSessions.count),
            ("sign-in tokens", signinTokens.count),
        ]
    }

    /// Writes every row through `tx`, devices before what refers to them.
    public func write(to tx: any StoreTransaction) async throws {
        if let account { try await tx.save(account) }
        for user in users { try await tx.insert(user) }
        for key in accessKeys { try await tx.save(key) }
        for profile in loginProfiles { try await tx.save(profile) }
        for device in devices { try await tx.save(device) }
        for key in securityKeys { try await tx.save(key) }
        for (serial, deviceTags) in tags.sorted(by: { $0.key < $1.key }) {
            try await tx.setTags(deviceTags, serialNumber: serial)
        }
        for role in roles { try await tx.save(role) }
        for session in sessions { try await tx.insert(session) }
        for session in consoleSessions { try await tx.insert(session) }
        for token in signinTokens { try await tx.insert(token) }
        try await tx.bumpRevision()
    }
}
