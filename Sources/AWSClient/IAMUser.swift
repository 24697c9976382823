import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An IAM user, or the account's root user (IAM GetUser).
public struct IAMUser: Sendable, Equatable {
    /// The user name; nil for the root user.
    public var userName: String?
    public var arn: String
    public var userId: String?
    public var path: String?
    public var createDate: Date?

    public init(userName: String?, arn: String, userId: String? = nil, path: String? = nil, createDate: Date? = nil) {
        self.userName = userName
        self.arn = arn
        self.userId = userId
        self.path = path
        self.createDate = createDate
    }

    /// Whether this is the account's root user (ARN `arn:<partition>:iam::<account>:root`).
    public var isRoot: Bool { arn.hasSuffix(":root") }

    /// Reads a `GetUserResult`.
    init(result: XMLElement) throws(ResultShapeError) {
        let arn = try result.requiredText("User", "Arn")
        self.init(
            userName: arn.hasSuffix(":root") ? nil : result.optionalText("User", "UserName"), arn: arn,
            userId: result.optionalText("User", "UserId"), path: result.optionalText("User", "Path"),
            createDate: try result.optionalDate("User", "CreateDate"))
    }
}
