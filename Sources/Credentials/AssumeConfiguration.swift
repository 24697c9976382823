import AWSClient
import AWSConfig
import AWSProtocol
import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a profile's MFA codes come from, in the order they are tried.
public struct MFASource: Sendable, Equatable, Codable {
    public var serialNumber: String
    /// An external command that prints a code (aws-vault's `mfa_process`).
    public var process: String?
    /// An account of the built-in authenticator.
    public var vaultAccount: String?
    /// An OATH account on a YubiKey (`vegas_yubikey_label`, default the serial) and the key's serial.
    public var yubikeyLabel: String?
    public var yubikeySerial: String?
}

/// A profile resolved for `assume`: which keys, which MFA source, which role — everything that decides the credentials,
/// and so everything the cache key is made of.
public struct AssumeConfiguration: Sendable, Equatable, Codable {
    /// The profile asked for, and the profile holding the long-term keys (the same when no role is assumed).
    public var profile: String
    public var sourceProfile: String
    public var accessKeyId: String
    public var mfa: MFASource?
    public var roleARN: String?
    public var roleSessionName: String
    public var externalId: String?
    public var durationSeconds: Int
    /// Lifetime of the MFA session from GetSessionToken, shared by every role of the source.
    public var sessionDurationSeconds: Int
    /// Ask AssumeRole for MFA directly instead of going through an MFA session (`vegas_mfa_mode = assume-role`), for trust
    /// policies that require a recent `aws:MultiFactorAuthAge` or role durations beyond the session's.
    public var assumeRoleWithMFA: Bool
    public var region: String?
    public var iamEndpoint: AWSEndpoint
    public var stsEndpoint: AWSEndpoint

    /// Resolves `profile` from the AWS files: a target profile (`vegas_role_arn`, `vegas_source_profile`) or a source
    /// profile used directly (an MFA session for the CLI).
    public static func resolve(
        profile: String, files: AWSFiles, environment: [String: String]
    ) throws
        -> (AssumeConfiguration, AWSCredentials)
    {
        let profiles = files.profiles
        guard profiles.profileNames.contains(profile) else {
            throw ConfigurationError(
                "profile \(profile) is not in \(files.configPath) or \(files.credentialsPath)")
        }
        func setting(_ key: String, _ name: String) -> String? {
            profiles.setting(key, profile: name).flatMap { $0.isEmpty ? nil : $0 }
        }
        func integer(_ key: String, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = setting(key, name) else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError(
                    "\(files.configPath): profile \(name): \(key) must be a whole number in \(range.lowerBound)…\(range.upperBound), got '\(text)'"
                )
            }
            return number
        }
        let roleARN = setting("vegas_role_arn", profile)
        let source = roleARN == nil ? profile : (setting("vegas_source_profile", profile) ?? profile)
        if let roleARN, !RoleARN.isValid(roleARN) {
            throw ConfigurationError(
                "\(files.configPath): profile \(profile): vegas_role_arn '\(roleARN)' is not a role ARN (arn:<partition>:iam::<12 digits>:role/[path/]name)"
            )
        }
        guard source == profile || profiles.profileNames.contains(source) else {
            throw ConfigurationError(
                "\(files.configPath): profile \(profile): vegas_source_profile \(source) does not exist")
        }
        let credentials = try profiles.credentials(profile: source)
        var mfa: MFASource?
        if let serial = setting("mfa_serial", source) {
            mfa = MFASource(
                serialNumber: serial, process: setting("mfa_process", source),
                vaultAccount: setting("vegas_vault_account", source),
                yubikeyLabel: setting("vegas_yubikey_label", source)
                    ?? (setting("vegas_yubikey_serial", source) != nil ? serial : nil),
                yubikeySerial: setting("vegas_yubikey_serial", source))
        }
        if let externalId = setting("external_id", profile), !ExternalID.isValid(externalId) {
            throw ConfigurationError(
                "\(files.configPath): profile \(profile): external_id must be 2–1224 of [A-Za-z0-9+=,.@:/-]")
        }
        let mode = setting("vegas_mfa_mode", profile) ?? "session"
        guard mode == "session" || mode == "assume-role" else {
            throw ConfigurationError(
                "\(files.configPath): profile \(profile): vegas_mfa_mode must be 'session' or 'assume-role', got '\(mode)'"
            )
        }
        let region = profiles.region(profile: profile) ?? profiles.region(profile: source)
        let configuration = AssumeConfiguration(
            profile: profile, sourceProfile: source, accessKeyId: credentials.accessKeyId, mfa: mfa, roleARN: roleARN,
            roleSessionName: RoleSessionName.make(setting("role_session_name", profile), environment: environment),
            externalId: setting("external_id", profile),
            durationSeconds: try integer("duration_seconds", profile, default: 3600, range: 900...43_200),
            sessionDurationSeconds: try integer(
                "vegas_session_duration", source, default: 43_200, range: 900...129_600),
            assumeRoleWithMFA: mode == "assume-role", region: region,
            iamEndpoint: AWSEndpoint.resolve(
                .iam, region: region, override: try profiles.endpointURL(service: "iam", profile: source)),
            stsEndpoint: AWSEndpoint.resolve(
                .sts, region: region,
                override: try profiles.endpointURL(service: "sts", profile: profile)
                    ?? profiles.endpointURL(service: "sts", profile: source)))
        return (configuration, credentials)
    }

    /// Cache key of the MFA session: the source's keys, device and endpoint.
    public var sessionCacheKey: String {
        Self.digest([
            "session", sourceProfile, accessKeyId, mfa?.serialNumber ?? "", stsEndpoint.url,
            stsEndpoint.signingRegion, String(sessionDurationSeconds),
        ])
    }

    /// Cache key of the role credentials: everything in the resolved configuration.
    public var roleCacheKey: String {
        let encoded = (try? JSONEncoder.sorted.encode(self)) ?? Data()
        return Self.digest(["role", String(decoding: encoded, as: UTF8.self)])
    }

    private static func digest(_ parts: [String]) -> String {
        Hex.lower(SHA256.hash(data: Data(parts.joined(separator: "\u{0}").utf8)))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// A configuration problem, naming the file, profile and key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Role ARNs in every partition, with paths (vegas-credentials rejected both).
enum RoleARN {
    static func isValid(_ arn: String) -> Bool {
        guard let parsed = ARN(parsing: arn), parsed.service == "iam", parsed.region.isEmpty,
            ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"].contains(parsed.partition),
            parsed.account.count == 12, parsed.account.allSatisfy(\.isNumber), parsed.resource.hasPrefix("role/")
        else { return false }
        let name = parsed.resource.split(separator: "/").last.map(String.init) ?? ""
        return (1...64).contains(name.count) && AWSPattern.userName.matches(name)
    }
}

enum ExternalID {
    static func isValid(_ id: String) -> Bool {
        (2...1224).contains(id.count) && AWSPattern.externalId.matches(id)
    }
}

/// The role session name: configured, else the user name, cleaned to AWS's `[\w+=,.@-]{2,64}`.
enum RoleSessionName {
    static func make(_ configured: String?, environment: [String: String]) -> String {
        let raw = configured ?? environment["USER"] ?? environment["LOGNAME"] ?? "vegas-credentials"
        var cleaned = String(raw.filter { AWSPattern.roleSessionName.matches(String($0)) }.prefix(64))
        if cleaned.count < 2 { cleaned = "vegas-credentials" }
        return cleaned
    }
}
