import AWSProtocol

/// Profile resolution across the config file (`[default]`, `[profile NAME]`) and the credentials file (`[NAME]`),
/// as botocore (the AWS CLI) resolves it.
///
/// Config sections map to profiles as botocore maps them: the header is split like a shell line, and a header
/// starting with `profile` that splits into two words names the profile in its second word (`[profile  dev ]` and
/// `[profile "my dev"]` work; `[profile a b]` is ignored); `[default]` is the default profile; when two sections
/// name the same profile the later one wins. A credentials-file section's keys override the config profile's, key by
/// key. `[DEFAULT]` entries are inherited by every section of their file.
public struct AWSProfiles: Sendable {
    public let config: INIDocument?
    public let credentials: INIDocument?
    public let environment: [String: String]
    /// Every profile of both files, config file first, in file order.
    public let profileNames: [String]
    /// Profile name → the config section that defines it.
    private let configSections: [String: String]
    /// Services name → the config section `[services NAME]`.
    private let servicesSections: [String: String]

    public init(config: INIDocument?, credentials: INIDocument?, environment: [String: String]) {
        self.config = config
        self.credentials = credentials
        self.environment = environment
        var names: [String] = []
        var profiles: [String: String] = [:]
        var services: [String: String] = [:]
        func addProfile(_ profile: String, section: String) {
            if profiles.updateValue(section, forKey: profile) == nil { names.append(profile) }
        }
        for section in config?.sectionNames ?? [] where section != INIParser.defaultSection {
            if section.unicodeScalars.starts(with: "profile".unicodeScalars) {
                if let name = Self.secondWord(section) { addProfile(name, section: section) }
            } else if section.unicodeScalars.starts(with: "sso-session".unicodeScalars) {
                continue
            } else if section.unicodeScalars.starts(with: "services".unicodeScalars) {
                if let name = Self.secondWord(section) { services[name] = section }
            } else if section == "default" {
                addProfile(section, section: section)
            }
        }
        for section in credentials?.sectionNames ?? [] where section != INIParser.defaultSection {
            if profiles[section] == nil { names.append(section) }
        }
        self.profileNames = names
        self.configSections = profiles
        self.servicesSections = services
    }

    /// botocore's `_parse_section`: the second word of a two-word header, split like a shell line.
    private static func secondWord(_ header: String) -> String? {
        guard let words = PythonText.shellSplit(header), words.count == 2 else { return nil }
        return words[1]
    }

    /// The profile the AWS CLI uses when none is given: `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, else "default".
    public var selectedProfile: String {
        nonEmpty(environment["AWS_DEFAULT_PROFILE"]) ?? nonEmpty(environment["AWS_PROFILE"]) ?? "default"
    }

    /// Config-file section name to create for a profile: "default" or "profile NAME".
    public static func configSection(for profile: String) -> String {
        profile == "default" ? "default" : "profile \(profile)"
    }

    /// The config-file section that defines a profile now (e.g. "profile  dev " for `[profile  dev ]`), if any.
    /// Edit this section rather than `configSection(for:)` when it exists.
    public func existingConfigSection(for profile: String) -> String? {
        configSections[profile]
    }

    /// A setting of a profile: the credentials file's `[NAME]` first, then the config file's profile section
    /// (botocore merges the two files key by key). Nil when absent. A sub-section's value is returned raw.
    public func setting(_ key: String, profile: String) -> String? {
        source(of: key, profile: profile).flatMap { $0.document.value(key, in: $0.section) }
    }

