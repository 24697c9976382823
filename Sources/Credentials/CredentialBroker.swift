import AWSClient
import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `assume`: temporary credentials for a profile, from the cache when still fresh, else from STS — one MFA session per
/// source profile (GetSessionToken with a code) shared by all its roles, so a new code is needed only when that session
/// ends. Fetches hold a lock per cache key, so parallel callers wait for one fetch instead of each prompting.
public struct CredentialBroker: Sendable {
    let cache: CredentialCache
    /// Entries with less than this many seconds left count as expired (botocore refreshes 10 minutes early).
    let refreshMargin: TimeInterval
    let clock: @Sendable () -> Date

    public init(
        cache: CredentialCache, refreshMargin: TimeInterval = 600, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.cache = cache
        self.refreshMargin = refreshMargin
        self.clock = clock
    }

    public func credentials(
        for configuration: AssumeConfiguration, longTerm: AWSCredentials, codes: MFACodes?
    ) async throws -> CachedCredentials {
        guard let roleARN = configuration.roleARN else {
            guard let codes else {
                throw ConfigurationError(
                    "profile \(configuration.profile) has neither vegas_role_arn nor mfa_serial: there is nothing to assume"
                )
            }
            return try await mfaSession(configuration, longTerm: longTerm, codes: codes)
        }
        let key = configuration.roleCacheKey
        if let fresh = try cache.read(key, now: clock(), margin: refreshMargin) { return fresh }
        return try await cache.withLock(key) {
            if let fresh = try cache.read(key, now: clock(), margin: refreshMargin) { return fresh }
            let temporary: TemporaryCredentials
            if configuration.assumeRoleWithMFA, let codes {
                let (code, step) = try await codes.next()
                defer { try? codes.markUsed(step: step) }
                temporary = try await client(longTerm, configuration).assumeRole(
                    roleARN: roleARN, sessionName: configuration.roleSessionName,
                    durationSeconds: configuration.durationSeconds, externalId: configuration.externalId,
                    serialNumber: codes.source.serialNumber, tokenCode: code, sourceIdentity: nil)
            } else {
                var caller: CachedCredentials?
                if let codes { caller = try await mfaSession(configuration, longTerm: longTerm, codes: codes) }
                temporary = try await client(caller?.awsCredentials ?? longTerm, configuration).assumeRole(
                    roleARN: roleARN, sessionName: configuration.roleSessionName,
                    durationSeconds: configuration.durationSeconds, externalId: configuration.externalId,
                    serialNumber: nil, tokenCode: nil, sourceIdentity: nil)
            }
            let entry = CachedCredentials(
                temporary, label: "role \(roleARN) for profile \(configuration.profile)")
            try cache.write(entry, key: key)
            return entry
        }
    }

    /// The source profile's MFA session, cached under its own key (shared by every role of the source).
    private func mfaSession(
        _ configuration: AssumeConfiguration, longTerm: AWSCredentials, codes: MFACodes
    ) async throws
        -> CachedCredentials
    {
        let key = configuration.sessionCacheKey
        if let fresh = try cache.read(key, now: clock(), margin: refreshMargin) { return fresh }
        return try await cache.withLock(key) {
            if let fresh = try cache.read(key, now: clock(), margin: refreshMargin) { return fresh }
            let (code, step) = try await codes.next()
            defer { try? codes.markUsed(step: step) }
            let temporary = try await client(longTerm, configuration).getSessionToken(
                durationSeconds: configuration.sessionDurationSeconds, serialNumber: codes.source.serialNumber,
                tokenCode: code)
            let entry = CachedCredentials(temporary, label: "MFA session of profile \(configuration.sourceProfile)")
            try cache.write(entry, key: key)
            return entry
        }
    }

    private func client(_ credentials: AWSCredentials, _ configuration: AssumeConfiguration) -> AWSClient {
        AWSClient(
            credentials: credentials, endpoints: [.iam: configuration.iamEndpoint, .sts: configuration.stsEndpoint])
    }
}

extension CachedCredentials {
    init(_ temporary: TemporaryCredentials, label: String) {
        self.init(
            accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey,
            sessionToken: temporary.sessionToken, expiration: temporary.expiration, label: label)
    }

    public var awsCredentials: AWSCredentials {
        AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    /// The `credential_process` output (version 1), as vegas-credentials prints it.
    public var credentialProcessJSON: String {
        return """
            {
                "Version": 1,
                "AccessKeyId": \(JSONString.quoted(accessKeyId)),
                "SecretAccessKey": \(JSONString.quoted(secretAccessKey)),
                "SessionToken": \(JSONString.quoted(sessionToken)),
                "Expiration": \(JSONString.quoted(AWSTimestamp.format(expiration)))
            }
            """
    }
}
