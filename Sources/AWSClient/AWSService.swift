/// The AWS services the client calls, with their Query-protocol API versions.
public enum AWSService: String, Sendable, CaseIterable {
    case iam, sts

    /// The `Version` parameter of every request.
    public var apiVersion: String {
        switch self {
        case .iam: "2010-05-08"
        case .sts: "2011-06-15"
        }
    }

    /// The name used in messages ("IAM", "STS").
    public var displayName: String { rawValue.uppercased() }
}