    /// All settings of a profile as botocore merges them: the config section's entries in order, overridden key by
    /// key by the credentials file's `[NAME]`, whose other keys follow. Includes secrets: do not print blindly.
    public func settings(profile: String) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        if let config, let section = configSections[profile] { result = config.entries(in: section) }
        guard profile != INIParser.defaultSection, let credentials else { return result }
        var positions = Dictionary(result.indices.map { (Array(result[$0].key.utf8), $0) }) { first, _ in first }
        for entry in credentials.entries(in: profile) {
            if let index = positions[Array(entry.key.utf8)] {
                result[index].value = entry.value
            } else {
                positions[Array(entry.key.utf8)] = result.count
                result.append(entry)
            }
        }
        return result
    }

    /// A setting's sub-section (e.g. `s3` → `max_concurrent_requests`), from where `setting` finds the key.
    public func nestedSetting(_ key: String, profile: String) -> [String: String] {
        source(of: key, profile: profile).map { $0.document.nested(key, in: $0.section) } ?? [:]
    }

    /// The file and section a profile's key comes from.
    func source(of key: String, profile: String) -> (document: INIDocument, section: String)? {
        if profile != INIParser.defaultSection, let credentials, credentials.value(key, in: profile) != nil {
            return (credentials, profile)
        }
        if let config, let section = configSections[profile], config.value(key, in: section) != nil {
            return (config, section)
        }
        return nil
    }

    /// The profile's long-term keys (and session token), as botocore's shared-credentials then config providers
    /// find them: the credentials file's `[NAME]` if it has `aws_access_key_id`, else the config file's profile.
    /// The token is `aws_security_token`, else `aws_session_token`. Errors name the files, profile and key.
    public func credentials(profile: String) throws(AWSConfigError) -> AWSCredentials {
        var places: [(document: INIDocument, section: String)] = []
        if profile != INIParser.defaultSection, let credentials, credentials.hasSection(profile) {
            places.append((credentials, profile))
        }
        if let config, let section = configSections[profile] { places.append((config, section)) }
        for place in places where place.document.value("aws_access_key_id", in: place.section) != nil {
            return try Self.keys(in: place.document, section: place.section, profile: profile)
        }
        let files = [credentials?.fileName, config?.fileName].compactMap { $0 }
        for place in places where place.document.value("aws_secret_access_key", in: place.section) != nil {
            throw AWSConfigError(
                files: [place.document.fileName], profile: profile, key: "aws_access_key_id",
                message: "missing (aws_secret_access_key is set)")
        }
        guard !places.isEmpty else {
            let message = files.isEmpty ? "no config or credentials file" : "no such profile"
            throw AWSConfigError(files: files, profile: profile, message: message)
        }
        throw AWSConfigError(
            files: places.map(\.document.fileName), profile: profile,
            message: "no aws_access_key_id and aws_secret_access_key")
    }

    private static func keys(
        in document: INIDocument, section: String, profile: String
    ) throws(AWSConfigError)
        -> AWSCredentials
    {
        func error(_ key: String, _ message: String) -> AWSConfigError {
            AWSConfigError(files: [document.fileName], profile: profile, key: key, message: message)
        }
        let accessKeyId = document.value("aws_access_key_id", in: section) ?? ""
        guard let secretAccessKey = document.value("aws_secret_access_key", in: section) else {
            throw error("aws_secret_access_key", "missing (aws_access_key_id is set)")
        }
        for (key, value) in [("aws_access_key_id", accessKeyId), ("aws_secret_access_key", secretAccessKey)] {
            if value.isEmpty { throw error(key, "empty") }
            if value.contains("\n") { throw error(key, "spans several lines") }
        }
        let token =
            document.value("aws_security_token", in: section) ?? document.value("aws_session_token", in: section)
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: nonEmpty(token))
    }

    /// The region: `AWS_REGION`, then `AWS_DEFAULT_REGION` (the environment applies to whichever profile is
    /// resolved, as in botocore), then the profile's `region`. Empty values count as unset.
    public func region(profile: String) -> String? {
        nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
            ?? nonEmpty(setting("region", profile: profile))
    }

    /// The services section a profile's `services` key names, and the config section holding it.
    func servicesSection(profile: String) throws(AWSConfigError) -> (name: String, section: String)? {
        guard let name = setting("services", profile: profile) else { return nil }
        guard let config, let section = servicesSections[name], !config.entries(in: section).isEmpty else {
            let files = [source(of: "services", profile: profile)?.document.fileName].compactMap { $0 }
            throw AWSConfigError(
                files: files, profile: profile, key: "services",
                message: "names the services section \"\(name)\", which does not exist in the config file or is empty")
        }
        return (name, section)
    }
}
