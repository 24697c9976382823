import AWSProtocol
import ArgumentParser
import Credentials

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

extension Context {
    var cacheDirectory: String { CredentialCache.defaultDirectory(environment: environment, home: home) }

    /// The credential cache, with its key where `VEGAS_CACHE_KEY_STORE` says.
    func cache() throws -> CredentialCache {
        let directory = cacheDirectory
        let keyStore = try CacheKeyLocation(environment: environment).keyStore(
            directory: directory, environment: environment)
        return CredentialCache(directory: directory, keyStore: keyStore)
    }

    /// Credentials for `profile`: the cache or STS, with MFA codes from the profile's source.
    func credentials(profile: String) async throws -> (CachedCredentials, AssumeConfiguration) {
        let (configuration, longTerm) = try AssumeConfiguration.resolve(
            profile: profile, files: try awsFiles(), environment: environment)
        let margin =
            try environment["VEGAS_CACHE_REFRESH_MARGIN"].map { text -> TimeInterval in
                guard let seconds = TimeInterval(text), seconds >= 0 else {
                    throw ValidationError("VEGAS_CACHE_REFRESH_MARGIN must be a number of seconds, got '\(text)'")
                }
                return seconds
            } ?? 600
        let codes = configuration.mfa.map {
            MFACodes(
                source: $0, messages: messages, vault: vault, environment: environment, stateDirectory: cacheDirectory)
        }
        let broker = CredentialBroker(cache: try cache(), refreshMargin: margin)
        return (try await broker.credentials(for: configuration, longTerm: longTerm, codes: codes), configuration)
    }
}

struct ProfileArgument: ParsableArguments {
    @Option(name: [.long, .customShort("p")], help: "AWS profile to get credentials for.") var profile: String
}

/// `assume`: the `credential_process` entry point.
struct Assume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assume",
        abstract:
            "Print temporary credentials as credential_process JSON (for `credential_process = vegas-credentials assume --profile=P`)."
    )

    @OptionGroup var profileArgument: ProfileArgument

    func run() async throws { try await Self.printCredentials(profile: profileArgument.profile) }

    /// Prints the profile's credentials (cached, or fetched from STS) as credential_process JSON.
    static func printCredentials(profile: String) async throws {
        try await reportingErrors {
            let (credentials, _) = try await Context().credentials(profile: profile)
            print(credentials.credentialProcessJSON)
        }
    }

    /// The profile of `assume --profile=P`, `assume --profile P` or `assume -p P` (the command lines
    /// credential_process runs), read as swift-argument-parser reads them; nil for any other command line.
    static func profile(inPlainCommandLine arguments: [String]) -> String? {
        guard arguments.first == "assume" else { return nil }
        if arguments.count == 2, arguments[1].hasPrefix("--profile="), arguments[1].count > "--profile=".count {
            return String(arguments[1].dropFirst("--profile=".count))
        }
        if arguments.count == 3, ["--profile", "-p"].contains(arguments[1]), !arguments[2].hasPrefix("-") {
            return arguments[2]
        }
        return nil
    }
}

/// `exec`: runs a command with the credentials in its environment, as aws-vault does.
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command with the profile's credentials in its environment.")

    @OptionGroup var profileArgument: ProfileArgument
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after --).") var command: [String]

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give a command to run after --") }
    }

    func run() async throws {
        try await reportingErrors {
            let context = Context()
            let (credentials, configuration) = try await context.credentials(profile: profileArgument.profile)
            for (name, value) in Self.variables(credentials, configuration) { setenv(name, value, 1) }
            for name in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] { unsetenv(name) }
            let arguments = command.first == "--" ? Array(command.dropFirst()) : command
            var argv = arguments.map { strdup($0) } + [nil]
            execvp(arguments[0], &argv)
            throw ValidationError("cannot run \(arguments[0]): \(String(cString: strerror(errno)))")
        }
    }

    static func variables(_ credentials: CachedCredentials, _ configuration: AssumeConfiguration) -> [(String, String)]
    {
        var variables = [
            ("AWS_ACCESS_KEY_ID", credentials.accessKeyId), ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey),
            ("AWS_SESSION_TOKEN", credentials.sessionToken),
            ("AWS_CREDENTIAL_EXPIRATION", AWSTimestamp.format(credentials.expiration)),
            ("AWS_VEGAS", configuration.profile),
        ]
        if let region = configuration.region { variables += [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)] }
        return variables
    }
}

