#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Client-side SigV4 signing (`AWS4-HMAC-SHA256`), byte-for-byte as botocore signs the same request.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to `request`: `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and
    /// `Authorization`. Signs `host`, `content-type` (if present) and every `x-amz-*` header; the request must carry
    /// a `Host` header. Any `Authorization`, `X-Amz-Date` or `X-Amz-Security-Token` already in the request is
    /// ignored (the returned ones replace them).
    public func sign(_ request: SigV4Request, at date: Date) -> [(name: String, value: String)] {
        let amzDate = AWSTimestamp.formatAmzDate(date)
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        var signing = request
        signing.headers = request.headers.filter { !Self.isReplacedHeader($0.name) } + added
        let signedHeaders = Self.signedHeaderNames(signing.headers, includeContentType: true)
        let scope = SigV4Canonical.credentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        let signature = signature(
            of: signing, signedHeaders: signedHeaders, amzDate: amzDate, scope: scope, omitting: nil)
        added.append(
            (
                "Authorization",
                "\(SigV4Canonical.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
            ))
        return added
    }

    /// `request` with the headers of `sign(_:at:)` applied.
    public func signed(_ request: SigV4Request, at date: Date) -> SigV4Request {
        var result = request
        result.headers = request.headers.filter { !Self.isReplacedHeader($0.name) } + sign(request, at: date)
        return result
    }

    /// The complete query string of a presigned URL for `request` (normally a GET with its parameters in `rawQuery`):
    /// the request's own query, then `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders`, `X-Amz-Security-Token` (with a session token) and last `X-Amz-Signature`. Signs `host`
    /// and any `x-amz-*` header; `expires` is clamped to 1…604800 seconds.
    public func presignedQuery(_ request: SigV4Request, at date: Date, expires: Int) -> String {
        let amzDate = AWSTimestamp.formatAmzDate(date)
        let scope = SigV4Canonical.credentialScope(date: String(amzDate.prefix(8)), region: region, service: service)
        var signing = request
        signing.headers = request.headers.filter { !Self.isReplacedHeader($0.name) }
        let signedHeaders = Self.signedHeaderNames(signing.headers, includeContentType: false)
        var authParameters: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4Canonical.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(max(1, min(SigV4Authorization.maxExpiresSeconds, expires)))),
            ("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";")),
        ]
        if let token = credentials.sessionToken { authParameters.append(("X-Amz-Security-Token", token)) }
        let authQuery = AWSPercentEncoding.formBody(authParameters)
        signing.rawQuery = request.rawQuery.isEmpty ? authQuery : request.rawQuery + "&" + authQuery
        let signature = signature(
            of: signing, signedHeaders: signedHeaders, amzDate: amzDate, scope: scope, omitting: "X-Amz-Signature")
        return signing.rawQuery + "&X-Amz-Signature=" + signature
    }

    private func signature(
        of request: SigV4Request, signedHeaders: [String], amzDate: String, scope: String, omitting: String?
    ) -> String {
        let canonicalRequest = SigV4Canonical.canonicalRequestBytes(
            request, signedHeaders: signedHeaders, payloadHash: SigV4Canonical.payloadHash(request.body),
            omittingQueryParameter: omitting)
        let stringToSign = SigV4Canonical.stringToSignBytes(
            amzDate: amzDate, credentialScope: scope, canonicalRequestHash: SigV4Canonical.sha256Hex(canonicalRequest))
        let key = SigV4Canonical.signingKey(
            secret: credentials.secretAccessKey, date: String(amzDate.prefix(8)), region: region, service: service)
        return SigV4Canonical.signature(signingKey: key, stringToSign: String(decoding: stringToSign, as: UTF8.self))
    }

    private static func isReplacedHeader(_ name: String) -> Bool {
        ASCII.equalsIgnoringCase(name, "authorization") || ASCII.equalsIgnoringCase(name, "x-amz-date")
            || ASCII.equalsIgnoringCase(name, "x-amz-security-token")
    }

    /// Sorted, unique, lower-cased names of `host`, optionally `content-type`, and `x-amz-*` headers.
    private static func signedHeaderNames(
        _ headers: [(name: String, value: String)], includeContentType: Bool
    )
        -> [String]
    {
        var names = Set<String>()
        for header in headers {
            let name = ASCII.lowercased(header.name)
            if name == "host" || (includeContentType && name == "content-type") || name.utf8.starts(with: "x-amz-".utf8)
            {
                names.insert(name)
            }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
