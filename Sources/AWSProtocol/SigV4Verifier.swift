import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Server-side SigV4 verification with AWS's error codes and texts.
public enum SigV4Verifier {
    /// AWS's allowed clock difference between the signer and the server: 15 minutes.
    public static let defaultAllowedSkewSeconds = 900

    /// Verifies `auth` (parsed from `request`) with the caller's secret key.
    ///
    /// In order: `host` must be signed; the request time must lie within `allowedSkewSeconds` of `now` (header form:
    /// `SignatureDoesNotMatch` "Signature expired: … is now earlier than … (… - 15 min.)" or "Signature not yet
    /// current: … is still later than … (… + 15 min.)"; presigned: not later than `now + skew`, and `RequestExpired`
    /// after `X-Amz-Date + X-Amz-Expires`); the scope date must be the request's day; and the signature,
    /// recomputed over the raw body, must match (compared in constant time).
    public static func verify(
        _ auth: SigV4Authorization, request: SigV4Request, secretAccessKey: String, now: Date,
        allowedSkewSeconds: Int = defaultAllowedSkewSeconds
    ) throws(AWSError) {
        try checkClaims(auth, now: now, allowedSkewSeconds: allowedSkewSeconds)
        let key = SigV4Canonical.signingKey(
            secret: secretAccessKey, date: auth.scopeDate, region: auth.region, service: auth.service)
        try checkSignature(auth, request: request, signingKey: .init(key))
    }

    /// Like `verify(_:request:secretAccessKey:now:allowedSkewSeconds:)` with a signing key the caller derived (and
    /// may cache) with `SigV4Canonical.signingKey(secret:date:region:service:)` for `auth`'s credential scope.
    public static func verify(
        _ auth: SigV4Authorization, request: SigV4Request, signingKey: SigV4Canonical.KeyedSigningKey, now: Date,
        allowedSkewSeconds: Int = defaultAllowedSkewSeconds
    ) throws(AWSError) {
        try checkClaims(auth, now: now, allowedSkewSeconds: allowedSkewSeconds)
        try checkSignature(auth, request: request, signingKey: signingKey)
    }

    private static func checkClaims(_ auth: SigV4Authorization, now: Date, allowedSkewSeconds: Int) throws(AWSError) {
        guard auth.signedHeaders.contains("host") || auth.signedHeaders.contains(":authority") else {
            throw .signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let skew = Int64(max(0, min(allowedSkewSeconds, 86_400 * 365)))
        let requestSeconds = UTCDateTime.epochSeconds(of: auth.requestDate)
        let nowSeconds = UTCDateTime.epochSeconds(of: now)
        let requestText = amzDate(requestSeconds)
        if requestSeconds > nowSeconds + skew {
            throw .signatureDoesNotMatch(
                "Signature not yet current: \(requestText) is still later than \(amzDate(nowSeconds + skew)) (\(amzDate(nowSeconds)) + \(durationText(skew)).)"
            )
        }
        if let expires = auth.expiresSeconds {
            let expiry = requestSeconds + Int64(expires)
            if nowSeconds > expiry {
                throw .requestExpired(
                    "Request has expired: X-Amz-Date \(requestText) plus X-Amz-Expires \(expires) seconds ended at \(amzDate(expiry)), and it is now \(amzDate(nowSeconds))."
                )
            }
        } else if requestSeconds < nowSeconds - skew {
            throw .signatureDoesNotMatch(
                "Signature expired: \(requestText) is now earlier than \(amzDate(nowSeconds - skew)) (\(amzDate(nowSeconds)) - \(durationText(skew)).)"
            )
        }
        let requestDay = String(requestText.prefix(8))
        guard auth.scopeDate == requestDay else {
            throw .signatureDoesNotMatch(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(auth.scopeDate)' != '\(requestDay)', from '\(requestText)'."
            )
        }
    }

    private static func checkSignature(
        _ auth: SigV4Authorization, request: SigV4Request, signingKey: SigV4Canonical.KeyedSigningKey
    ) throws(AWSError) {
        let canonicalRequest = SigV4Canonical.canonicalRequestBytes(
            request, signedHeaders: auth.signedHeaders, payloadHash: SigV4Canonical.payloadHash(request.body),
            omittingQueryParameter: auth.isPresigned ? "X-Amz-Signature" : nil)
        let stringToSign = SigV4Canonical.stringToSignBytes(
            amzDate: AWSTimestamp.formatAmzDate(auth.requestDate), credentialScope: auth.credentialScope,
            canonicalRequestHash: SigV4Canonical.sha256Hex(canonicalRequest))
        var expected: [UInt8] = []
        expected.reserveCapacity(64)
        Hex.appendLower(signingKey.signature(of: stringToSign), to: &expected)
        guard constantTimeEquals(expected, Array(auth.signature.utf8)) else { throw .signatureDoesNotMatch() }
    }

    /// Compares in time that depends only on the lengths (a signature's length is no secret).
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func amzDate(_ epochSeconds: Int64) -> String {
        String(decoding: AWSTimestamp.amzDateBytes(UTCDateTime(epochSeconds: epochSeconds)), as: UTF8.self)
    }

    private static func durationText(_ seconds: Int64) -> String {
        seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) sec"
    }
}
