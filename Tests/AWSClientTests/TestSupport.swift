import AWSProtocol
import Foundation
import Synchronization

@testable import AWSClient

/// Credentials of the AWS documentation examples.
let exampleCredentials = AWSCredentials(
    accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

/// The endpoints of real AWS in us-east-1.
let awsEndpoints: [AWSService: AWSEndpoint] = [
    .iam: AWSEndpoint.resolve(.iam, region: "us-east-1", override: nil),
    .sts: AWSEndpoint.resolve(.sts, region: "us-east-1", override: nil),
]

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: Sendable {
    private let answers: Mutex<[@Sendable (QueryRequest) async throws -> HTTPAnswer]>
    private let sent = Mutex<[QueryRequest]>([])

    init(_ answers: [@Sendable (QueryRequest) async throws -> HTTPAnswer]) {
        self.answers = Mutex(answers)
    }

    /// Answers each request with the next (status, body) in turn.
    convenience init(_ answers: [(Int, String)]) {
        self.init(answers.map { answer in { _ in HTTPAnswer(status: answer.0, body: Array(answer.1.utf8)) } })
    }

    var requests: [QueryRequest] { sent.withLock { $0 } }

    /// The form parameters of each request sent, decoded.
    var sentParameters: [[(String, String)]] {
        requests.map { request in
            let parameters = try! QueryParameters(formEncoded: request.body)
            return parameters.names.map { ($0, parameters[$0]!) }
        }
    }

    var transport: HTTPTransport {
        HTTPTransport { request, _ in
            self.sent.withLock { $0.append(request) }
            let next = self.answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let next else { throw TransportFailure.failed("no scripted answer left") }
            return try await next(request)
        }
    }

    func client(
        credentials: AWSCredentials = exampleCredentials, endpoints: [AWSService: AWSEndpoint] = awsEndpoints,
        timeout: Duration = .seconds(5)
    ) -> AWSClient {
        AWSClient(
            credentials: credentials, endpoints: endpoints, timeout: timeout,
            clock: { Date(timeIntervalSince1970: 1_704_164_645) }, transport: transport)
    }
}

/// The value of header `name` (case-insensitive) in `request`.
func header(_ name: String, of request: QueryRequest) -> String? {
    request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
}

/// Pairs of strings compared element by element (tuples are not Equatable).
func flatten(_ pairs: [(String, String)]) -> [String] { pairs.flatMap { [$0.0, $0.1] } }

/// Whether `text` contains none of `secrets`.
func containsNone(_ text: String, of secrets: [String]) -> Bool {
    secrets.allSatisfy { !text.contains($0) }
}
