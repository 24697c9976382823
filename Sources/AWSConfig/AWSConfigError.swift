/// A problem with the AWS configuration, naming where it is: files, environment variable, profile and key.
/// Never contains secret values.
public struct AWSConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The files involved (their names as parsed); empty when the problem is in the environment.
    public var files: [String]
    public var environmentVariable: String?
    public var profile: String?
    public var key: String?
    public var message: String

    public init(
        files: [String] = [], environmentVariable: String? = nil, profile: String? = nil, key: String? = nil,
        message: String
    ) {
        self.files = files
        self.environmentVariable = environmentVariable
        self.profile = profile
        self.key = key
        self.message = message
    }

    /// E.g. `/home/me/.aws/credentials: profile "dev": aws_secret_access_key: missing (aws_access_key_id is set)`.
    public var description: String {
        var parts: [String] = []
        if !files.isEmpty { parts.append(files.joined(separator: ", ")) }
        if let environmentVariable { parts.append("environment variable \(environmentVariable)") }
        if let profile { parts.append("profile \"\(profile)\"") }
        if let key { parts.append(key) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
