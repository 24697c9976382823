import AWSProtocol
import IAMPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// Roles and their trust policies.
extension IdentityService {
    public func createRole(
        _ caller: Principal, roleName: String, path: String, trustPolicy: String, description: String?,
        maxSessionDuration: Int?
    ) async throws -> RoleRecord {
        try authorizeIAM(
            caller, action: "CreateRole", targetUserKey: nil,
            resource: "arn:aws:iam::\(caller.accountId):role\(path)\(roleName)")
        try Self.parseTrustPolicy(trustPolicy)
        let now = clock()
        return try await store.write { tx in
            let account = try await self.account(tx)
            if try await tx.role(nameKey: roleName.lowercased()) != nil {
                throw AWSError.entityAlreadyExists("Role with name \(roleName) already exists.")
            }
            let role = RoleRecord(
                roleId: Identifiers.make(prefix: "AROA", length: 17), roleName: roleName, path: path,
                arn: "arn:aws:iam::\(account.accountId):role\(path)\(roleName)", trustPolicy: trustPolicy,
                description: description, maxSessionDuration: maxSessionDuration ?? 3600, createDate: now)
            try await tx.save(role)
            return role
        }
    }

    public func getRole(_ caller: Principal, roleName: String) async throws -> RoleRecord {
        try authorizeIAM(
            caller, action: "GetRole", targetUserKey: nil, resource: "arn:aws:iam::\(caller.accountId):role/\(roleName)"
        )
        return try await store.read { tx in try await self.existingRole(tx, roleName) }
    }

    public func listRoles(_ caller: Principal, pathPrefix: String) async throws -> [RoleRecord] {
        try authorizeIAM(
            caller, action: "ListRoles", targetUserKey: nil, resource: "arn:aws:iam::\(caller.accountId):role/")
        return try await store.read { tx in
            try await tx.roles().filter { $0.path.hasPrefix(pathPrefix) }.sorted { $0.nameKey < $1.nameKey }
        }
    }

    public func deleteRole(_ caller: Principal, roleName: String) async throws {
        try authorizeIAM(
            caller, action: "DeleteRole", targetUserKey: nil,
            resource: "arn:aws:iam::\(caller.accountId):role/\(roleName)")
        try await store.write { tx in
            _ = try await self.existingRole(tx, roleName)
            try await tx.deleteRole(nameKey: roleName.lowercased())
            try await tx.bumpRevision()
        }
        dropCaches()
    }

    public func updateAssumeRolePolicy(_ caller: Principal, roleName: String, trustPolicy: String) async throws {
        try authorizeIAM(
            caller, action: "UpdateAssumeRolePolicy", targetUserKey: nil,
            resource: "arn:aws:iam::\(caller.accountId):role/\(roleName)")
        try Self.parseTrustPolicy(trustPolicy)
        try await store.write { tx in
            var role = try await self.existingRole(tx, roleName)
            role.trustPolicy = trustPolicy
            try await tx.save(role)
            try await tx.bumpRevision()
        }
        dropCaches()
    }

    func existingRole(_ tx: any StoreTransaction, _ roleName: String) async throws -> RoleRecord {
        guard let role = try await tx.role(nameKey: roleName.lowercased()) else {
            throw AWSError.noSuchEntity("The role with name \(roleName) cannot be found.")
        }
        return role
    }

    @discardableResult
    static func parseTrustPolicy(_ json: String) throws -> PolicyDocument {
        do {
            return try PolicyDocument(json: json, kind: .trust)
        } catch {
            throw AWSError.malformedPolicyDocument(error.message)
        }
    }
}
