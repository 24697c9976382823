import Foundation
import IdentityService
import Synchronization

/// The reference store: every table a dictionary, nothing on disk. A write works on a copy of the tables and swaps it in
/// when the body returns, so a body that throws leaves nothing behind; writes are serialised, reads see the last
/// committed copy. What the other stores must match (the backend-neutral suite runs on all of them), and the fast store
/// for domain tests.
public final class InMemoryStore: Store {
    private let committed = Mutex(InMemoryTables())
    private let writers = AsyncLock()

    public init() {}

    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await body(InMemoryTransaction(tables: committed.withLock { $0 }))
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await writers.withLock {
            let transaction = InMemoryTransaction(tables: committed.withLock { $0 })
            let result = try await body(transaction)
            let changed = transaction.tables
            committed.withLock { $0 = changed }
            return result
        }
    }

    public func verifyDevice<T: Sendable>(
        serialNumber: String, _ decide: @escaping @Sendable (MFADeviceRecord?) throws -> DeviceDecision<T>
    ) async throws -> T {
        try await writers.withLock {
            try committed.withLock { tables in
                let decision = try decide(tables.devices[serialNumber])
                if let session = decision.session {
                    guard tables.sessions[session.accessKeyId] == nil else {
                        throw StoreConstraintError("session \(session.accessKeyId) exists")
                    }
                    tables.sessions[session.accessKeyId] = session
                }
                if let device = decision.device { tables.devices[serialNumber]?.takeVerificationState(of: device) }
                return decision.result
            }
        }
    }
}

/// The tables of `InMemoryStore`, keyed as the SQL stores' primary keys.
struct InMemoryTables: Sendable {
    var account: AccountRecord?
    var users: [String: UserRecord] = [:]
    var accessKeys: [String: AccessKeyRecord] = [:]
    var loginProfiles: [String: LoginProfileRecord] = [:]
    var devices: [String: MFADeviceRecord] = [:]
    var securityKeys: [String: SecurityKeyRecord] = [:]
    var tags: [String: [TagRecord]] = [:]
    var roles: [String: RoleRecord] = [:]
    var sessions: [String: SessionRecord] = [:]
    var consoleSessions: [Data: ConsoleSessionRecord] = [:]
    var signinTokens: [Data: SigninTokenRecord] = [:]
    var revision: Int64 = 0
}

/// A transaction of `InMemoryStore`: its own copy of the tables.
private final class InMemoryTransaction: StoreTransaction {
    private let state: Mutex<InMemoryTables>

    init(tables: InMemoryTables) { state = Mutex(tables) }

    var tables: InMemoryTables { state.withLock { $0 } }

