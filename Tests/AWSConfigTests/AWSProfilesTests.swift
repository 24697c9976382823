import AWSConfig
import AWSProtocol
import Testing

/// Profile resolution: section mapping, merging of the two files, credentials, region, endpoints and paths.
@Suite struct AWSProfilesTests {
    static let config = """
        [default]
        region = us-east-1
        aws_access_key_id = AKIACONFIGDEFAULT
        aws_secret_access_key = config-default-secret

        [profile dev]
        region = eu-west-1
        mfa_serial = arn:aws:iam::123456789012:mfa/me
        endpoint_url = http://localhost:9000
        services = local
        s3 =
          max_concurrent_requests = 20

        [profile  spaced ]
        region = ap-south-1
        [profile "my dev"]
        output = json
        [profile a b]
        region = ignored
        [sso-session corp]
        sso_region = us-east-1
        [services local]
        iam =
          endpoint_url = http://localhost:4566
        [preview]
        cloudfront = true
        [ default ]
        region = not-a-profile
        [profiles x]
        region = x-region
        [profile nokeys]
        region = r
        [profile partial]
        aws_access_key_id = AKIAPARTIAL
        [profile broken-services]
        services = nowhere
        """

    static let credentials = """
        [DEFAULT]
        output = text
        [dev]
        aws_access_key_id = AKIADEV
        aws_secret_access_key = dev-secret
        region = us-west-2
        [creds-only]
        aws_access_key_id = AKIAONLY
        aws_secret_access_key = only-secret
        aws_session_token = only-token
        aws_security_token = only-security-token
        [secret-only]
        aws_secret_access_key = lonely
        [empty]
        aws_access_key_id =
        aws_secret_access_key = s
        """

    func profiles(_ environment: [String: String] = [:]) throws -> AWSProfiles {
        AWSProfiles(
            config: try INIDocument(parsing: Self.config, fileName: "/h/.aws/config"),
            credentials: try INIDocument(parsing: Self.credentials, fileName: "/h/.aws/credentials"),
            environment: environment)
    }

