#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Durable storage for the identity domain, shaped for engines whose transactions are synchronous closures (SQLite
/// through GRDB) and asynchronous connections (PostgreSQL) alike. A `write` is one serialisable transaction: it commits
/// when the body returns and rolls back when it throws, so a state change is all or nothing; an engine may run the
/// body again when the transaction lost a conflict with another instance, so a body does nothing but read, decide and
/// write through the transaction. In a `read`, each call sees committed data. Decisions that must hold against
/// concurrent changes are made inside a `write`, or in one atomic read-decide-write step (`verifyDevice`, the path
/// every MFA code takes).
///
/// Implementations (`IdentityStore`): `InMemoryStore` (the reference), `SQLiteStore` (embedded) and `PostgresStore`
/// (several instances on one database).
public protocol Store: Sendable {
    /// Runs `body` over committed data.
    func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Runs `body` in a serialisable read-write transaction.
    func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T
    /// Reads an MFA device and writes back what `decide` makes of it, as one atomic step that other such steps on the
    /// same device wait for — one access of GRDB's writer on SQLite, a row lock (`SELECT … FOR UPDATE`) on
    /// PostgreSQL — so that many requests on one device queue instead of conflicting. `decide` is pure: it gets the
    /// stored device (nil if there is none) and returns the device's new verification state (nil: unchanged), a
    /// session to store with it, and its answer. The path every MFA code takes.
    func verifyDevice<T: Sendable>(
        serialNumber: String, _ decide: @escaping @Sendable (MFADeviceRecord?) throws -> DeviceDecision<T>
    ) async throws -> T
}

/// What a transaction can read and change. Look-ups by name take the lower-cased name key.
public protocol StoreTransaction: Sendable {
    func account() async throws -> AccountRecord?
    func save(_ account: AccountRecord) async throws

    func user(nameKey: String) async throws -> UserRecord?
    func users() async throws -> [UserRecord]
    func insert(_ user: UserRecord) async throws
    func deleteUser(nameKey: String) async throws

    func accessKey(id: String) async throws -> AccessKeyRecord?
    func accessKeys(userName: String?) async throws -> [AccessKeyRecord]
    func save(_ key: AccessKeyRecord) async throws
    func deleteAccessKey(id: String) async throws

    func loginProfile(userKey: String) async throws -> LoginProfileRecord?
    func save(_ profile: LoginProfileRecord) async throws
    func deleteLoginProfile(userKey: String) async throws

    func mfaDevice(serialNumber: String) async throws -> MFADeviceRecord?
    /// Devices assigned to a user (any kind), oldest first.
    func mfaDevices(userKey: String) async throws -> [MFADeviceRecord]
    /// Virtual devices of the account, by serial number.
    func virtualMFADevices() async throws -> [MFADeviceRecord]
    func save(_ device: MFADeviceRecord) async throws
    /// Saves only what checking a code or an assertion changes on an existing device — drift, last used step, failure
    /// count and lock-out — which is most of the store's write traffic.
    func saveVerificationState(of device: MFADeviceRecord) async throws
    func deleteMFADevice(serialNumber: String) async throws
    func securityKey(serialNumber: String) async throws -> SecurityKeyRecord?
    func securityKey(credentialId: Data) async throws -> SecurityKeyRecord?
    /// Saves a security key's credential; its MFA device must exist (deleting the device deletes the credential).
    func save(_ key: SecurityKeyRecord) async throws
    func tags(serialNumber: String) async throws -> [TagRecord]
    func setTags(_ tags: [TagRecord], serialNumber: String) async throws

    func role(nameKey: String) async throws -> RoleRecord?
    func roles() async throws -> [RoleRecord]
    func save(_ role: RoleRecord) async throws
    func deleteRole(nameKey: String) async throws

    func session(accessKeyId: String) async throws -> SessionRecord?
    func insert(_ session: SessionRecord) async throws
    /// Removes sessions that expired before `date`; returns how many.
    func deleteSessions(expiredBefore date: Date) async throws -> Int

    func consoleSession(tokenHash: Data) async throws -> ConsoleSessionRecord?
    func insert(_ session: ConsoleSessionRecord) async throws
    /// Replaces a console session if the stored one still has `version`; returns whether it did.
    func update(_ session: ConsoleSessionRecord, ifVersion version: Int64) async throws -> Bool
    func deleteConsoleSession(tokenHash: Data) async throws
    /// Removes console sessions that expired before `date`; returns how many.
    func deleteConsoleSessions(expiredBefore date: Date) async throws -> Int

    func insert(_ token: SigninTokenRecord) async throws
    /// Removes a sign-in token and returns it, if it was there: of two instances taking one token, one gets it.
    func takeSigninToken(tokenHash: Data) async throws -> SigninTokenRecord?
    /// Removes sign-in tokens that expired before `date`; returns how many.
    func deleteSigninTokens(expiredBefore date: Date) async throws -> Int

    /// The store's change revision: moved by every change that may leave another instance's caches wrong (revoked
    /// keys, users, devices, roles), which instances watch to drop theirs.
    func revision() async throws -> Int64
    func bumpRevision() async throws

    /// Every row, in a stable order (primary keys).
    func contents() async throws -> StoreContents
}

/// What `Store.verifyDevice` writes, and what it answers.
public struct DeviceDecision<Result: Sendable>: Sendable {
    /// The device's new verification state; nil leaves the stored device as it is.
    public var device: MFADeviceRecord?
    /// A session to store in the same step.
    public var session: SessionRecord?
    public var result: Result

    public init(device: MFADeviceRecord? = nil, session: SessionRecord? = nil, result: Result) {
        self.device = device
        self.session = session
        self.result = result
    }
}
