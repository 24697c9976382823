/// Where a service is reached and how requests are signed.
public struct AWSEndpoint: Sendable, Equatable, Codable {
    /// The URL requests are POSTed to, e.g. `https://iam.amazonaws.com/`.
    public var url: String
    /// The region in the SigV4 credential scope.
    public var signingRegion: String

    public init(url: String, signingRegion: String) {
        self.url = url
        self.signingRegion = signingRegion
    }

    /// The region used when none is configured.
    public static let defaultRegion = "us-east-1"

    /// AWS's rules: IAM is global per partition (aws: `iam.amazonaws.com` / us-east-1; aws-cn:
    /// `iam.cn-north-1.amazonaws.com.cn` / cn-north-1; aws-us-gov: `iam.us-gov.amazonaws.com` / us-gov-west-1).
    /// STS is regional: `https://sts.<region>.amazonaws.com/` (`.amazonaws.com.cn` for `cn-*`), region nil →
    /// us-east-1; botocore's `aws-global` pseudo-region is the legacy `https://sts.amazonaws.com/`. An override URL
    /// (`endpoint_url`, `AWS_ENDPOINT_URL*`) is used as is, signed with the region (or us-east-1).
    public static func resolve(_ service: AWSService, region: String?, override: String?) -> AWSEndpoint {
        let region = region.flatMap { $0.isEmpty ? nil : $0 }
        if let override, !override.isEmpty {
            let signingRegion = region == nil || region == "aws-global" ? defaultRegion : region!
            return AWSEndpoint(url: override, signingRegion: signingRegion)
        }
        let partition = Partition(region: region)
        switch service {
        case .iam:
            return AWSEndpoint(url: partition.iamURL, signingRegion: partition.iamSigningRegion)
        case .sts:
            let region = region ?? defaultRegion
            guard region != "aws-global" else {
                return AWSEndpoint(url: "https://sts.amazonaws.com/", signingRegion: defaultRegion)
            }
            return AWSEndpoint(url: "https://sts.\(region).\(partition.dnsSuffix)/", signingRegion: region)
        }
    }
}

/// The AWS partitions the client knows, told apart by region name.
enum Partition: Sendable, Equatable {
    case aws, china, govCloud

    init(region: String?) {
        guard let region else {
            self = .aws
            return
        }
        if region.hasPrefix("cn-") {
            self = .china
        } else if region.hasPrefix("us-gov-") {
            self = .govCloud
        } else {
            self = .aws
        }
    }

    var dnsSuffix: String { self == .china ? "amazonaws.com.cn" : "amazonaws.com" }

    var iamURL: String {
        switch self {
        case .aws: "https://iam.amazonaws.com/"
        case .china: "https://iam.cn-north-1.amazonaws.com.cn/"
        case .govCloud: "https://iam.us-gov.amazonaws.com/"
        }
    }

    var iamSigningRegion: String {
        switch self {
        case .aws: "us-east-1"
        case .china: "cn-north-1"
        case .govCloud: "us-gov-west-1"
        }
    }
}