    @Test func sectionsMapToProfilesAsBotocoreMapsThem() throws {
        let profiles = try profiles()
        #expect(
            profiles.profileNames == [
                "default", "dev", "spaced", "my dev", "x", "nokeys", "partial", "broken-services", "creds-only",
                "secret-only", "empty",
            ])
        #expect(profiles.existingConfigSection(for: "spaced") == "profile  spaced ")
        #expect(profiles.existingConfigSection(for: "creds-only") == nil)
        #expect(AWSProfiles.configSection(for: "default") == "default")
        #expect(AWSProfiles.configSection(for: "dev") == "profile dev")
        #expect(profiles.setting("region", profile: "x") == "x-region")
        #expect(profiles.setting("region", profile: "a b") == nil)
    }

    @Test func laterSectionForTheSameProfileWins() throws {
        let config = try INIDocument(parsing: "[profile default]\nregion = a\n[default]\nregion = b\n", fileName: "c")
        let profiles = AWSProfiles(config: config, credentials: nil, environment: [:])
        #expect(profiles.profileNames == ["default"])
        #expect(profiles.setting("region", profile: "default") == "b")
        #expect(profiles.existingConfigSection(for: "default") == "default")
    }

    @Test func credentialsFileOverridesKeyByKeyAndInheritsItsDefault() throws {
        let profiles = try profiles()
        #expect(profiles.setting("region", profile: "dev") == "us-west-2")
        #expect(profiles.setting("mfa_serial", profile: "dev") == "arn:aws:iam::123456789012:mfa/me")
        #expect(profiles.setting("output", profile: "dev") == "text")
        #expect(profiles.setting("output", profile: "my dev") == "json")
        #expect(profiles.nestedSetting("s3", profile: "dev") == ["max_concurrent_requests": "20"])
        #expect(profiles.setting("missing", profile: "dev") == nil)
        #expect(profiles.setting("region", profile: "nobody") == nil)
        let settings = profiles.settings(profile: "dev").map { "\($0.key)=\($0.value)" }
        #expect(
            settings == [
                "region=us-west-2", "mfa_serial=arn:aws:iam::123456789012:mfa/me", "endpoint_url=http://localhost:9000",
                "services=local", "s3=\nmax_concurrent_requests = 20", "aws_access_key_id=AKIADEV",
                "aws_secret_access_key=dev-secret", "output=text",
            ])
    }

    @Test func credentialsComeFromTheCredentialsFileThenTheConfigFile() throws {
        let profiles = try profiles()
        #expect(
            try profiles.credentials(profile: "dev")
                == AWSCredentials(accessKeyId: "AKIADEV", secretAccessKey: "dev-secret"))
        #expect(
            try profiles.credentials(profile: "default")
                == AWSCredentials(accessKeyId: "AKIACONFIGDEFAULT", secretAccessKey: "config-default-secret"))
        // botocore prefers the older aws_security_token name when both are present.
        #expect(
            try profiles.credentials(profile: "creds-only")
                == AWSCredentials(
                    accessKeyId: "AKIAONLY", secretAccessKey: "only-secret", sessionToken: "only-security-token"))
    }

    @Test func credentialErrorsNameFilesProfileAndKey() throws {
        let profiles = try profiles()
        let cases: [(String, String)] = [
            (
                "partial",
                "/h/.aws/config: profile \"partial\": aws_secret_access_key: missing (aws_access_key_id is set)"
            ),
            (
                "secret-only",
                "/h/.aws/credentials: profile \"secret-only\": aws_access_key_id: "
                    + "missing (aws_secret_access_key is set)"
            ),
            ("empty", "/h/.aws/credentials: profile \"empty\": aws_access_key_id: empty"),
            ("nokeys", "/h/.aws/config: profile \"nokeys\": no aws_access_key_id and aws_secret_access_key"),
            ("nobody", "/h/.aws/credentials, /h/.aws/config: profile \"nobody\": no such profile"),
        ]
        for (profile, message) in cases {
            let error = #expect(throws: AWSConfigError.self) { try profiles.credentials(profile: profile) }
            #expect(error?.description == message)
            for secret in ["lonely", "dev-secret", "config-default-secret", "only-secret"] {
                #expect(error?.description.contains(secret) == false)
            }
        }
        let none = AWSProfiles(config: nil, credentials: nil, environment: [:])
        let error = #expect(throws: AWSConfigError.self) { try none.credentials(profile: "default") }
        #expect(error?.description == "profile \"default\": no config or credentials file")
    }

    @Test func regionPrefersTheEnvironment() throws {
        #expect(try profiles().region(profile: "dev") == "us-west-2")
        #expect(try profiles().region(profile: "spaced") == "ap-south-1")
        #expect(try profiles().region(profile: "my dev") == nil)
        #expect(try profiles(["AWS_DEFAULT_REGION": "eu-north-1"]).region(profile: "dev") == "eu-north-1")
        #expect(
            try profiles(["AWS_REGION": "sa-east-1", "AWS_DEFAULT_REGION": "x"]).region(profile: "dev") == "sa-east-1")
        #expect(try profiles(["AWS_REGION": "", "AWS_DEFAULT_REGION": ""]).region(profile: "dev") == "us-west-2")
    }

    @Test func selectedProfileFollowsBotocoresEnvironmentOrder() throws {
        #expect(try profiles().selectedProfile == "default")
        #expect(try profiles(["AWS_PROFILE": "dev"]).selectedProfile == "dev")
        #expect(try profiles(["AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod"]).selectedProfile == "prod")
    }

    @Test func endpointResolutionOrder() throws {
        #expect(try profiles().endpointURL(service: "iam", profile: "dev") == "http://localhost:4566")
        #expect(try profiles().endpointURL(service: "sts", profile: "dev") == "http://localhost:9000")
        #expect(try profiles().endpointURL(service: "sts", profile: "default") == nil)
        let global = try profiles(["AWS_ENDPOINT_URL": "https://global.example"])
        #expect(try global.endpointURL(service: "iam", profile: "dev") == "https://global.example")
        let specific = try profiles([
            "AWS_ENDPOINT_URL": "https://global.example", "AWS_ENDPOINT_URL_STS": "http://[::1]:8080/",
        ])
        #expect(try specific.endpointURL(service: "sts", profile: "dev") == "http://[::1]:8080/")
        #expect(try specific.endpointURL(service: "iam", profile: "dev") == "https://global.example")
        let hyphen = try profiles(["AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm:1"])
        #expect(try hyphen.endpointURL(service: "secrets-manager", profile: "dev") == "http://sm:1")
        let empty = try profiles(["AWS_ENDPOINT_URL_IAM": "", "AWS_ENDPOINT_URL": ""])
        #expect(try empty.endpointURL(service: "iam", profile: "dev") == "http://localhost:4566")
    }

    @Test func ignoreConfiguredEndpointURLs() throws {
        let ignored = try profiles(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE", "AWS_ENDPOINT_URL": "http://e"])
        #expect(try ignored.endpointURL(service: "iam", profile: "dev") == nil)
        let config = try INIDocument(
            parsing: "[default]\nendpoint_url = http://cfg\nignore_configured_endpoint_urls = true\n", fileName: "c")
        #expect(
            try AWSProfiles(config: config, credentials: nil, environment: [:]).endpointURL(
                service: "sts", profile: "default") == nil)
        let overridden = AWSProfiles(
            config: config, credentials: nil, environment: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"])
        #expect(try overridden.endpointURL(service: "sts", profile: "default") == "http://cfg")
    }

    @Test func endpointErrorsNameTheSource() throws {
        func message(_ environment: [String: String], config: String? = nil, profile: String = "dev") throws -> String?
        {
            let profiles =
                try config.map {
                    AWSProfiles(
                        config: try INIDocument(parsing: $0, fileName: "/c"), credentials: nil, environment: environment
                    )
                } ?? self.profiles(environment)
            do {
                _ = try profiles.endpointURL(service: "sts", profile: profile)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(
            try message(["AWS_ENDPOINT_URL_STS": "ftp://x"])
                == "environment variable AWS_ENDPOINT_URL_STS: \"ftp://x\" is not an http:// or https:// URL")
        #expect(
            try message(["AWS_ENDPOINT_URL": "http://"])
                == "environment variable AWS_ENDPOINT_URL: \"http://\" has no host")
        #expect(
            try message([:], profile: "broken-services")
                == "/h/.aws/config: profile \"broken-services\": services: names the services section \"nowhere\", "
                + "which does not exist in the config file or is empty")
        #expect(
            try message([:], config: "[default]\nendpoint_url = localhost:4566\n", profile: "default")
                == "/c: profile \"default\": endpoint_url: \"localhost:4566\" is not an http:// or https:// URL")
        #expect(
            try message(
                [:], config: "[default]\nservices = s\n[services s]\nsts =\n  endpoint_url = http://h:99999\n",
                profile: "default")
                == "/c: profile \"default\": [services s] sts.endpoint_url: \"http://h:99999\" has an invalid port")
        #expect(
            try message([:], config: "[default]\nservices = s\n[services s]\nsts = http://h\n", profile: "default")
                == "/c: profile \"default\": [services s] sts: "
                + "expected an indented sub-section (sts =, then endpoint_url = …)")
    }

    @Test func endpointURLValidation() throws {
        let valid = [
            "http://localhost", "https://sts.amazonaws.com", "http://127.0.0.1:4566", "HTTPS://Example.COM/path?q=1",
            "http://[::1]", "http://[fe80::1]:443/", "http://my_host.local:1",
        ]
        let invalid = [
            "localhost:4566", "ftp://h", "http://", "http://:80", "http://h:0", "http://h:65536", "http://h:8a",
            "http://user@h", "http://h /x", "http://[::1", "http://[zz]", "http://h\u{7F}", "https://ex ample.com",
            "http://exämple.com",
        ]
        for url in valid {
            let profiles = AWSProfiles(config: nil, credentials: nil, environment: ["AWS_ENDPOINT_URL": url])
            #expect(try profiles.endpointURL(service: "sts", profile: "default") == url)
        }
        for url in invalid {
            let profiles = AWSProfiles(config: nil, credentials: nil, environment: ["AWS_ENDPOINT_URL": url])
            #expect(throws: AWSConfigError.self, "\(url)") {
                try profiles.endpointURL(service: "sts", profile: "default")
            }
        }
    }

    @Test func filePathsFollowTheEnvironment() {
        #expect(AWSProfiles.configPath(environment: [:], home: "/home/me") == "/home/me/.aws/config")
        #expect(AWSProfiles.credentialsPath(environment: [:], home: "/home/me/") == "/home/me/.aws/credentials")
        #expect(AWSProfiles.configPath(environment: ["AWS_CONFIG_FILE": "~/cfg"], home: "/h") == "/h/cfg")
        #expect(AWSProfiles.configPath(environment: ["AWS_CONFIG_FILE": "~"], home: "/h") == "/h")
        #expect(AWSProfiles.configPath(environment: ["AWS_CONFIG_FILE": "~other/cfg"], home: "/h") == "~other/cfg")
        #expect(AWSProfiles.configPath(environment: ["AWS_CONFIG_FILE": "/etc/aws"], home: "/h") == "/etc/aws")
        #expect(AWSProfiles.configPath(environment: ["AWS_CONFIG_FILE": ""], home: "/h") == "/h/.aws/config")
        let environment = ["AWS_SHARED_CREDENTIALS_FILE": "$D/${N}.ini$MISSING${}$", "D": "/data", "N": "creds"]
        #expect(AWSProfiles.credentialsPath(environment: environment, home: "/h") == "/data/creds.ini$MISSING${}$")
    }
}
