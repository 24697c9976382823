import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Console sign-in with a role's temporary credentials through a federation endpoint, as AWS documents it ("Enable
/// custom identity broker access to the AWS console"): `getSigninToken` trades the credentials for a sign-in token
/// that is valid for 15 minutes, and the `login` URL takes that token to the console.
public struct ConsoleFederation: Sendable, Equatable {
    /// The federation endpoint, e.g. `https://signin.aws.amazon.com/federation`.
    public var endpoint: String
    /// Where the browser lands once signed in, e.g. `https://console.aws.amazon.com/`.
    public var destination: String

    public init(endpoint: String, destination: String) {
        self.endpoint = endpoint
        self.destination = destination
    }

    /// The console session lengths `getSigninToken` accepts as `SessionDuration`, in seconds.
    public static let sessionDurations = 900...43_200
    /// The largest answer read, in bytes (a sign-in token is a few hundred bytes to a few kilobytes).
    public static let maxResponseBytes = 64 * 1024
    /// The longest sign-in token accepted, in bytes.
    static let maxTokenBytes = 16 * 1024
    /// The `Issuer` of login URLs.
    public static let issuer = "vegas-credentials"

    /// The federation endpoint and console for a role, from where its credentials come from. For an STS endpoint of
    /// AWS (`*.amazonaws.com`, `*.amazonaws.com.cn`, `*.api.aws`), those of the role ARN's partition: aws
    /// `https://signin.aws.amazon.com/federation` and `https://console.aws.amazon.com/`, aws-cn
    /// `signin.amazonaws.cn` and `console.amazonaws.cn`, aws-us-gov `signin.amazonaws-us-gov.com` and
    /// `console.amazonaws-us-gov.com`; with a region of that partition the console is
    /// `https://<region>.<console host>/console/home?region=<region>` (as aws-vault builds it). For any other STS
    /// endpoint (vegas-server, a stand-in): `<endpoint>/federation` and `<endpoint>/console/`. Nil for a partition
    /// without a known console (aws-iso, aws-iso-b) or an STS endpoint that is not an `http(s)://host[:port][/path]`
    /// URL.
    public static func standard(roleARN: String, region: String?, stsEndpoint: String) -> ConsoleFederation? {
        guard let sts = EndpointURL(stsEndpoint) else { return nil }
        guard Self.isAWSHost(sts.host) else {
            var base = sts.absoluteString
            while base.hasSuffix("/") { base.removeLast() }
            return ConsoleFederation(endpoint: base + "/federation", destination: base + "/console/")
        }
        guard let arn = ARN(parsing: roleARN), let partition = Partition(arnPartition: arn.partition) else {
            return nil
        }
        let console = partition.consoleHost
        guard let region, Self.isRegionName(region), Partition(region: region) == partition else {
            return ConsoleFederation(endpoint: partition.federationEndpoint, destination: "https://\(console)/")
        }
        return ConsoleFederation(
            endpoint: partition.federationEndpoint,
            destination: "https://\(region).\(console)/console/home?region=\(region)")
    }

    /// Why `url` cannot be a federation endpoint, nil when it can: it has to be an `http(s)://host[:port][/path]` URL
    /// (no query, fragment or user info), and https unless the host is loopback, since the request carries the
    /// secret key.
    public static func endpointProblem(_ url: String) -> String? {
        guard let parsed = EndpointURL(url) else {
            return "is not an http:// or https:// URL of the form scheme://host[:port][/path]"
        }
        guard parsed.isSecure || parsed.isLoopback else {
            return "is plain http to a host other than loopback: the role's secret key would cross the network "
                + "unencrypted (use https)"
        }
        return nil
    }

