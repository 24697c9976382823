/// A call that did not get an answer from AWS: a bad or missing endpoint, a transport failure, a timeout, or an
/// answer that is not a Query-protocol document. Errors AWS itself reports are `AWSError`s.
///
/// Descriptions name the service, action and endpoint; they never contain credentials, tokens or MFA codes.
public struct AWSClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No endpoint is configured for the service.
        case noEndpoint
        /// The endpoint URL is not an absolute `http(s)://host[:port][/path]` URL.
        case invalidEndpointURL
        /// The request could not be sent or the answer not received (DNS, connection refused, TLS, reset …).
        case transport(String)
        /// No complete answer within the time limit.
        case timeout(Duration)
        /// The answer's body is larger than the limit, in bytes.
        case responseTooLarge(limit: Int)
        /// The answer is not a Query-protocol XML document: its HTTP status and the start of its body, sanitized.
        case unexpectedResponse(status: Int, excerpt: String)
        /// A well-formed answer that lacks an element or has an invalid value.
        case malformedResponse(String)
    }

    public var reason: Reason
    public var service: AWSService
    public var action: String
    /// The endpoint URL as configured, with any user info masked.
    public var endpoint: String

    public init(_ reason: Reason, service: AWSService, action: String, endpoint: String) {
        self.reason = reason
        self.service = service
        self.action = action
        self.endpoint = endpoint
    }

    public var description: String {
        let call = "\(service.displayName) \(action)"
        switch reason {
        case .noEndpoint:
            return "\(call): no endpoint is configured for \(service.displayName)"
        case .invalidEndpointURL:
            return
                "\(call): the endpoint '\(endpoint)' is not an http:// or https:// URL of the form "
                + "scheme://host[:port][/path]"
        case .transport(let detail):
            return "\(call) at \(endpoint) failed: \(detail)"
        case .timeout(let limit):
            return "\(call) at \(endpoint) got no answer within \(Self.format(limit))"
        case .responseTooLarge(let limit):
            return "\(call) at \(endpoint): the answer is larger than \(limit) bytes"
        case .unexpectedResponse(let status, let excerpt):
            let body = excerpt.isEmpty ? "an empty body" : "'\(excerpt)'"
            return "\(call) at \(endpoint): unexpected answer (HTTP \(status)), not an AWS XML response: \(body)"
        case .malformedResponse(let detail):
            return "\(call) at \(endpoint): malformed answer: \(detail)"
        }
    }

    /// `duration` as "30 s" or "0.250 s".
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        return milliseconds == 0 ? "\(seconds) s" : "\(seconds).\(String(1000 + milliseconds).dropFirst()) s"
    }
}
