#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Durable storage for the identity domain. Every call of `write` is one transaction: it commits when the body returns and
/// rolls back when it throws, so a state change is all or nothing. Implementations: SQLite (`IdentityStore.SQLiteStore`);
/// a PostgreSQL one can follow for multi-instance deployments.
public protocol Store: Sendable {
    /// Runs `body` in a read-only snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` in a serialised read-write transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
}

/// What a transaction can read and change. Look-ups by name take the lower-cased name key.
public protocol StoreTransaction {
    func account() throws -> AccountRecord?
    func save(_ account: AccountRecord) throws

    func user(nameKey: String) throws -> UserRecord?
    func users() throws -> [UserRecord]
    func insert(_ user: UserRecord) throws
    func deleteUser(nameKey: String) throws

    func accessKey(id: String) throws -> AccessKeyRecord?
    func accessKeys(userName: String?) throws -> [AccessKeyRecord]
    func save(_ key: AccessKeyRecord) throws
    func deleteAccessKey(id: String) throws

    func loginProfile(userKey: String) throws -> LoginProfileRecord?
    func save(_ profile: LoginProfileRecord) throws
    func deleteLoginProfile(userKey: String) throws

    func mfaDevice(serialNumber: String) throws -> MFADeviceRecord?
    /// Devices assigned to a user (any kind), oldest first.
    func mfaDevices(userKey: String) throws -> [MFADeviceRecord]
    /// Virtual devices of the account, by serial number.
    func virtualMFADevices() throws -> [MFADeviceRecord]
    func save(_ device: MFADeviceRecord) throws
    /// Saves only what checking a code or an assertion changes on an existing device — drift, last used step, failure
    /// count and lock-out — which is most of the store's write traffic.
    func saveVerificationState(of device: MFADeviceRecord) throws
    /// Like `saveVerificationState(of:)`, but only if the stored device still has `expected`'s kind, owner, seed and
    /// verification state; returns whether it wrote.
    func saveVerificationState(of device: MFADeviceRecord, ifUnchangedFrom expected: MFADeviceRecord) throws -> Bool
    func deleteMFADevice(serialNumber: String) throws
    func securityKey(serialNumber: String) throws -> SecurityKeyRecord?
    func securityKey(credentialId: Data) throws -> SecurityKeyRecord?
    /// Saves a security key's credential; its MFA device must exist (deleting the device deletes the credential).
    func save(_ key: SecurityKeyRecord) throws
    func tags(serialNumber: String) throws -> [TagRecord]
    func setTags(_ tags: [TagRecord], serialNumber: String) throws

    func role(nameKey: String) throws -> RoleRecord?
    func roles() throws -> [RoleRecord]
    func save(_ role: RoleRecord) throws
    func deleteRole(nameKey: String) throws

    func session(accessKeyId: String) throws -> SessionRecord?
    func insert(_ session: SessionRecord) throws
    /// Removes sessions that expired before `date`; returns how many.
    func deleteSessions(expiredBefore date: Date) throws -> Int
}
