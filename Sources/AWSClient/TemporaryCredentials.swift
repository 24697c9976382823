import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Credentials from STS GetSessionToken or AssumeRole.
public struct TemporaryCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// The credentials for signing further requests.
    public var awsCredentials: AWSCredentials {
        AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    /// The access key ID and expiration only: the secret key and token are secrets.
    public var description: String {
        "temporary credentials \(accessKeyId) expiring \(AWSTimestamp.format(expiration))"
    }

    /// Reads the `Credentials` element of a `GetSessionTokenResult` or `AssumeRoleResult`.
    init(result: XMLElement) throws(ResultShapeError) {
        self.init(
            accessKeyId: try result.requiredText("Credentials", "AccessKeyId"),
            secretAccessKey: try result.requiredText("Credentials", "SecretAccessKey"),
            sessionToken: try result.requiredText("Credentials", "SessionToken"),
            expiration: try result.requiredDate("Credentials", "Expiration"))
    }
}
