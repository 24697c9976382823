import AWSClient

extension AssumeConfiguration {
    /// Where the profile's role signs in to the console: `vegas_federation_url` and `vegas_console_url` when set (on
    /// the profile, else on its source profile), otherwise `ConsoleFederation.standard` for the role, region and STS
    /// endpoint. A profile without a role is refused before any credentials are fetched: the federation endpoint takes
    /// role (and federation-token) credentials only, not long-term keys or their MFA session.
    public func consoleFederation(files: AWSFiles) throws -> ConsoleFederation {
        guard let roleARN else {
            throw ConfigurationError(
                "profile \(profile) has no vegas_role_arn: the console sign-in takes role credentials only (AWS's "
                    + "federation endpoint refuses long-term keys and their MFA sessions); use a profile with a role")
        }
        func setting(_ key: String) -> String? {
            for name in [profile, sourceProfile] {
                if let value = files.profiles.setting(key, profile: name), !value.isEmpty { return value }
            }
            return nil
        }
        let place = "\(files.configPath): profile \(profile)"
        let endpoint = setting("vegas_federation_url")
        let destination = setting("vegas_console_url")
        if let endpoint, let problem = ConsoleFederation.endpointProblem(endpoint) {
            throw ConfigurationError("\(place): vegas_federation_url '\(endpoint)' \(problem)")
        }
        if let destination, let problem = ConsoleFederation.destinationProblem(destination) {
            throw ConfigurationError("\(place): vegas_console_url '\(destination)' \(problem)")
        }
        if let endpoint, let destination { return ConsoleFederation(endpoint: endpoint, destination: destination) }
        guard
            let standard = ConsoleFederation.standard(roleARN: roleARN, region: region, stsEndpoint: stsEndpoint.url)
        else {
            throw ConfigurationError(
                "\(place): no console sign-in is known for role \(roleARN) at STS endpoint \(stsEndpoint.url); "
                    + "set vegas_federation_url and vegas_console_url")
        }
        if endpoint == nil, let problem = ConsoleFederation.endpointProblem(standard.endpoint) {
            throw ConfigurationError(
                "\(place): the federation endpoint \(standard.endpoint) (derived from STS endpoint "
                    + "\(stsEndpoint.url)) \(problem); vegas_federation_url can name another one")
        }
        return ConsoleFederation(
            endpoint: endpoint ?? standard.endpoint, destination: destination ?? standard.destination)
    }
}

extension CachedCredentials {
    /// The credentials as STS returned them.
    public var temporaryCredentials: TemporaryCredentials {
        TemporaryCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration)
    }
}
