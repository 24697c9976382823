#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The SigV4 claims of a request, from either the `Authorization` header (with `X-Amz-Date` or `Date`) or a
/// presigned query string (`X-Amz-Algorithm`, `X-Amz-Credential`, …). Parsing checks form only; `SigV4Verifier`
/// checks time, scope and signature.
public struct SigV4Authorization: Sendable, Equatable {
    public let accessKeyId: String
    /// The `YYYYMMDD` of the credential scope.
    public let scopeDate: String
    public let region: String
    public let service: String
    /// Lower-cased, sorted, without duplicates.
    public let signedHeaders: [String]
    public let signature: String
    /// The request time (whole seconds) from `X-Amz-Date` (header or query) or the `Date` header.
    public let requestDate: Date
    /// `X-Amz-Security-Token` (header or query), for temporary credentials.
    public let securityToken: String?
    /// `X-Amz-Expires` of a presigned request (900 when a presigned request omits it); nil for the header form.
    public let expiresSeconds: Int?

    /// Whether the signature came in the query string.
    public var isPresigned: Bool { expiresSeconds != nil }

    /// `YYYYMMDD/region/service/aws4_request`.
    public var credentialScope: String {
        SigV4Canonical.credentialScope(date: scopeDate, region: region, service: service)
    }

    /// The longest presigned lifetime AWS allows (seven days).
    public static let maxExpiresSeconds = 604_800

    /// Reads the signature claims of `request`.
    ///
    /// Throws `MissingAuthenticationToken` when the request carries neither form; `IncompleteSignature` (AWS's texts)
    /// for an unsupported algorithm, a malformed `key=value` part, missing `Credential`/`SignedHeaders`/`Signature`
    /// or date, a credential without five `/`-separated parts, a date not in ISO-8601 basic format or a bad
    /// `X-Amz-Expires`; `SignatureDoesNotMatch` for a scope terminator other than `aws4_request`; and
    /// `MalformedQueryString` for an undecodable presigned query.
    public static func parse(_ request: SigV4Request) throws(AWSError) -> SigV4Authorization {
        let header = request.header("Authorization")
        let presigned = hasQueryParameter("X-Amz-Algorithm", in: request.rawQuery)
        switch (header, presigned) {
        case (nil, false): throw .missingAuthenticationToken
        case (.some, true):
            throw .incompleteSignature(
                "The request carries both an Authorization header and an X-Amz-Algorithm query parameter; use only one."
            )
        case (.some(let header), false): return try parseHeader(header, request: request)
        case (nil, true): return try parseQuery(request.rawQuery)
        }
    }

    /// Checks the credential scope names the expected region and service (AWS: `SignatureDoesNotMatch`).
    public func checkScope(region expectedRegion: String, service expectedService: String) throws(AWSError) {
        var problems: [String] = []
        if region != expectedRegion {
            problems.append("Credential should be scoped to a valid region, not '\(region)'.")
        }
        if service != expectedService {
            problems.append("Credential should be scoped to correct service: '\(expectedService)'.")
        }
        if !problems.isEmpty { throw .signatureDoesNotMatch(problems.joined(separator: " ")) }
    }

    // MARK: - Header form

