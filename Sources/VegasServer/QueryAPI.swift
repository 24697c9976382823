import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import IdentityService
import Logging
import Metrics
import NIOCore

/// The AWS Query API on `/`: SigV4-authenticated IAM and STS actions, answered in AWS's XML shapes.
struct QueryAPI: Sendable {
    let identity: IdentityService
    let metrics: any MetricsFactory
    let maxBodyBytes: Int
    let clock: @Sendable () -> Date
    let signingKeys = SigningKeyCache()

    static let tables = [
        "iam": IAMActions.table,
        "sts": STSActions.table,
    ]

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let requestId = Identifiers.requestId()
        let started = ContinuousClock.now
        // Log metadata is given per line rather than set on the logger: setting it copies the handler's metadata on
        // every request, while a line's metadata is built only when the line is logged.
        let logger = context.logger
        var namespace = QueryResponse.iamNamespace
        var action = "unknown"
        let response: Response
        let outcome: String
        do {
            let body = try await readBody(request)
            let signed = SigV4Request(
                method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
                headers: Self.signableHeaders(request), body: body)
            let authorization = try SigV4Authorization.parse(signed)
            guard let table = Self.tables[authorization.service] else {
                throw AWSError.signatureDoesNotMatch(
                    "Credential should be scoped to correct service: 'iam' or 'sts', not '\(authorization.service)'.")
            }
            namespace = table.namespace
            let caller = try await identity.caller(
                accessKeyId: authorization.accessKeyId, securityToken: authorization.securityToken)
            try SigV4Verifier.verify(
                authorization, request: signed,
                signingKey: signingKeys.key(for: authorization, secretAccessKey: caller.secretAccessKey), now: clock())

            let parameters = try QueryParameters(
                formEncoded: request.method == .post ? body : Array((request.uri.query ?? "").utf8))
            guard let name = parameters["Action"], !name.isEmpty else { throw AWSError.missingAction }
            guard let handler = table.handlers[name] else {
                throw AWSError.invalidAction(name, version: parameters["Version"])
            }
            action = name
            guard parameters["Version"] == table.version else {
                throw AWSError.invalidAction(name, version: parameters["Version"])
            }
            let result = try await handler(
                ActionRequest(parameters: parameters, caller: caller.principal, identity: identity))
            response = xml(
                .ok, QueryResponse.success(action: name, namespace: namespace, result: result, requestId: requestId),
                requestId: requestId)
            outcome = "ok"
        } catch let error as AWSError {
            response = xml(
                HTTPResponse.Status(code: error.httpStatus),
                QueryResponse.error(error, namespace: namespace, requestId: requestId), requestId: requestId)
            outcome = error.code
        } catch {
            logger.error(
                "request failed",
                metadata: [
                    "request_id": "\(requestId)", "action": "\(action)",
                    "error": "\(String(reflecting: type(of: error)))", "detail": "\(error)",
                ])
            let failure = AWSError.serviceFailure()
            response = xml(
                .internalServerError, QueryResponse.error(failure, namespace: namespace, requestId: requestId),
                requestId: requestId)
            outcome = failure.code
        }
        let elapsed = ContinuousClock.now - started
        Counter(label: "vegas_requests_total", dimensions: [("action", action), ("code", outcome)], factory: metrics)
            .increment()
        Timer(label: "vegas_request_duration_seconds", dimensions: [("action", action)], factory: metrics)
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        // One access-log line per request at debug level (--log-level debug); failures of the server itself are errors.
        logger.debug(
            "request",
            metadata: [
                "request_id": "\(requestId)", "action": "\(action)", "code": "\(outcome)",
                "status": "\(response.status.code)",
            ])
        return response
    }

    /// The raw body, refused early (413) when larger than the limit.
    private func readBody(_ request: Request) async throws -> [UInt8] {
        let tooLarge = AWSError(
            code: "RequestEntityTooLarge", message: "Request body must not exceed \(maxBodyBytes) bytes.",
            httpStatus: 413)
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes { throw tooLarge }
        do {
            return Array(try await request.body.collect(upTo: maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    private func xml(_ status: HTTPResponse.Status, _ bytes: [UInt8], requestId: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/xml", Self.requestIdHeader: requestId],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request's headers as the client signed them. HTTP/1's Host header arrives as the request's authority.
    static func signableHeaders(_ request: Request) -> [(name: String, value: String)] {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if let authority = request.head.authority, !headers.contains(where: { $0.name == "host" }) {
            headers.append((name: "host", value: authority))
        }
        return headers
    }

    static let requestIdHeader = HTTPField.Name("x-amzn-RequestId")!
}