    private func get<T>(_ body: (InMemoryTables) throws -> T) rethrows -> T { try state.withLock { try body($0) } }
    private func change<T>(_ body: (inout InMemoryTables) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0) }
    }

    func account() async throws -> AccountRecord? { get { $0.account } }
    func save(_ account: AccountRecord) async throws { change { $0.account = account } }

    func user(nameKey: String) async throws -> UserRecord? { get { $0.users[nameKey] } }
    func users() async throws -> [UserRecord] { get { $0.users.values.sorted { $0.nameKey < $1.nameKey } } }
    func insert(_ user: UserRecord) async throws {
        try change { tables in
            guard tables.users[user.nameKey] == nil, !tables.users.values.contains(where: { $0.userId == user.userId })
            else { throw StoreConstraintError("user \(user.userName) exists") }
            tables.users[user.nameKey] = user
        }
    }
    func deleteUser(nameKey: String) async throws { change { $0.users[nameKey] = nil } }

    func accessKey(id: String) async throws -> AccessKeyRecord? { get { $0.accessKeys[id] } }
    func accessKeys(userName: String?) async throws -> [AccessKeyRecord] {
        get { $0.accessKeys.values.filter { $0.userName == userName }.sorted { $0.accessKeyId < $1.accessKeyId } }
    }
    func save(_ key: AccessKeyRecord) async throws { change { $0.accessKeys[key.accessKeyId] = key } }
    func deleteAccessKey(id: String) async throws { change { $0.accessKeys[id] = nil } }

    func loginProfile(userKey: String) async throws -> LoginProfileRecord? { get { $0.loginProfiles[userKey] } }
    func save(_ profile: LoginProfileRecord) async throws { change { $0.loginProfiles[profile.userKey] = profile } }
    func deleteLoginProfile(userKey: String) async throws { change { $0.loginProfiles[userKey] = nil } }

    func mfaDevice(serialNumber: String) async throws -> MFADeviceRecord? { get { $0.devices[serialNumber] } }
    func mfaDevices(userKey: String) async throws -> [MFADeviceRecord] {
        get { tables in
            tables.devices.values.filter { $0.userKey == userKey }.sorted {
                ($0.enableDate ?? .distantPast, $0.serialNumber) < ($1.enableDate ?? .distantPast, $1.serialNumber)
            }
        }
    }
    func virtualMFADevices() async throws -> [MFADeviceRecord] {
        get { $0.devices.values.filter { $0.kind == .virtual }.sorted { $0.serialNumber < $1.serialNumber } }
    }
    func save(_ device: MFADeviceRecord) async throws { change { $0.devices[device.serialNumber] = device } }
    func saveVerificationState(of device: MFADeviceRecord) async throws {
        change { tables in tables.devices[device.serialNumber]?.takeVerificationState(of: device) }
    }
    func deleteMFADevice(serialNumber: String) async throws {
        change { tables in
            tables.devices[serialNumber] = nil
            tables.securityKeys[serialNumber] = nil
            tables.tags[serialNumber] = nil
        }
    }
    func securityKey(serialNumber: String) async throws -> SecurityKeyRecord? { get { $0.securityKeys[serialNumber] } }
    func securityKey(credentialId: Data) async throws -> SecurityKeyRecord? {
        get { $0.securityKeys.values.first { $0.credentialId == credentialId } }
    }
    func save(_ key: SecurityKeyRecord) async throws {
        try change { tables in
            guard tables.devices[key.serialNumber] != nil else {
                throw StoreConstraintError("security key \(key.serialNumber) has no MFA device")
            }
            if tables.securityKeys.values.contains(where: {
                $0.credentialId == key.credentialId && $0.serialNumber != key.serialNumber
            }) {
                throw StoreConstraintError("the credential id is registered already")
            }
            tables.securityKeys[key.serialNumber] = key
        }
    }
    func tags(serialNumber: String) async throws -> [TagRecord] {
        get { ($0.tags[serialNumber] ?? []).sorted { $0.key < $1.key } }
    }
    func setTags(_ tags: [TagRecord], serialNumber: String) async throws {
        try change { tables in
            guard tables.devices[serialNumber] != nil || tags.isEmpty else {
                throw StoreConstraintError("tags for \(serialNumber), which does not exist")
            }
            tables.tags[serialNumber] = tags.isEmpty ? nil : tags
        }
    }

    func role(nameKey: String) async throws -> RoleRecord? { get { $0.roles[nameKey] } }
    func roles() async throws -> [RoleRecord] { get { $0.roles.values.sorted { $0.nameKey < $1.nameKey } } }
    func save(_ role: RoleRecord) async throws { change { $0.roles[role.nameKey] = role } }
    func deleteRole(nameKey: String) async throws { change { $0.roles[nameKey] = nil } }

    func session(accessKeyId: String) async throws -> SessionRecord? { get { $0.sessions[accessKeyId] } }
    func insert(_ session: SessionRecord) async throws {
        try change { tables in
            guard tables.sessions[session.accessKeyId] == nil else {
                throw StoreConstraintError("session \(session.accessKeyId) exists")
            }
            tables.sessions[session.accessKeyId] = session
        }
    }
    func deleteSessions(expiredBefore date: Date) async throws -> Int {
        change { tables in
            let expired = tables.sessions.values.filter { $0.expiration < date }.map(\.accessKeyId)
            for id in expired { tables.sessions[id] = nil }
            return expired.count
        }
    }

    func consoleSession(tokenHash: Data) async throws -> ConsoleSessionRecord? { get { $0.consoleSessions[tokenHash] } }
    func insert(_ session: ConsoleSessionRecord) async throws {
        try change { tables in
            guard tables.consoleSessions[session.tokenHash] == nil else {
                throw StoreConstraintError("the console session exists")
            }
            tables.consoleSessions[session.tokenHash] = session
        }
    }
    func update(_ session: ConsoleSessionRecord, ifVersion version: Int64) async throws -> Bool {
        change { tables in
            guard tables.consoleSessions[session.tokenHash]?.version == version else { return false }
            tables.consoleSessions[session.tokenHash] = session
            return true
        }
    }
    func deleteConsoleSession(tokenHash: Data) async throws { change { $0.consoleSessions[tokenHash] = nil } }
    func deleteConsoleSessions(expiredBefore date: Date) async throws -> Int {
        change { tables in
            let expired = tables.consoleSessions.values.filter { $0.expires < date }.map(\.tokenHash)
            for hash in expired { tables.consoleSessions[hash] = nil }
            return expired.count
        }
    }

    func insert(_ token: SigninTokenRecord) async throws {
        try change { tables in
            guard tables.signinTokens[token.tokenHash] == nil else { throw StoreConstraintError("the token exists") }
            tables.signinTokens[token.tokenHash] = token
        }
    }
    func takeSigninToken(tokenHash: Data) async throws -> SigninTokenRecord? {
        change { $0.signinTokens.removeValue(forKey: tokenHash) }
    }
    func deleteSigninTokens(expiredBefore date: Date) async throws -> Int {
        change { tables in
            let expired = tables.signinTokens.values.filter { $0.expires < date }.map(\.tokenHash)
            for hash in expired { tables.signinTokens[hash] = nil }
            return expired.count
        }
    }

    func revision() async throws -> Int64 { get { $0.revision } }
    func bumpRevision() async throws { change { $0.revision += 1 } }

    func contents() async throws -> StoreContents {
        get { tables in
            var contents = StoreContents()
            contents.account = tables.account
            contents.users = tables.users.values.sorted { $0.nameKey < $1.nameKey }
            contents.accessKeys = tables.accessKeys.values.sorted { $0.accessKeyId < $1.accessKeyId }
            contents.loginProfiles = tables.loginProfiles.values.sorted { $0.userKey < $1.userKey }
            contents.devices = tables.devices.values.sorted { $0.serialNumber < $1.serialNumber }
            contents.securityKeys = tables.securityKeys.values.sorted { $0.serialNumber < $1.serialNumber }
            contents.tags = tables.tags.mapValues { $0.sorted { $0.key < $1.key } }
            contents.roles = tables.roles.values.sorted { $0.nameKey < $1.nameKey }
            contents.sessions = tables.sessions.values.sorted { $0.accessKeyId < $1.accessKeyId }
            contents.consoleSessions = tables.consoleSessions.values.sorted {
                $0.tokenHash.lexicographicallyPrecedes($1.tokenHash)
            }
            contents.signinTokens = tables.signinTokens.values.sorted {
                $0.tokenHash.lexicographicallyPrecedes($1.tokenHash)
            }
            return contents
        }
    }
}
