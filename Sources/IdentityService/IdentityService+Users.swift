import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A new access key with its secret: the only time the secret is returned.
public struct NewAccessKey: Sendable {
    public let record: AccessKeyRecord
    public let secretAccessKey: String
}

// Users, access keys, login profiles and the account alias.
extension IdentityService {
    public func createUser(_ caller: Principal, userName: String, path: String) async throws -> UserRecord {
        try authorizeIAM(
            caller, action: "CreateUser", targetUserKey: userName.lowercased(),
            resource: userARN(caller.accountId, userName))
        let now = clock()
        return try await store.write { tx in
            let account = try await self.account(tx)
            if try await tx.user(nameKey: userName.lowercased()) != nil {
                throw AWSError.entityAlreadyExists("User with name \(userName) already exists.")
            }
            let user = UserRecord(
                userId: Identifiers.make(prefix: "AIDA", length: 17), userName: userName, path: path,
                arn: "arn:aws:iam::\(account.accountId):user\(path)\(userName)", createDate: now)
            try await tx.insert(user)
            return user
        }
    }

    /// The named user, or the caller; for the root user a record with its account id and root ARN and an empty name.
    public func getUser(_ caller: Principal, userName: String?) async throws -> UserRecord {
        let target = targetUserKey(caller, userName: userName)
        try authorizeIAM(
            caller, action: "GetUser", targetUserKey: target, resource: userARN(caller.accountId, userName))
        return try await store.read { tx in
            guard let target, target != Principal.rootUserKey else {
                guard caller.isRoot else {
                    throw AWSError.validation("Must specify userName when calling with non-User credentials")
                }
                let account = try await self.account(tx)
                return UserRecord(
                    userId: account.accountId, userName: "", path: "/",
                    arn: "arn:aws:iam::\(account.accountId):root", createDate: account.createDate)
            }
            return try await self.existingUser(tx, target, userName ?? target)
        }
    }

    public func listUsers(_ caller: Principal, pathPrefix: String) async throws -> [UserRecord] {
        try authorizeIAM(
            caller, action: "ListUsers", targetUserKey: nil, resource: "arn:aws:iam::\(caller.accountId):user/")
        return try await store.read { tx in
            try await tx.users().filter { $0.path.hasPrefix(pathPrefix) }.sorted { $0.nameKey < $1.nameKey }
        }
    }

    public func deleteUser(_ caller: Principal, userName: String) async throws {
        let key = userName.lowercased()
        try authorizeIAM(
            caller, action: "DeleteUser", targetUserKey: key, resource: userARN(caller.accountId, userName))
        try await store.write { tx in
            _ = try await self.existingUser(tx, key, userName)
            if try await tx.loginProfile(userKey: key) != nil {
                throw AWSError.deleteConflict("Cannot delete entity, must delete login profile first.")
            }
            if try await !tx.accessKeys(userName: userName).isEmpty {
                throw AWSError.deleteConflict("Cannot delete entity, must delete access keys first.")
            }
            if try await !tx.mfaDevices(userKey: key).isEmpty {
                throw AWSError.deleteConflict("Cannot delete entity, must delete MFA device first.")
            }
            try await tx.deleteUser(nameKey: key)
            try await tx.bumpRevision()
        }
        dropCaches()
    }

    func existingUser(_ tx: any StoreTransaction, _ key: String, _ userName: String) async throws -> UserRecord {
        guard let user = try await tx.user(nameKey: key) else {
            throw AWSError.noSuchEntity("The user with name \(userName) cannot be found.")
        }
        return user
    }

    /// Resolves whose keys/profile an action is about: a named IAM user (must exist) or the caller; nil means the root user.
    func ownerName(_ tx: any StoreTransaction, _ caller: Principal, userName: String?) async throws -> String? {
        if let userName { return try await existingUser(tx, userName.lowercased(), userName).userName }
        return caller.userName
    }

