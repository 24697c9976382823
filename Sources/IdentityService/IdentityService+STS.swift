import AWSProtocol
import IAMPolicy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Temporary credentials as STS returns them.
public struct IssuedCredentials: Sendable {
    public let credentials: AWSCredentials
    public let expiration: Date
}

/// What AssumeRole asks for (already validated against the API model).
public struct AssumeRoleRequest: Sendable {
    public var roleARN: String
    public var roleSessionName: String
    public var durationSeconds: Int?
    public var externalId: String?
    public var serialNumber: String?
    public var tokenCode: String?
    public var sourceIdentity: String?

    public init(
        roleARN: String, roleSessionName: String, durationSeconds: Int? = nil, externalId: String? = nil,
        serialNumber: String? = nil, tokenCode: String? = nil, sourceIdentity: String? = nil
    ) {
        self.roleARN = roleARN
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.externalId = externalId
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
        self.sourceIdentity = sourceIdentity
    }
}

/// AssumeRole's result.
public struct AssumedRole: Sendable {
    public let issued: IssuedCredentials
    public let assumedRoleId: String
    public let arn: String
    public let sourceIdentity: String?
}

// STS: session tokens and roles, with MFA as AWS checks it.
extension IdentityService {
    /// GetSessionToken: long-term credentials only; with SerialNumber and TokenCode the session carries MFA context.
    public func getSessionToken(
        _ caller: Principal, durationSeconds: Int?, serialNumber: String?, tokenCode: String?
    )
        async throws -> IssuedCredentials
    {
        guard caller.session == nil else {
            throw AWSError.accessDenied("Cannot call GetSessionToken with session credentials")
        }
        // Root sessions last at most an hour (longer requests are clamped, as AWS does); users default to 12 hours.
        let duration = caller.isRoot ? min(durationSeconds ?? 3600, 3600) : durationSeconds ?? 43_200
        let now = clock()
        let userKey = caller.userKey ?? Principal.rootUserKey
        guard serialNumber != nil || tokenCode != nil else {
            let (issued, record) = newSession(
                origin: .sessionToken, userName: caller.userName, role: nil, sessionName: nil, sourceIdentity: nil,
                mfaAuthenticatedAt: nil, now: now, duration: duration)
            try await store.write { tx in try await tx.insert(record) }
            return issued
        }
        // The session is made and stored by the code check's own step, and only if the code is accepted (a replayed
        // code, the common refusal, costs no random keys and no sealing).
        let userName = caller.userName
        let (check, issued) = try await checkCode(
            userKey: userKey, serialNumber: serialNumber ?? "", code: tokenCode ?? "", now: now
        ) {
            self.newSession(
                origin: .sessionToken, userName: userName, role: nil, sessionName: nil, sourceIdentity: nil,
                mfaAuthenticatedAt: now, now: now, duration: duration)
        }
        try finish(check)
        guard let issued else { throw AWSError.invalidOneTimePassCode }
        return issued
    }