    /// Why `url` cannot be a console destination, nil when it can: an http(s) URL of at most 2048 bytes of printable
    /// ASCII, query and fragment allowed.
    public static func destinationProblem(_ url: String) -> String? {
        let base = url.prefix { $0 != "?" && $0 != "#" }
        guard url.utf8.count <= 2048, url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), EndpointURL(String(base)) != nil
        else { return "is not an http:// or https:// URL of printable ASCII (at most 2048 bytes)" }
        return nil
    }

    /// Trades a role's credentials for a sign-in token (GET `getSigninToken`; redirects are not followed).
    /// `sessionDuration` (900…43200 s) asks for that console session length. Errors never contain the secret key or
    /// session token; they are thrown as `ConsoleFederationError`.
    public func signinToken(
        for credentials: TemporaryCredentials, sessionDuration: Int? = nil, timeout: Duration = .seconds(30)
    ) async throws -> String {
        try await signinToken(
            for: credentials, sessionDuration: sessionDuration, timeout: timeout, get: HTTPTransport.get)
    }

    func signinToken(
        for credentials: TemporaryCredentials, sessionDuration: Int?, timeout: Duration,
        get: @escaping @Sendable (_ url: String, _ maxBodyBytes: Int) async throws -> HTTPAnswer
    ) async throws -> String {
        func failure(_ reason: ConsoleFederationError.Reason) -> ConsoleFederationError {
            ConsoleFederationError(reason, endpoint: EndpointURL.displayable(endpoint))
        }
        if let problem = Self.endpointProblem(endpoint) { throw failure(.invalidEndpoint(problem)) }
        if let sessionDuration, !Self.sessionDurations.contains(sessionDuration) {
            throw failure(.invalidSessionDuration(sessionDuration))
        }
        let url = signinTokenURL(credentials, sessionDuration: sessionDuration)
        let redactor = Self.redactor(for: credentials)
        let answer: HTTPAnswer
        do {
            guard let received = try await withTimeLimit(timeout, { try await get(url, Self.maxResponseBytes) }) else {
                throw failure(.timeout(timeout))
            }
            answer = received
        } catch let error as TransportFailure {
            switch error {
            case .failed(let detail): throw failure(.transport(redactor.redact(detail)))
            case .timedOut: throw failure(.timeout(timeout))
            case .tooLarge: throw failure(.responseTooLarge(limit: Self.maxResponseBytes))
            }
        }
        do throws(ConsoleFederationError.Reason) {
            return try Self.signinToken(status: answer.status, body: answer.body, redactor: redactor)
        } catch {
            throw failure(error)
        }
    }

    /// The `getSigninToken` request: `<endpoint>?Action=getSigninToken[&SessionDuration=N]&Session=<JSON>`, each value
    /// percent-encoded. It holds the secret key: it is sent, never shown.
    func signinTokenURL(_ credentials: TemporaryCredentials, sessionDuration: Int?) -> String {
        var pairs = [("Action", "getSigninToken")]
        if let sessionDuration { pairs.append(("SessionDuration", String(sessionDuration))) }
        pairs.append(("Session", Self.sessionJSON(credentials)))
        return endpoint + "?" + AWSPercentEncoding.formBody(pairs)
    }

    /// The `Session` parameter: `{"sessionId":…,"sessionKey":…,"sessionToken":…}` with JSON string escaping.
    static func sessionJSON(_ credentials: TemporaryCredentials) -> String {
        let fields = [
            ("sessionId", credentials.accessKeyId), ("sessionKey", credentials.secretAccessKey),
            ("sessionToken", credentials.sessionToken),
        ]
        return "{" + fields.map { "\(JSONString.quoted($0.0)):\(JSONString.quoted($0.1))" }.joined(separator: ",") + "}"
    }

    /// The sign-in token of a 200 answer `{"SigninToken":"…"}` (other members are ignored), or why there is none.
    static func signinToken(
        status: Int, body: [UInt8], redactor: SecretRedactor
    ) throws(ConsoleFederationError.Reason) -> String {
        func quoted() -> String {
            let excerpt = ResponseExcerpt.make(body, redactor: redactor)
            return excerpt.isEmpty ? "an empty body" : "'\(excerpt)'"
        }
        guard status == 200 else {
            throw .refused(status: status, excerpt: ResponseExcerpt.make(body, redactor: redactor))
        }
        let token: String
        do {
            token = try JSONDecoder().decode(SigninTokenAnswer.self, from: Data(body)).token
        } catch DecodingError.keyNotFound {
            throw .malformedResponse("the answer has no SigninToken: \(quoted())")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            guard context.codingPath.isEmpty else { throw .malformedResponse("SigninToken is not a string") }
            throw .malformedResponse("the answer is not a JSON object: \(quoted())")
        } catch {
            throw .malformedResponse("the answer is not JSON: \(quoted())")
        }
        guard !token.isEmpty else { throw .malformedResponse("SigninToken is empty") }
        guard token.utf8.count <= maxTokenBytes else {
            throw .malformedResponse("SigninToken is longer than \(maxTokenBytes) bytes")
        }
        guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformedResponse("SigninToken has characters other than printable ASCII")
        }
        return token
    }

    private struct SigninTokenAnswer: Decodable {
        let token: String

        enum CodingKeys: String, CodingKey { case token = "SigninToken" }
    }

    /// The console login URL: `<endpoint>?Action=login&Issuer=vegas-credentials&Destination=…&SigninToken=…`, each
    /// value percent-encoded. Whoever opens it within 15 minutes is signed in: it is a secret.
    public func loginURL(signinToken: String) -> String {
        endpoint + "?"
            + AWSPercentEncoding.formBody([
                ("Action", "login"), ("Issuer", Self.issuer), ("Destination", destination),
                ("SigninToken", signinToken),
            ])
    }

    /// Masks the secret key and session token in error texts, also percent-encoded as they are sent.
    static func redactor(for credentials: TemporaryCredentials) -> SecretRedactor {
        let secrets = [credentials.secretAccessKey, credentials.sessionToken]
        return SecretRedactor(secrets: secrets + secrets.map { AWSPercentEncoding.encode($0) })
    }

    private static func isAWSHost(_ host: String) -> Bool {
        ["amazonaws.com", "amazonaws.com.cn", "api.aws"].contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// A region name that can stand in a host name: 1–32 of `a-z 0-9 -`, starting with a letter.
    private static func isRegionName(_ region: String) -> Bool {
        guard let first = region.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first),
            region.utf8.count <= 32, region != "aws-global"
        else { return false }
        return region.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "-")
        }
    }
}