    // MARK: Access keys

    public func createAccessKey(_ caller: Principal, userName: String?) async throws -> NewAccessKey {
        try authorizeIAM(
            caller, action: "CreateAccessKey", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        let now = clock()
        let secrets = self.secrets
        let limit = configuration.maxAccessKeysPerUser
        return try await store.write { tx in
            let owner = try await self.ownerName(tx, caller, userName: userName)
            if try await tx.accessKeys(userName: owner).count >= limit {
                throw AWSError.limitExceeded("Cannot exceed quota for AccessKeysPerUser: \(limit)")
            }
            let credentials = AWSCredentials(
                accessKeyId: Identifiers.make(prefix: "AKIA", length: 16),
                secretAccessKey: Identifiers.secretAccessKey(),
                sessionToken: nil)
            let record = Self.accessKey(credentials, userName: owner, secrets: secrets, now: now)
            try await tx.save(record)
            return NewAccessKey(record: record, secretAccessKey: credentials.secretAccessKey)
        }
    }

    /// The keys of a user (or the root user when `owner` is nil), oldest first.
    public func listAccessKeys(
        _ caller: Principal, userName: String?
    ) async throws -> (owner: String?, keys: [AccessKeyRecord]) {
        try authorizeIAM(
            caller, action: "ListAccessKeys", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        return try await store.read { tx in
            let owner = try await self.ownerName(tx, caller, userName: userName)
            return (owner, try await tx.accessKeys(userName: owner).sorted { $0.createDate < $1.createDate })
        }
    }

    public func updateAccessKey(_ caller: Principal, userName: String?, accessKeyId: String, active: Bool) async throws
    {
        try authorizeIAM(
            caller, action: "UpdateAccessKey", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        try await store.write { tx in
            var key = try await self.ownedKey(tx, caller, userName: userName, accessKeyId: accessKeyId)
            key.isActive = active
            try await tx.save(key)
            try await tx.bumpRevision()
        }
        dropCaches()
    }

    public func deleteAccessKey(_ caller: Principal, userName: String?, accessKeyId: String) async throws {
        try authorizeIAM(
            caller, action: "DeleteAccessKey", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        try await store.write { tx in
            _ = try await self.ownedKey(tx, caller, userName: userName, accessKeyId: accessKeyId)
            try await tx.deleteAccessKey(id: accessKeyId)
            try await tx.bumpRevision()
        }
        dropCaches()
    }

    private func ownedKey(
        _ tx: any StoreTransaction, _ caller: Principal, userName: String?, accessKeyId: String
    ) async throws
        -> AccessKeyRecord
    {
        let owner = try await ownerName(tx, caller, userName: userName)
        guard let key = try await tx.accessKey(id: accessKeyId), key.userName?.lowercased() == owner?.lowercased()
        else {
            throw AWSError.noSuchEntity("The Access Key with id \(accessKeyId) cannot be found.")
        }
        return key
    }

    // MARK: Login profiles

    public func createLoginProfile(
        _ caller: Principal, userName: String?, password: String, resetRequired: Bool
    )
        async throws -> LoginProfileRecord
    {
        try authorizeIAM(
            caller, action: "CreateLoginProfile", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        try Self.checkPasswordPolicy(password)
        let hash = try await hashPassword(password)
        let now = clock()
        return try await store.write { tx in
            let owner = try await self.ownerName(tx, caller, userName: userName)
            let profile = LoginProfileRecord(
                userName: owner, passwordHash: hash, passwordResetRequired: resetRequired, createDate: now)
            if try await tx.loginProfile(userKey: profile.userKey) != nil {
                throw AWSError.entityAlreadyExists(
                    "Login Profile for user \(owner ?? caller.accountId) already exists.")
            }
            try await tx.save(profile)
            return profile
        }
    }

    public func getLoginProfile(_ caller: Principal, userName: String?) async throws -> LoginProfileRecord {
        try authorizeIAM(
            caller, action: "GetLoginProfile", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        return try await store.read { tx in try await self.existingLoginProfile(tx, caller, userName: userName) }
    }

    public func updateLoginProfile(
        _ caller: Principal, userName: String?, password: String?, resetRequired: Bool?
    ) async throws {
        try authorizeIAM(
            caller, action: "UpdateLoginProfile", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        if let password { try Self.checkPasswordPolicy(password) }
        let hash: String? = if let password { try await hashPassword(password) } else { nil }
        try await store.write { tx in
            var profile = try await self.existingLoginProfile(tx, caller, userName: userName)
            if let hash {
                profile.passwordHash = hash
                profile.lockout.reset()  // a new password ends a lock-out earned by guessing the old one
            }
            if let resetRequired { profile.passwordResetRequired = resetRequired }
            try await tx.save(profile)
        }
    }

    public func deleteLoginProfile(_ caller: Principal, userName: String?) async throws {
        try authorizeIAM(
            caller, action: "DeleteLoginProfile", targetUserKey: targetUserKey(caller, userName: userName),
            resource: userARN(caller.accountId, userName ?? caller.userName))
        try await store.write { tx in
            let profile = try await self.existingLoginProfile(tx, caller, userName: userName)
            try await tx.deleteLoginProfile(userKey: profile.userKey)
        }
    }

    private func existingLoginProfile(
        _ tx: any StoreTransaction, _ caller: Principal, userName: String?
    ) async throws
        -> LoginProfileRecord
    {
        let owner = try await ownerName(tx, caller, userName: userName)
        guard let profile = try await tx.loginProfile(userKey: owner?.lowercased() ?? Principal.rootUserKey) else {
            throw AWSError.noSuchEntity("Login Profile for User \(owner ?? caller.accountId) cannot be found.")
        }
        return profile
    }

    /// Checks a console password; the hash runs off the caller's executor.
    public func verifyPassword(userName: String?, password: String) async throws -> Bool {
        let key = userName?.lowercased() ?? Principal.rootUserKey
        guard let profile = try await store.read({ tx in try await tx.loginProfile(userKey: key) }) else {
            return false
        }
        let hasher = configuration.passwordHasher
        return await Task.detached(priority: .userInitiated) {
            hasher.verify(password, against: profile.passwordHash)
        }.value
    }

    private func hashPassword(_ password: String) async throws -> String {
        let hasher = configuration.passwordHasher
        return try await Task.detached(priority: .userInitiated) { try hasher.hash(password) }.value
    }

    /// The default account password policy: at least 8 characters, at most 128.
    static func checkPasswordPolicy(_ password: String) throws {
        guard password.count >= 8 else {
            throw AWSError(
                code: "PasswordPolicyViolation",
                message: "Password should have a minimum length of 8", httpStatus: 400)
        }
    }

    // MARK: Account alias

    public func createAccountAlias(_ caller: Principal, alias: String) async throws {
        try authorizeIAM(caller, action: "CreateAccountAlias", targetUserKey: nil, resource: "*")
        try await store.write { tx in
            var account = try await self.account(tx)
            account.alias = alias
            try await tx.save(account)
        }
    }

    public func listAccountAliases(_ caller: Principal) async throws -> [String] {
        try authorizeIAM(caller, action: "ListAccountAliases", targetUserKey: nil, resource: "*")
        return try await store.read { tx in try await self.account(tx).alias.map { [$0] } ?? [] }
    }

    public func deleteAccountAlias(_ caller: Principal, alias: String) async throws {
        try authorizeIAM(caller, action: "DeleteAccountAlias", targetUserKey: nil, resource: "*")
        try await store.write { tx in
            var account = try await self.account(tx)
            guard account.alias == alias else {
                throw AWSError.noSuchEntity("The account alias \(alias) cannot be found.")
            }
            account.alias = nil
            try await tx.save(account)
        }
    }
}
