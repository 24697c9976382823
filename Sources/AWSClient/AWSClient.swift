import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Query-protocol calls to IAM and STS, SigV4-signed, over one process-wide HTTP client (never shut down).
public struct AWSClient: Sendable {
    /// The largest answer body read, in bytes.
    public static let maxResponseBytes = 1 << 20

    public let credentials: AWSCredentials
    public let endpoints: [AWSService: AWSEndpoint]
    /// The time limit of one HTTP exchange (connection, request and the whole answer).
    public let timeout: Duration
    private let clock: @Sendable () -> Date
    private let transport: HTTPTransport

    public init(
        credentials: AWSCredentials, endpoints: [AWSService: AWSEndpoint], timeout: Duration = .seconds(30),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(credentials: credentials, endpoints: endpoints, timeout: timeout, clock: clock, transport: .shared)
    }

    init(
        credentials: AWSCredentials, endpoints: [AWSService: AWSEndpoint], timeout: Duration,
        clock: @escaping @Sendable () -> Date, transport: HTTPTransport
    ) {
        self.credentials = credentials
        self.endpoints = endpoints
        self.timeout = timeout
        self.clock = clock
        self.transport = transport
    }

    /// POSTs `Action`, `Version` and `parameters` (form-encoded, in order) to the service's endpoint and returns the
    /// `<Action>Result` element, or the `<Action>Response` element for actions without output.
    /// Throws `AWSError` (AWS's code, message and HTTP status) or `AWSClientError`.
    public func call(
        _ service: AWSService, _ action: String, _ parameters: [(String, String)]
    ) async throws
        -> XMLElement
    {
        func failure(_ reason: AWSClientError.Reason) -> AWSClientError { error(reason, service, action) }
        guard let endpoint = endpoints[service] else { throw failure(.noEndpoint) }
        guard let url = EndpointURL(endpoint.url) else { throw failure(.invalidEndpointURL) }
        let request = QueryRequest(
            service: service, action: action, parameters: parameters, endpoint: url,
            signingRegion: endpoint.signingRegion, credentials: credentials, date: clock())
        let answer: HTTPAnswer
        do {
            let send = transport.send
            guard let received = try await withTimeLimit(timeout, { try await send(request, Self.maxResponseBytes) })
            else { throw failure(.timeout(timeout)) }
            answer = received
        } catch let error as TransportFailure {
            switch error {
            case .failed(let detail): throw failure(.transport(detail))
            case .timedOut: throw failure(.timeout(timeout))
            case .tooLarge: throw failure(.responseTooLarge(limit: Self.maxResponseBytes))
            }
        }
        let redactor = SecretRedactor(credentials: credentials, parameters: parameters)
        do {
            return try QueryResponseDecoder.result(
                action: action, status: answer.status, body: answer.body, maxBytes: Self.maxResponseBytes,
                redactor: redactor)
        } catch .aws(let error) {
            throw error
        } catch .unexpected(let status, let excerpt) {
            throw failure(.unexpectedResponse(status: status, excerpt: excerpt))
        }
    }

    /// Calls `action` and reads its result with `read`; a shape problem becomes `AWSClientError.malformedResponse`.
    func call<Value>(
        _ service: AWSService, _ action: String, _ parameters: [(String, String)],
        reading read: (XMLElement) throws(ResultShapeError) -> Value
    ) async throws -> Value {
        let result = try await call(service, action, parameters)
        do {
            return try read(result)
        } catch {
            throw self.error(.malformedResponse(error.description), service, action)
        }
    }

    /// An `AWSClientError` for `action`, naming the service's endpoint (user info masked).
    func error(_ reason: AWSClientError.Reason, _ service: AWSService, _ action: String) -> AWSClientError {
        AWSClientError(
            reason, service: service, action: action, endpoint: EndpointURL.displayable(endpoints[service]?.url ?? ""))
    }
}
