extension AWSProfiles {
    /// The endpoint override for a service (its SDK service id, e.g. "iam", "sts"), in botocore's order:
    /// `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section's `<service> =` sub-section
    /// `endpoint_url`, then the profile's `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (else the
    /// profile's `ignore_configured_endpoint_urls`) is `true`. Empty values count as unset. The URL must be http or
    /// https with a host; errors name where it came from.
    public func endpointURL(service: String, profile: String) throws(AWSConfigError) -> String? {
        let ignore =
            nonEmpty(environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"])
            ?? setting("ignore_configured_endpoint_urls", profile: profile)
        if ignore?.lowercased() == "true" { return nil }
        let serviceId = String(service.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        for variable in ["AWS_ENDPOINT_URL_\(serviceId.uppercased())", "AWS_ENDPOINT_URL"] {
            if let url = nonEmpty(environment[variable]) {
                return try Self.validated(url) { AWSConfigError(environmentVariable: variable, message: $0) }
            }
        }
        if let config, let services = try servicesSection(profile: profile),
            let url = try serviceEndpoint(
                serviceId, in: services, config: config, profile: profile)
        {
            return url
        }
        guard let source = source(of: "endpoint_url", profile: profile),
            let url = nonEmpty(source.document.value("endpoint_url", in: source.section))
        else { return nil }
        return try Self.validated(url) {
            AWSConfigError(files: [source.document.fileName], profile: profile, key: "endpoint_url", message: $0)
        }
    }

    private func serviceEndpoint(
        _ serviceId: String, in services: (name: String, section: String), config: INIDocument, profile: String
    ) throws(AWSConfigError) -> String? {
        guard config.value(serviceId, in: services.section) != nil else { return nil }
        func error(_ key: String, _ message: String) -> AWSConfigError {
            AWSConfigError(files: [config.fileName], profile: profile, key: key, message: message)
        }
        guard config.isNested(serviceId, in: services.section) else {
            throw error(
                "[\(services.section)] \(serviceId)",
                "expected an indented sub-section (\(serviceId) =, then endpoint_url = …)")
        }
        guard let url = nonEmpty(config.nested(serviceId, in: services.section)["endpoint_url"]) else { return nil }
        return try Self.validated(url) { error("[\(services.section)] \(serviceId).endpoint_url", $0) }
    }

    /// The URL when it is http or https with a host (and a valid port if any), else the error `makeError` builds.
    static func validated(_ url: String, _ makeError: (String) -> AWSConfigError) throws(AWSConfigError) -> String {
        if let problem = EndpointURL.problem(url) { throw makeError("\"\(url)\" \(problem)") }
        return url
    }
}

/// The checks an endpoint URL must pass before requests (and credentials) are sent to it.
enum EndpointURL {
    /// Why the URL is unusable, or nil when it is fine.
    static func problem(_ url: String) -> String? {
        let bytes = Array(url.utf8)
        if bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { return "contains whitespace or control characters" }
        guard let schemeEnd = url.firstRange(of: "://") else { return "is not an http:// or https:// URL" }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return "is not an http:// or https:// URL" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { return "must not contain user information" }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "has an unterminated IPv6 address" }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { return "has an invalid host" }
                port = afterHost.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return "has an invalid IPv6 address"
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty else { return "has no host" }
            let hostCharacters = host.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0))
            }
            guard hostCharacters else { return "has an invalid host" }
        }
        if let port {
            guard (1...5).contains(port.count), port.allSatisfy(\.isASCIIDigit), let number = Int(port),
                (1...65535).contains(number)
            else { return "has an invalid port" }
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
