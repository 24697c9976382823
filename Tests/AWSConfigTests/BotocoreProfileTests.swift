import AWSConfig
import AWSProtocol
import Foundation
import TestSupport
import Testing

/// Cross-checks AWSProfiles against botocore on generated config/credentials pairs: the profile list and each
/// profile's merged settings (`Session.full_config`), long-term credentials (`SharedCredentialProvider` then
/// `ConfigProvider`), the configured endpoint for iam and sts (`ConfiguredEndpointProvider`, with endpoint
/// environment variables), and path expansion (`os.path.expanduser(os.path.expandvars(...))`).
@Suite struct BotocoreProfileTests {
    static let script = #"""
        import json, os, sys
        import botocore.session
        from botocore.credentials import SharedCredentialProvider, ConfigProvider
        from botocore.configprovider import ConfiguredEndpointProvider
        from botocore.exceptions import PartialCredentialsError, InvalidConfigError
        cases = json.load(open(sys.argv[1]))
        results = []
        for case in cases:
            session = botocore.session.Session()
            session.set_config_variable('config_file', case['config'])
            session.set_config_variable('credentials_file', case['credentials'])
            full = session.full_config
            profiles = {}
            for name, settings in full['profiles'].items():
                entry = {
                    'settings': [[k, v if isinstance(v, str) else None] for k, v in settings.items()],
                    'nested': {k: v for k, v in settings.items() if isinstance(v, dict)},
                }
                try:
                    found = (SharedCredentialProvider(case['credentials'], name).load()
                             or ConfigProvider(case['config'], name).load())
                    entry['credentials'] = None if found is None else [found.access_key, found.secret_key, found.token]
                except PartialCredentialsError as e:
                    entry['partial'] = e.kwargs['cred_var']
                for service in ['iam', 'sts']:
                    try:
                        url = ConfiguredEndpointProvider(full, settings, service, environ=case['environment']).provide()
                        entry[service] = url
                    except InvalidConfigError:
                        entry[service + '_error'] = True
                profiles[name] = entry
            results.append({'names': list(full['profiles'].keys()), 'profiles': profiles})
        print(json.dumps(results))
        """#

    struct Result: Decodable {
        struct Profile: Decodable {
            var settings: [[String?]]
            var nested: [String: [String: String]]
            var credentials: [String?]?
            var partial: String?
            var iam: String?
            var sts: String?
            var iamError: Bool?
            var stsError: Bool?

            enum CodingKeys: String, CodingKey {
                case settings, nested, credentials, partial, iam, sts
                case iamError = "iam_error"
                case stsError = "sts_error"
            }
        }
        var names: [String]
        var profiles: [String: Profile]
    }

    @Test func generatedProfilesResolveAsInBotocore() throws {
        var generator = ProfileGenerator(random: SeededGenerator(state: 42))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var cases: [[String: Any]] = []
        var inputs: [(config: String, credentials: String, environment: [String: String])] = []
        for index in 0..<150 {
            let input = generator.pair()
            inputs.append(input)
            cases.append([
                "config": try directory.write(Array(input.config.utf8), named: "config\(index)"),
                "credentials": try directory.write(Array(input.credentials.utf8), named: "credentials\(index)"),
                "environment": input.environment,
            ])
        }
        let casesPath = try directory.write(
            Array(try JSONSerialization.data(withJSONObject: cases)), named: "cases.json")
        let output = try Python.run(
            Self.script, arguments: [casesPath],
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") })
        let results = try JSONDecoder().decode([Result].self, from: output)
        try #require(results.count == inputs.count)
        for (input, expected) in zip(inputs, results) {
            let profiles = AWSProfiles(
                config: try INIDocument(parsing: input.config, fileName: "config"),
                credentials: try INIDocument(parsing: input.credentials, fileName: "credentials"),
                environment: input.environment)
            compare(profiles, expected, context: "\(input)")
        }
    }

    func compare(_ profiles: AWSProfiles, _ expected: Result, context: String) {
        #expect(profiles.profileNames == expected.names, "\(context)")
        for name in expected.names {
            guard let profile = expected.profiles[name] else { continue }
            let settings = profiles.settings(profile: name).map {
                [$0.key, profiles.nestedSetting($0.key, profile: name).isEmpty ? $0.value : nil]
            }
            #expect(settings == profile.settings, "\(name) in \(context)")
            for (key, nested) in profile.nested {
                #expect(profiles.nestedSetting(key, profile: name) == nested, "\(name) \(key) in \(context)")
            }
            compareCredentials(profiles, name, profile, context: context)
            for (service, url, failed) in [
                ("iam", profile.iam, profile.iamError), ("sts", profile.sts, profile.stsError),
            ] {
                do {
                    let resolved = try profiles.endpointURL(service: service, profile: name)
                    #expect(failed == nil && resolved == url, "\(service) for \(name) in \(context)")
                } catch {
                    #expect(failed == true, "\(service) for \(name): \(error) in \(context)")
                }
            }
        }
    }

    func compareCredentials(_ profiles: AWSProfiles, _ name: String, _ profile: Result.Profile, context: String) {
        do {
            let credentials = try profiles.credentials(profile: name)
            let expected = profile.credentials.map {
                AWSCredentials(accessKeyId: $0[0]!, secretAccessKey: $0[1]!, sessionToken: $0[2])
            }
            #expect(credentials == expected, "credentials of \(name) in \(context)")
        } catch {
            if let partial = profile.partial {
                #expect(error.key == partial, "credentials of \(name): \(error) in \(context)")
            } else if let found = profile.credentials {
                // botocore accepts empty keys; we reject them.
                #expect(
                    found.contains("") && error.message == "empty", "credentials of \(name): \(error) in \(context)")
            } else {
                #expect(error.key != "aws_secret_access_key", "credentials of \(name): \(error) in \(context)")
            }
        }
    }

    @Test func pathsExpandAsInPython() throws {
        let environments: [[String: String]] = [
            [:], ["AWS_CONFIG_FILE": "~/x/config", "AWS_SHARED_CREDENTIALS_FILE": "$BASE/creds", "BASE": "/b"],
            ["AWS_CONFIG_FILE": "${BASE}x/$NOPE/${}/$", "BASE": "/b/"], ["AWS_CONFIG_FILE": "~", "HOME": "/h/"],
            ["AWS_CONFIG_FILE": "$HOME/$A_1/c", "A_1": "ä"],
        ]
        let script = #"""
            import json, os, sys, posixpath
            out = []
            for env in json.loads(sys.argv[1]):
                os.environ.clear(); os.environ.update(env); os.environ.setdefault('HOME', '/home/me')
                out.append([posixpath.expanduser(posixpath.expandvars(env.get(name) or default))
                            for name, default in [('AWS_CONFIG_FILE', '~/.aws/config'),
                                                  ('AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials')]])
            print(json.dumps(out))
            """#
        let json = String(decoding: try JSONSerialization.data(withJSONObject: environments), as: UTF8.self)
        let expected = try JSONDecoder().decode([[String]].self, from: Python.run(script, arguments: [json]))
        for (var environment, paths) in zip(environments, expected) {
            let home = environment["HOME", default: "/home/me"]
            environment["HOME"] = home
            #expect(AWSProfiles.configPath(environment: environment, home: home) == paths[0], "\(environment)")
            #expect(AWSProfiles.credentialsPath(environment: environment, home: home) == paths[1], "\(environment)")
        }
    }
}

/// Generates config and credentials files with overlapping profiles, services sections and endpoint variables.
struct ProfileGenerator {
    var random: SeededGenerator
    var counter = 0

    static let configSpellings = [
        "default": ["default", "profile default"], "dev": ["profile dev", "profile  dev ", "profile \"dev\""],
        "prod": ["profile prod"], "role-a": ["profile role-a", "profiles role-a"], "two words": ["profile 'two words'"],
    ]

    mutating func unique(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    mutating func keyLines(_ keys: [String]) -> [String] {
        var lines: [String] = []
        for key in keys where random.chance(45) {
            switch key {
            case "s3": lines += ["s3 =", "  max_concurrent_requests = \(unique(""))", "  signature_version = s3v4"]
            case "services": lines.append("services = \(random.pick(["local", "local", "missing", "empty"]))")
            case "endpoint_url": lines.append("endpoint_url = http://\(unique("cfg")):4566")
            case "aws_access_key_id": lines.append("\(key) = \(random.chance(5) ? "" : unique("AKIA"))")
            default: lines.append("\(key) = \(unique(String(key.prefix(3)) + "-"))")
            }
        }
        return lines
    }

    mutating func pair() -> (config: String, credentials: String, environment: [String: String]) {
        let profileKeys = [
            "region", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token",
            "endpoint_url", "services", "s3", "output",
        ]
        var config: [String] = []
        if random.chance(20) { config += ["[DEFAULT]", "output = \(unique("out"))", ""] }
        for (_, spellings) in Self.configSpellings.sorted(by: { $0.key < $1.key }).shuffled(using: &random)
        where random.chance(60) {
            config.append("[\(random.pick(spellings))]")
            config += keyLines(profileKeys)
            config.append("")
        }
        if random.chance(60) {
            config.append("[services local]")
            for service in ["iam", "sts"] where random.chance(60) {
                config += ["\(service) =", "  endpoint_url = http://\(unique(service)):1"]
            }
        }
        if random.chance(20) { config += ["[services empty]"] }
        var credentials: [String] = []
        if random.chance(10) { credentials += ["[DEFAULT]", "aws_session_token = \(unique("tok"))"] }
        for profile in ["default", "dev", "creds-only", "prod"] where random.chance(50) {
            credentials.append("[\(profile)]")
            credentials += keyLines([
                "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region", "services",
            ])
        }
        var environment: [String: String] = [:]
        if random.chance(25) { environment["AWS_ENDPOINT_URL"] = "http://\(unique("env")):1" }
        if random.chance(25) { environment["AWS_ENDPOINT_URL_STS"] = "https://\(unique("sts-env"))" }
        return (config.joined(separator: "\n") + "\n", credentials.joined(separator: "\n") + "\n", environment)
    }
}