    /// AssumeRole: the role's trust policy decides, with the caller's MFA context (from a GetSessionToken session with
    /// MFA, or a SerialNumber/TokenCode on this call) as `aws:MultiFactorAuthPresent` / `aws:MultiFactorAuthAge`.
    public func assumeRole(_ caller: Principal, _ request: AssumeRoleRequest) async throws -> AssumedRole {
        if caller.isRoot { throw AWSError.accessDenied("Roles may not be assumed by root accounts.") }
        let chained: Bool
        if case .assumedRole = caller.kind { chained = true } else { chained = false }
        let now = clock()
        let denied = AWSError.accessDenied(
            "User: \(caller.arn) is not authorized to perform: sts:AssumeRole on resource: \(request.roleARN)")

        // The role and the duration are checked first, then the code (its step is used whatever the trust policy
        // says), then — in one transaction with the role read again — the trust policy and the new session.
        let role = try await store.read { tx in try await self.assumableRole(tx, request) }
        guard let role else { throw denied }
        let duration = request.durationSeconds ?? 3600
        if chained && duration > 3600 {
            throw AWSError.validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        if duration > role.maxSessionDuration {
            throw AWSError.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        var mfaPresent = caller.multiFactorAuthPresent
        var mfaAt = caller.session?.origin == .sessionToken ? caller.session?.mfaAuthenticatedAt : nil
        if request.serialNumber != nil || request.tokenCode != nil {
            guard let userKey = caller.session?.origin == .assumedRole ? nil : caller.userKey else {
                try finish(.unknownDevice)
                throw AWSError.unableToValidateMFA
            }
            try finish(
                try await checkCode(
                    userKey: userKey, serialNumber: request.serialNumber ?? "", code: request.tokenCode ?? "",
                    now: now
                ).check)
            mfaPresent = true
            mfaAt = now
        }
        let mfa = (present: mfaPresent, at: mfaAt)

        return try await store.write { tx -> AssumedRole in
            guard let role = try await self.assumableRole(tx, request) else { throw denied }
            let policy = try Self.parseTrustPolicy(role.trustPolicy)
            var values: [String: [String]] = [
                "aws:principalarn": [caller.policyPrincipalARN],
                "aws:principalaccount": [caller.accountId],
                "aws:principaltype": [caller.session?.origin == .assumedRole ? "AssumedRole" : "User"],
                "aws:userid": [caller.userId],
                "aws:securetransport": ["false"],
                "aws:epochtime": [String(Int64(now.timeIntervalSince1970))],
                "sts:rolesessionname": [request.roleSessionName],
            ]
            if let userName = caller.userName { values["aws:username"] = [userName] }
            if let present = mfa.present { values["aws:multifactorauthpresent"] = [present ? "true" : "false"] }
            if let mfaAt = mfa.at, mfa.present == true {
                values["aws:multifactorauthage"] = [String(max(0, Int(now.timeIntervalSince(mfaAt))))]
            }
            if let externalId = request.externalId { values["sts:externalid"] = [externalId] }
            let sourceIdentity = caller.session?.sourceIdentity ?? request.sourceIdentity
            if let sourceIdentity {
                values["sts:sourceidentity"] = [sourceIdentity]
                values["aws:sourceidentity"] = [sourceIdentity]
            }
            if let inherited = caller.session?.sourceIdentity, let asked = request.sourceIdentity, inherited != asked {
                throw AWSError.accessDenied("The source identity cannot be changed in a role chain.")
            }
            let context = RequestContext(
                principalARN: caller.policyPrincipalARN, principalAccount: caller.accountId, action: "sts:AssumeRole",
                resource: role.arn, values: values)
            guard policy.evaluate(context) == .allow else { throw denied }

            let (issued, record) = self.newSession(
                origin: .assumedRole, userName: caller.userName, role: role, sessionName: request.roleSessionName,
                sourceIdentity: sourceIdentity, mfaAuthenticatedAt: nil, now: now, duration: duration)
            try await tx.insert(record)
            return AssumedRole(
                issued: issued, assumedRoleId: "\(role.roleId):\(request.roleSessionName)",
                arn: "arn:aws:sts::\(caller.accountId):assumed-role/\(role.roleName)/\(request.roleSessionName)",
                sourceIdentity: sourceIdentity)
        }
    }

    /// The role a request names, if it is a role of the caller's account.
    private func assumableRole(_ tx: any StoreTransaction, _ request: AssumeRoleRequest) async throws -> RoleRecord? {
        guard let arn = ARN(parsing: request.roleARN), arn.service == "iam", arn.resource.hasPrefix("role/"),
            let role = try await tx.role(
                nameKey: String(arn.resource.split(separator: "/").last ?? "").lowercased()),
            role.arn == request.roleARN
        else { return nil }
        return role
    }

    /// A new session and its record (not stored yet); AssumeRole sessions carry no MFA context (as AWS documents).
    private func newSession(
        origin: SessionOrigin, userName: String?, role: RoleRecord?, sessionName: String?, sourceIdentity: String?,
        mfaAuthenticatedAt: Date?, now: Date, duration: Int
    ) -> (IssuedCredentials, SessionRecord) {
        let credentials = AWSCredentials(
            accessKeyId: Identifiers.make(prefix: "ASIA", length: 16), secretAccessKey: Identifiers.secretAccessKey(),
            sessionToken: Identifiers.sessionToken())
        let expiration = now.addingTimeInterval(TimeInterval(duration))
        let record = SessionRecord(
            accessKeyId: credentials.accessKeyId,
            secretCiphertext: secrets.seal(
                Array(credentials.secretAccessKey.utf8), context: Self.sessionContext(credentials.accessKeyId)),
            tokenHash: Identifiers.tokenHash(credentials.sessionToken!), origin: origin, userName: userName,
            roleName: role?.roleName, roleSessionName: sessionName, sourceIdentity: sourceIdentity,
            mfaAuthenticatedAt: mfaAuthenticatedAt, createDate: now, expiration: expiration)
        return (IssuedCredentials(credentials: credentials, expiration: expiration), record)
    }
}