    private static func parseHeader(_ header: String, request: SigV4Request) throws(AWSError) -> SigV4Authorization {
        let value = ASCII.trimmed(header[...])
        let algorithmEnd = value.utf8.firstIndex(where: ASCII.isWhitespace) ?? value.endIndex
        let algorithm = value[..<algorithmEnd]
        guard algorithm == SigV4Canonical.algorithm else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for part in ASCII.split(value[algorithmEnd...], on: UInt8(ascii: ",")) {
            let parameter = ASCII.trimmed(part)
            if parameter.isEmpty { continue }
            guard let equals = parameter.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                throw .incompleteSignature(
                    "'\(parameter)' not a valid key=value pair (missing equal-sign) in Authorization header: '\(value)'"
                )
            }
            let parameterValue = parameter[parameter.utf8.index(after: equals)...]
            switch parameter[..<equals] {
            case "Credential": credential = parameterValue
            case "SignedHeaders": signedHeaders = parameterValue
            case "Signature": signature = parameterValue
            default: continue
            }
        }
        let amzDate = request.header("X-Amz-Date")
        let dateText = amzDate ?? request.header("Date")
        var missing: [String] = []
        if credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        if dateText == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard let credential, let signedHeaders, let signature, let dateText else {
            throw .incompleteSignature(missing.joined(separator: " ") + " Authorization=\(value)")
        }
        let date: Date
        if amzDate == nil, let httpDate = AWSTimestamp.parseHTTPDate(dateText) {
            date = httpDate
        } else {
            date = try parseAmzDate(dateText)
        }
        return try SigV4Authorization(
            credential: credential, signedHeaders: signedHeaders, signature: String(signature), requestDate: date,
            securityToken: request.header("X-Amz-Security-Token"), expiresSeconds: nil)
    }

    // MARK: - Presigned (query) form

    private static func parseQuery(_ rawQuery: String) throws(AWSError) -> SigV4Authorization {
        let parameters = try QueryParameters(formEncoded: rawQuery.utf8)
        let algorithm = parameters["X-Amz-Algorithm"] ?? ""
        guard algorithm == SigV4Canonical.algorithm else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        var missing: [String] = []
        for name in ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"]
        where parameters[name] == nil {
            missing.append("AWS query-string parameters must include '\(name)'.")
        }
        guard let credential = parameters["X-Amz-Credential"], let signedHeaders = parameters["X-Amz-SignedHeaders"],
            let signature = parameters["X-Amz-Signature"], let dateText = parameters["X-Amz-Date"]
        else {
            throw .incompleteSignature(missing.joined(separator: " ") + " Re-examine the query-string parameters.")
        }
        let expires = try parseExpires(parameters["X-Amz-Expires"])
        return try SigV4Authorization(
            credential: credential[...], signedHeaders: signedHeaders[...], signature: signature,
            requestDate: parseAmzDate(dateText), securityToken: parameters["X-Amz-Security-Token"],
            expiresSeconds: expires)
    }

    private static func parseExpires(_ text: String?) throws(AWSError) -> Int {
        guard let text else { return 900 }
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }),
            let seconds = Int(text)
        else { throw .incompleteSignature("X-Amz-Expires should be a number, not '\(text)'.") }
        guard seconds >= 0 else { throw .incompleteSignature("X-Amz-Expires must be non-negative") }
        guard seconds <= maxExpiresSeconds else {
            throw .incompleteSignature(
                "X-Amz-Expires must be less than a week (in seconds) that is \(maxExpiresSeconds)")
        }
        return seconds
    }

    // MARK: - Shared parts

    private init(
        credential: Substring, signedHeaders: Substring, signature: String, requestDate: Date, securityToken: String?,
        expiresSeconds: Int?
    ) throws(AWSError) {
        let parts = ASCII.split(credential, on: UInt8(ascii: "/"))
        guard parts.count == 5 else {
            throw .incompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '\(credential)'"
            )
        }
        guard parts[4] == SigV4Canonical.terminator else {
            throw .signatureDoesNotMatch(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'.")
        }
        var headers: [String] = []
        for name in ASCII.split(signedHeaders, on: UInt8(ascii: ";")) {
            guard !name.isEmpty, !name.utf8.contains(where: ASCII.isWhitespace) else {
                throw .incompleteSignature(
                    "SignedHeaders must be a ';'-separated list of header names, got '\(signedHeaders)'")
            }
            headers.append(ASCII.lowercased(String(name)))
        }
        accessKeyId = String(parts[0])
        scopeDate = String(parts[1])
        region = String(parts[2])
        service = String(parts[3])
        self.signedHeaders = Array(Set(headers)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.signature = signature
        self.requestDate = requestDate
        self.securityToken = securityToken
        self.expiresSeconds = expiresSeconds
    }

    private static func parseAmzDate(_ text: String) throws(AWSError) -> Date {
        guard let date = AWSTimestamp.parseAmzDate(text) else {
            throw .incompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '\(text)'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        return date
    }

    /// Whether the raw query has a parameter literally named `name` (cheap pre-check; no decoding).
    private static func hasQueryParameter(_ name: String, in rawQuery: String) -> Bool {
        guard !rawQuery.isEmpty else { return false }
        return rawQuery.utf8.split(separator: UInt8(ascii: "&")).contains { segment in
            segment.starts(with: name.utf8)
                && (segment.count == name.utf8.count || segment.dropFirst(name.utf8.count).first == UInt8(ascii: "="))
        }
    }
}
