import Crypto

/// The canonical pieces of AWS Signature Version 4 (`AWS4-HMAC-SHA256`), exposed for tests and debugging.
///
/// They follow AWS's rules for non-S3 services, exactly as botocore computes them: the path has its dot segments
/// and empty segments removed and is percent-encoded again; query parameters are decoded, re-encoded and sorted;
/// header values are trimmed with inner whitespace runs collapsed; the payload hash covers the raw body bytes.
public enum SigV4Canonical {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let terminator = "aws4_request"
    /// Hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The canonical request: method, canonical URI, canonical query, canonical headers, signed headers, payload hash,
    /// separated by newlines. `omittingQueryParameter` drops one (decoded) name, for `X-Amz-Signature`.
    public static func canonicalRequest(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, omittingQueryParameter: String? = nil
    ) -> String {
        String(
            decoding: canonicalRequestBytes(
                request, signedHeaders: signedHeaders, payloadHash: payloadHash,
                omittingQueryParameter: omittingQueryParameter),
            as: UTF8.self)
    }

    /// The string to sign for a canonical request.
    public static func stringToSign(amzDate: String, credentialScope: String, canonicalRequest: String) -> String {
        String(
            decoding: stringToSignBytes(
                amzDate: amzDate, credentialScope: credentialScope,
                canonicalRequestHash: sha256Hex(Array(canonicalRequest.utf8))),
            as: UTF8.self)
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    public static func credentialScope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/\(terminator)"
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). It depends only on
    /// the secret and the credential scope, so a server may cache it per access key and day.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, terminator] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// `signingKey(secret:date:region:service:)` ready to verify many requests: its HMAC is keyed once, since keying
    /// costs as much as signing a short string to sign.
    public struct KeyedSigningKey: Sendable {
        private let mac: HMAC<SHA256>

        public init(_ signingKey: SymmetricKey) {
            mac = HMAC(key: signingKey)
        }

        /// HMAC-SHA256 of `stringToSign` under the key.
        func signature(of stringToSign: [UInt8]) -> HashedAuthenticationCode<SHA256> {
            var mac = self.mac
            mac.update(data: stringToSign)
            return mac.finalize()
        }
    }

