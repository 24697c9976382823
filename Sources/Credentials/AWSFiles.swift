import AWSClient
import AWSConfig
import AWSProtocol
import AtomicFile

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The AWS CLI's shared files as this process sees them (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/config` and `~/.aws/credentials`), and clients for a profile.
public struct AWSFiles: Sendable {
    public let configPath: String
    public let credentialsPath: String
    public let profiles: AWSProfiles

    /// Reads both files; a missing file counts as empty, a malformed one is an error naming file and line.
    public init(environment: [String: String], home: String) throws {
        configPath = AWSProfiles.configPath(environment: environment, home: home)
        credentialsPath = AWSProfiles.credentialsPath(environment: environment, home: home)
        profiles = AWSProfiles(
            config: try Self.document(at: configPath), credentials: try Self.document(at: credentialsPath),
            environment: environment)
    }

    static func document(at path: String) throws -> INIDocument? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try INIDocument(parsing: Array(data), fileName: path)
    }

    /// An IAM/STS client with the profile's long-term keys, region and endpoint overrides.
    public func client(profile: String) throws -> AWSClient {
        let credentials = try profiles.credentials(profile: profile)
        let region = profiles.region(profile: profile)
        var endpoints: [AWSService: AWSEndpoint] = [:]
        for service in AWSService.allCases {
            let override = try profiles.endpointURL(service: service.rawValue, profile: profile)
            endpoints[service] = AWSEndpoint.resolve(service, region: region, override: override)
        }
        return AWSClient(credentials: credentials, endpoints: endpoints)
    }

    /// Edits the profile's section of the config file: re-reads the file, applies `change`, and replaces it atomically,
    /// keeping its comments, order, formatting and permissions.
    public func editConfig(profile: String, _ change: (inout INIDocument, _ section: String) throws -> Void) throws {
        var document = try Self.document(at: configPath) ?? INIDocument(fileName: configPath)
        let section = profiles.existingConfigSection(for: profile) ?? AWSProfiles.configSection(for: profile)
        try change(&document, section)
        let directory = configPath.lastIndex(of: "/").map { String(configPath[..<$0]) } ?? ""
        if !directory.isEmpty {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let existingMode = try? FileManager.default.attributesOfItem(atPath: configPath)[.posixPermissions] as? Int
        try AtomicFile.write(Array(document.text.utf8), to: configPath, mode: mode_t(existingMode ?? 0o600))
    }
}
