#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Who signed a request: the root user, an IAM user, or a role session, with long-term or temporary credentials.
public struct Principal: Sendable, Equatable, Codable {
    /// The user key that stands for the root user in records (not a valid IAM user name).
    public static let rootUserKey = "<root>"

    public enum Kind: Sendable, Equatable, Codable {
        case root
        case user(UserRecord)
        case assumedRole(RoleRecord, sessionName: String)
    }

    public let accountId: String
    public let kind: Kind
    /// The temporary credentials used, if any.
    public let session: SessionRecord?

    public init(accountId: String, kind: Kind, session: SessionRecord?) {
        self.accountId = accountId
        self.kind = kind
        self.session = session
    }

    /// The ARN GetCallerIdentity reports.
    public var arn: String {
        switch kind {
        case .root: return "arn:aws:iam::\(accountId):root"
        case .user(let user): return user.arn
        case .assumedRole(let role, let sessionName):
            return "arn:aws:sts::\(accountId):assumed-role/\(role.roleName)/\(sessionName)"
        }
    }

    /// The ARN trust policies match: the user, the root, or the role (not the session) behind a role session.
    public var policyPrincipalARN: String {
        switch kind {
        case .assumedRole(let role, _): return role.arn
        default: return arn
        }
    }

    /// The UserId GetCallerIdentity reports.
    public var userId: String {
        switch kind {
        case .root: return accountId
        case .user(let user): return user.userId
        case .assumedRole(let role, let sessionName): return "\(role.roleId):\(sessionName)"
        }
    }

    /// The key under which this principal's own MFA devices, keys and login profile are stored; nil for role sessions.
    public var userKey: String? {
        switch kind {
        case .root: return Principal.rootUserKey
        case .user(let user): return user.nameKey
        case .assumedRole: return nil
        }
    }

    /// The IAM user name, for IAM users only.
    public var userName: String? {
        if case .user(let user) = kind { return user.userName }
        return nil
    }

    public var isRoot: Bool { kind == .root }

    /// Whether MFA stands behind these credentials (`aws:MultiFactorAuthPresent`); nil for long-term keys, where the key is absent.
    public var multiFactorAuthPresent: Bool? {
        guard let session else { return nil }
        return session.mfaAuthenticatedAt != nil
    }
}
