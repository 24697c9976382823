import AWSProtocol

/// Whose credentials sign the requests (STS GetCallerIdentity).
public struct CallerIdentity: Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userId: String

    public init(account: String, arn: String, userId: String) {
        self.account = account
        self.arn = arn
        self.userId = userId
    }

    /// Reads a `GetCallerIdentityResult`.
    init(result: XMLElement) throws(ResultShapeError) {
        self.init(
            account: try result.requiredText("Account"), arn: try result.requiredText("Arn"),
            userId: try result.requiredText("UserId"))
    }
}