/// A console sign-in that did not give a token: a bad endpoint, a transport failure, a timeout, a refusal, or an
/// answer without a token. Descriptions name the endpoint; they never contain the secret key or session token.
public struct ConsoleFederationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Error, Sendable, Equatable {
        /// The federation endpoint is unusable (see `ConsoleFederation.endpointProblem`).
        case invalidEndpoint(String)
        /// `SessionDuration` outside 900…43200 seconds.
        case invalidSessionDuration(Int)
        /// The request could not be sent or the answer not received.
        case transport(String)
        /// No complete answer within the time limit.
        case timeout(Duration)
        /// The answer's body is larger than the limit, in bytes.
        case responseTooLarge(limit: Int)
        /// An answer other than 200 (a redirect included): its status and the start of its body, sanitized.
        case refused(status: Int, excerpt: String)
        /// A 200 answer without a usable sign-in token.
        case malformedResponse(String)
    }

    public var reason: Reason
    /// The federation endpoint as configured, with any user info masked.
    public var endpoint: String

    public init(_ reason: Reason, endpoint: String) {
        self.reason = reason
        self.endpoint = endpoint
    }

    public var description: String {
        let call = "console sign-in: getSigninToken at \(endpoint)"
        switch reason {
        case .invalidEndpoint(let problem):
            return "console sign-in: the federation endpoint '\(endpoint)' \(problem)"
        case .invalidSessionDuration(let seconds):
            let range = ConsoleFederation.sessionDurations
            return "console sign-in: the session duration must be \(range.lowerBound)…\(range.upperBound) seconds, "
                + "got \(seconds)"
        case .transport(let detail):
            return "\(call) failed: \(detail)"
        case .timeout(let limit):
            return "\(call) got no answer within \(AWSClientError.format(limit))"
        case .responseTooLarge(let limit):
            return "\(call): the answer is larger than \(limit) bytes"
        case .refused(let status, let excerpt):
            return "\(call) was refused (HTTP \(status)): \(excerpt.isEmpty ? "an empty body" : "'\(excerpt)'")"
        case .malformedResponse(let detail):
            return "\(call): malformed answer: \(detail)"
        }
    }
}

extension Partition {
    /// The partition of an ARN's partition field; nil for those without a known console (aws-iso, aws-iso-b …).
    init?(arnPartition: String) {
        switch arnPartition {
        case "aws": self = .aws
        case "aws-cn": self = .china
        case "aws-us-gov": self = .govCloud
        default: return nil
        }
    }

    var federationEndpoint: String {
        switch self {
        case .aws: "https://signin.aws.amazon.com/federation"
        case .china: "https://signin.amazonaws.cn/federation"
        case .govCloud: "https://signin.amazonaws-us-gov.com/federation"
        }
    }

    var consoleHost: String {
        switch self {
        case .aws: "console.aws.amazon.com"
        case .china: "console.amazonaws.cn"
        case .govCloud: "console.amazonaws-us-gov.com"
        }
    }
}

extension EndpointURL {
    /// Whether the host is this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
    var isLoopback: Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && UInt8($0) != nil }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