/// `export`: the credentials as JSON or shell `export` lines.
struct Export: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument { case json, env }

    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the profile's credentials as JSON or shell variables.")

    @OptionGroup var profileArgument: ProfileArgument
    @Option(help: "json or env.") var format = Format.json

    func run() async throws {
        try await reportingErrors {
            let (credentials, configuration) = try await Context().credentials(profile: profileArgument.profile)
            switch format {
            case .json: print(credentials.credentialProcessJSON)
            case .env:
                for (name, value) in Exec.variables(credentials, configuration) { print("export \(name)='\(value)'") }
            }
        }
    }
}

/// `cache list` / `cache clean`.
struct Cache: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect or empty the credential cache.", subcommands: [List.self, Clean.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "What is cached and until when (no secrets).")

        func run() async throws {
            try await reportingErrors {
                let now = Date()
                let entries = try Context().cache().entries(now: now).map(\.entry).sorted { $0.label < $1.label }
                let width = entries.map(\.label.count).max() ?? 0
                for entry in entries {
                    let left = Int(entry.expiration.timeIntervalSince(now))
                    let state = left > 0 ? "valid for \(left / 60) min" : "expired"
                    let label = entry.label.padded(to: width)
                    print("\(label)  until \(AWSTimestamp.format(entry.expiration))  \(state)")
                }
            }
        }
    }

    struct Clean: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clean", abstract: "Remove every cached credential and the cache key.")

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let removed = try context.cache().clean()
                context.messages.say("Removed \(removed) cached credential\(removed == 1 ? "" : "s").")
            }
        }
    }
}

/// `config list` / `config show-profile`.
struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the profiles vegas-credentials uses.", subcommands: [List.self, ShowProfile.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Profiles with a role or an MFA device.")

        func run() async throws {
            try await reportingErrors {
                let profiles = try Context().awsFiles().profiles
                for name in profiles.profileNames {
                    if let role = profiles.setting("vegas_role_arn", profile: name) {
                        print(
                            "\(name)\trole \(role) via \(profiles.setting("vegas_source_profile", profile: name) ?? name)"
                        )
                    } else if let serial = profiles.setting("mfa_serial", profile: name) {
                        print("\(name)\tMFA \(serial)")
                    }
                }
            }
        }
    }

    struct ShowProfile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-profile", abstract: "The profile as resolved (no secrets).")

        @OptionGroup var profileArgument: ProfileArgument

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let (configuration, _) = try AssumeConfiguration.resolve(
                    profile: profileArgument.profile, files: try context.awsFiles(), environment: context.environment)
                var lines = [
                    ("profile", configuration.profile), ("source profile", configuration.sourceProfile),
                    ("access key id", configuration.accessKeyId),
                    ("role", configuration.roleARN ?? "-"), ("role session name", configuration.roleSessionName),
                    ("duration", "\(configuration.durationSeconds)s"),
                    ("MFA session duration", "\(configuration.sessionDurationSeconds)s"),
                    ("MFA mode", configuration.assumeRoleWithMFA ? "assume-role with MFA" : "MFA session"),
                    ("region", configuration.region ?? "-"), ("STS endpoint", configuration.stsEndpoint.url),
                    ("IAM endpoint", configuration.iamEndpoint.url),
                ]
                if let mfa = configuration.mfa {
                    lines.append(("MFA device", mfa.serialNumber))
                    let source =
                        mfa.process.map { "mfa_process: \($0)" } ?? mfa.vaultAccount.map { "vault: \($0)" }
                        ?? mfa.yubikeyLabel.map { "YubiKey \(mfa.yubikeySerial ?? ""): \($0)" }
                        ?? "typed on the terminal"
                    lines.append(("MFA code source", source))
                }
                if let externalId = configuration.externalId { lines.append(("external id", externalId)) }
                for (name, value) in lines {
                    print("\(name):".padded(to: 22) + value)
                }
            }
        }
    }
}

struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() async throws { print(VegasCredentials.configuration.version) }
}

extension String {
    /// The text followed by spaces up to `width` characters (as is when it is that long already).
    fileprivate func padded(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
