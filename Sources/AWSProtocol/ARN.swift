/// An Amazon Resource Name: `arn:partition:service:region:account:resource` (the resource may contain `:`).
public struct ARN: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String = "aws", service: String, region: String = "", account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses an ARN; nil unless it starts with `arn:`, has six `:`-separated fields, a non-empty partition, service
    /// and resource, and is at most 2048 bytes (IAM's `arnType` limit). Region and account may be empty (IAM, S3).
    public init?(parsing string: String) {
        guard string.utf8.count <= 2048 else { return nil }
        let fields = string.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, !fields[2].isEmpty, !fields[5].isEmpty else {
            return nil
        }
        self.init(
            partition: String(fields[1]), service: String(fields[2]), region: String(fields[3]),
            account: String(fields[4]),
            resource: String(fields[5]))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}