    /// Lower-case hex HMAC-SHA256 of the string to sign.
    public static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        Hex.lower(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey))
    }

    /// Lower-case hex SHA-256 of the body.
    public static func payloadHash(_ body: [UInt8]) -> String {
        body.isEmpty ? emptyPayloadHash : Hex.lower(SHA256.hash(data: body))
    }

    /// The canonical URI of a raw path: "" → "/", dot and empty segments removed (a trailing "/" kept), then
    /// percent-encoded once more with "/" kept (so "%20" becomes "%2520").
    public static func canonicalURI(_ rawPath: String) -> String {
        String(decoding: canonicalURIBytes(rawPath), as: UTF8.self)
    }

    /// The canonical query of a raw query string: each `name=value` decoded (`%XX`, `+` as space; malformed escapes
    /// kept literally), re-encoded the AWS way, sorted by name then value and joined with `&`.
    public static func canonicalQuery(_ rawQuery: String, omitting omittedName: String? = nil) -> String {
        var output: [UInt8] = []
        appendCanonicalQuery(rawQuery, omitting: omittedName, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The canonical header block: `name:value\n` for each signed header present in the request, with repeated
    /// headers' values joined by `,`.
    public static func canonicalHeaders(_ request: SigV4Request, signedHeaders: [String]) -> String {
        var output: [UInt8] = []
        appendCanonicalHeaders(request.headers, signedHeaders: signedHeaders, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: - Byte-level implementation (the hot path)

    static func canonicalRequestBytes(
        _ request: SigV4Request, signedHeaders: [String], payloadHash: String, omittingQueryParameter: String?
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        output.append(contentsOf: request.method.utf8)
        output.append(0x0A)
        output.append(contentsOf: canonicalURIBytes(request.path))
        output.append(0x0A)
        appendCanonicalQuery(request.rawQuery, omitting: omittingQueryParameter, to: &output)
        output.append(0x0A)
        appendCanonicalHeaders(request.headers, signedHeaders: signedHeaders, to: &output)
        output.append(0x0A)
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ";")) }
            output.append(contentsOf: name.utf8)
        }
        output.append(0x0A)
        output.append(contentsOf: payloadHash.utf8)
        return output
    }

    static func stringToSignBytes(amzDate: String, credentialScope: String, canonicalRequestHash: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(160)
        output.append(contentsOf: algorithm.utf8)
        output.append(0x0A)
        output.append(contentsOf: amzDate.utf8)
        output.append(0x0A)
        output.append(contentsOf: credentialScope.utf8)
        output.append(0x0A)
        output.append(contentsOf: canonicalRequestHash)
        return output
    }

    /// Lower-case hex SHA-256 as ASCII bytes.
    static func sha256Hex(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        Hex.appendLower(SHA256.hash(data: bytes), to: &output)
        return output
    }

    static func canonicalURIBytes(_ rawPath: String) -> [UInt8] {
        if rawPath == "/" { return [UInt8(ascii: "/")] }
        let utf8 = Array(rawPath.utf8)
        guard !utf8.isEmpty else { return [UInt8(ascii: "/")] }
        var segments: [ArraySlice<UInt8>] = []
        for segment in utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual([UInt8(ascii: ".")]) { continue }
            if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        var normalized: [UInt8] = []
        if utf8.first == UInt8(ascii: "/") { normalized.append(UInt8(ascii: "/")) }
        for (index, segment) in segments.enumerated() {
            if index > 0 { normalized.append(UInt8(ascii: "/")) }
            normalized.append(contentsOf: segment)
        }
        if utf8.last == UInt8(ascii: "/"), !segments.isEmpty { normalized.append(UInt8(ascii: "/")) }
        var output: [UInt8] = []
        output.reserveCapacity(normalized.count + 8)
        AWSPercentEncoding.append(normalized, encodeSlash: false, to: &output)
        return output
    }

    static func appendCanonicalQuery(_ rawQuery: String, omitting omittedName: String?, to output: inout [UInt8]) {
        guard !rawQuery.isEmpty else { return }
        let omitted = omittedName.map { Array($0.utf8) }
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        for segment in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = segment.firstIndex(of: UInt8(ascii: "=")) ?? segment.endIndex
            let name = lenientlyDecoded(segment[..<equals])
            if let omitted, name == omitted { continue }
            let value = equals < segment.endIndex ? lenientlyDecoded(segment[segment.index(after: equals)...]) : []
            var encodedName: [UInt8] = []
            var encodedValue: [UInt8] = []
            AWSPercentEncoding.append(name, encodeSlash: true, to: &encodedName)
            AWSPercentEncoding.append(value, encodeSlash: true, to: &encodedValue)
            pairs.append((encodedName, encodedValue))
        }
        pairs.sort { lhs, rhs in
            lhs.name == rhs.name
                ? lhs.value.lexicographicallyPrecedes(rhs.value) : lhs.name.lexicographicallyPrecedes(rhs.name)
        }
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: pair.name)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: pair.value)
        }
    }

    /// Form-decoding that never fails: a `%` not followed by two hex digits stays a literal `%`.
    private static func lenientlyDecoded(_ encoded: Substring.UTF8View) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            if byte == UInt8(ascii: "%"),
                let last = encoded.index(index, offsetBy: 2, limitedBy: encoded.index(before: encoded.endIndex)),
                let high = Hex.value(encoded[encoded.index(after: index)]), let low = Hex.value(encoded[last])
            {
                output.append(high << 4 | low)
                index = encoded.index(after: last)
            } else {
                output.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index = encoded.index(after: index)
            }
        }
        return output
    }

    static func appendCanonicalHeaders(
        _ headers: [(name: String, value: String)], signedHeaders: [String], to output: inout [UInt8]
    ) {
        for name in signedHeaders {
            var first = true
            for header in headers where ASCII.equalsIgnoringCase(header.name, name) {
                if first {
                    output.append(contentsOf: name.utf8)
                    output.append(UInt8(ascii: ":"))
                    first = false
                } else {
                    output.append(UInt8(ascii: ","))
                }
                appendTrimmingAll(header.value, to: &output)
            }
            if !first { output.append(0x0A) }
        }
    }

    /// The value without leading/trailing whitespace and with each inner whitespace run turned into one space.
    private static func appendTrimmingAll(_ value: String, to output: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if ASCII.isWhitespace(byte) {
                pendingSpace = wroteAny
            } else {
                if pendingSpace { output.append(0x20) }
                output.append(byte)
                pendingSpace = false
                wroteAny = true
            }
        }
    }
}
