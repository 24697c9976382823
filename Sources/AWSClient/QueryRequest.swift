import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A SigV4-signed Query-protocol POST, exactly as it is sent.
struct QueryRequest: Sendable {
    static let contentType = "application/x-www-form-urlencoded; charset=utf-8"

    var url: String
    /// `Host`, `Content-Type`, `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and `Authorization`.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The form body `Action=…&Version=…&<parameters>` signed for `endpoint` (with the `Host` header and path that
    /// will be sent, the port included when it is not the scheme's default).
    init(
        service: AWSService, action: String, parameters: [(String, String)], endpoint: EndpointURL,
        signingRegion: String, credentials: AWSCredentials, date: Date
    ) {
        let pairs = [("Action", action), ("Version", service.apiVersion)] + parameters
        body = Array(AWSPercentEncoding.formBody(pairs).utf8)
        let unsigned = SigV4Request(
            method: "POST", path: endpoint.path,
            headers: [("Host", endpoint.hostHeader), ("Content-Type", Self.contentType)], body: body)
        let signer = SigV4Signer(credentials: credentials, region: signingRegion, service: service.rawValue)
        headers = signer.signed(unsigned, at: date).headers
        url = endpoint.absoluteString
    }
}
