import AWSProtocol
import OTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A caller whose access key is known: who it is and the secret to check its signature with.
public struct KnownCaller: Sendable {
    public let principal: Principal
    public let secretAccessKey: String
}

extension IdentityService {
    /// Looks up the credentials a request claims. Temporary credentials need their session token; expired ones are refused.
    public func caller(accessKeyId: String, securityToken: String?) async throws -> KnownCaller {
        let now = clock()
        if let cached = callers.lookup(accessKeyId: accessKeyId, securityToken: securityToken, now: now) {
            return cached
        }
        let generation = callers.generation
        let caller = try await loadCaller(accessKeyId: accessKeyId, securityToken: securityToken, now: now)
        callers.store(caller, accessKeyId: accessKeyId, now: now, generation: generation)
        return caller
    }

    private func loadCaller(accessKeyId: String, securityToken: String?, now: Date) async throws -> KnownCaller {
        let secrets = self.secrets
        return try await store.read { tx in
            let account = try await self.account(tx)
            if accessKeyId.hasPrefix("ASIA") {
                guard let session = try await tx.session(accessKeyId: accessKeyId), let securityToken,
                    constantTimeEquals(Identifiers.tokenHash(securityToken), session.tokenHash)
                else { throw AWSError.invalidClientTokenId }
                guard session.expiration > now else { throw AWSError.expiredToken }
                let secret = try secrets.open(session.secretCiphertext, context: Self.sessionContext(accessKeyId))
                let kind: Principal.Kind
                switch session.origin {
                case .sessionToken:
                    if let userName = session.userName {
                        guard let user = try await tx.user(nameKey: userName.lowercased()) else {
                            throw AWSError.invalidClientTokenId
                        }
                        kind = .user(user)
                    } else {
                        kind = .root
                    }
                case .assumedRole:
                    guard let roleName = session.roleName, let role = try await tx.role(nameKey: roleName.lowercased()),
                        let sessionName = session.roleSessionName
                    else { throw AWSError.invalidClientTokenId }
                    kind = .assumedRole(role, sessionName: sessionName)
                }
                return KnownCaller(
                    principal: Principal(accountId: account.accountId, kind: kind, session: session),
                    secretAccessKey: String(decoding: secret, as: UTF8.self))
            }
            guard securityToken == nil, let key = try await tx.accessKey(id: accessKeyId), key.isActive else {
                throw AWSError.invalidClientTokenId
            }
            let kind: Principal.Kind
            if let userName = key.userName {
                guard let user = try await tx.user(nameKey: userName.lowercased()) else {
                    throw AWSError.invalidClientTokenId
                }
                kind = .user(user)
            } else {
                kind = .root
            }
            let secret = try secrets.open(key.secretCiphertext, context: Self.accessKeyContext(accessKeyId))
            return KnownCaller(
                principal: Principal(accountId: account.accountId, kind: kind, session: nil),
                secretAccessKey: String(decoding: secret, as: UTF8.self))
        }
    }

    /// IAM authorization until identity policies exist: the root user may do everything; an IAM user may manage its own
    /// MFA devices, access keys and login profile (AWS's documented self-service set); role sessions and sessions from
    /// GetSessionToken without MFA may not call IAM.
    /// - Parameters:
    ///   - targetUserKey: the user the action is about (lower-cased), nil when it is not about a user.
    ///   - resource: the resource ARN named in the denial message.
    func authorizeIAM(_ caller: Principal, action: String, targetUserKey: String?, resource: String) throws {
        func deny() -> AWSError {
            AWSError.accessDenied(
                "User: \(caller.arn) is not authorized to perform: iam:\(action) on resource: \(resource)")
        }
        if let session = caller.session, session.mfaAuthenticatedAt == nil || session.origin == .assumedRole {
            throw deny()
        }
        switch caller.kind {
        case .root:
            return
        case .assumedRole:
            throw deny()
        case .user(let user):
            guard Self.selfServiceActions.contains(action) else { throw deny() }
            if let targetUserKey, targetUserKey != user.nameKey { throw deny() }
        }
    }

    static let selfServiceActions: Set<String> = [
        "GetUser", "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey",
        "CreateLoginProfile", "GetLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile", "ChangePassword",
        "CreateVirtualMFADevice", "DeleteVirtualMFADevice", "ListVirtualMFADevices", "EnableMFADevice",
        "ResyncMFADevice",
        "DeactivateMFADevice", "ListMFADevices", "GetMFADevice", "TagMFADevice", "UntagMFADevice", "ListMFADeviceTags",
        "ListAccountAliases",
    ]

    /// The user an action is about: the named one, or the caller itself when no name is given (root has none).
    func targetUserKey(_ caller: Principal, userName: String?) -> String? {
        userName?.lowercased() ?? caller.userKey
    }

    func userARN(_ accountId: String, _ userName: String?) -> String {
        guard let userName else { return "arn:aws:iam::\(accountId):root" }
        return "arn:aws:iam::\(accountId):user/\(userName)"
    }
}
