import AWSProtocol
import Foundation
import Testing

@Suite struct SigV4VerifierTests {
    let secret = Vectors.credentials.secretAccessKey

    private func verify(_ request: SigV4Request, secret: String? = nil, now: Date = Vectors.frozen) throws(AWSError) {
        let auth = try SigV4Authorization.parse(request)
        try SigV4Verifier.verify(auth, request: request, secretAccessKey: secret ?? self.secret, now: now)
    }

    private func error(_ request: SigV4Request, secret: String? = nil, now: Date = Vectors.frozen) -> AWSError? {
        do {
            try verify(request, secret: secret, now: now)
            return nil
        } catch { return error }
    }

    @Test func acceptsBothReferenceVectorsAtTheFrozenTime() throws {
        try verify(Vectors.signedSTSRequest)
        try verify(Vectors.signedIAMRequest)
    }

    @Test func acceptsWithACachedSigningKey() throws {
        let request = Vectors.signedSTSRequest
        let auth = try SigV4Authorization.parse(request)
        let key = SigV4Canonical.signingKey(
            secret: secret, date: auth.scopeDate, region: auth.region, service: auth.service)
        let keyed = SigV4Canonical.KeyedSigningKey(key)
        try SigV4Verifier.verify(auth, request: request, signingKey: keyed, now: Vectors.frozen)
        // The keyed state is copied per request: the same key verifies again, and still refuses a tampered body.
        try SigV4Verifier.verify(auth, request: request, signingKey: keyed, now: Vectors.frozen)
        var tampered = request
        tampered.body.append(UInt8(ascii: "x"))
        #expect(throws: AWSError.self) {
            try SigV4Verifier.verify(auth, request: tampered, signingKey: keyed, now: Vectors.frozen)
        }
        try SigV4Verifier.verify(auth, request: request, signingKey: keyed, now: Vectors.frozen)
    }

    @Test func rejectsATamperedBody() {
        var request = Vectors.signedSTSRequest
        request.body = Array(Vectors.stsBody.replacingOccurrences(of: "123456", with: "123457").utf8)
        #expect(error(request) == .signatureDoesNotMatch())
        #expect(
            error(request)?.message
                == "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        )
        #expect(error(request)?.httpStatus == 403)
    }

    @Test func rejectsATamperedSignedHeader() {
        var request = Vectors.signedIAMRequest
        request.headers = request.headers.map {
            $0.name == "X-Amz-Security-Token" ? ($0.name, "FQoGZXIvYXdzEXAMPLEOTHERTOKEN") : $0
        }
        #expect(error(request) == .signatureDoesNotMatch())
        var hostChanged = Vectors.signedSTSRequest
        hostChanged.headers = hostChanged.headers.map { $0.name == "Host" ? ($0.name, "sts.example.com") : $0 }
        #expect(error(hostChanged) == .signatureDoesNotMatch())
    }

    @Test func ignoresUnsignedHeadersAndHeaderNameCase() throws {
        var request = Vectors.signedSTSRequest
        request.headers.append(("User-Agent", "anything"))
        request.headers = request.headers.map { ($0.name.uppercased() == "HOST" ? "host" : $0.name, $0.value) }
        try verify(request)
    }

    @Test func rejectsATamperedSignature() {
        for signature in [
            "af0c158283ea0b7e11a3a0ad4f49de7eb1b4790a56758d52c066ba2a5f15ed03",
            "AF0C158283EA0B7E11A3A0AD4F49DE7EB1B4790A56758D52C066BA2A5F15ED02", "af0c", "",
        ] {
            var request = Vectors.stsRequest
            request.headers += [
                ("X-Amz-Date", "20240102T030405Z"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=\(signature)"
                ),
            ]
            #expect(error(request) == .signatureDoesNotMatch(), "signature \(signature)")
        }
    }

    @Test func rejectsTheWrongSecret() {
        #expect(
            error(Vectors.signedSTSRequest, secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ")
                == .signatureDoesNotMatch())
    }

    @Test func requiresHostAmongTheSignedHeaders() throws {
        let signer = SigV4Signer(credentials: Vectors.credentials, region: "us-east-1", service: "sts")
        var noHost = Vectors.stsRequest
        noHost.headers.removeAll { $0.name == "Host" }
        let signed = signer.signed(noHost, at: Vectors.frozen)
        #expect(try SigV4Authorization.parse(signed).signedHeaders == ["content-type", "x-amz-date"])
        #expect(
            error(signed)
                == .signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."))
    }

    @Test func acceptsClockSkewUpToFifteenMinutesEitherWay() throws {
        try verify(Vectors.signedSTSRequest, now: Vectors.frozen.addingTimeInterval(900))
        try verify(Vectors.signedSTSRequest, now: Vectors.frozen.addingTimeInterval(-900))
    }

    @Test func rejectsARequestSignedMoreThanFifteenMinutesAgo() {
        let now = Vectors.frozen.addingTimeInterval(901)
        #expect(
            error(Vectors.signedSTSRequest, now: now)
                == .signatureDoesNotMatch(
                    "Signature expired: 20240102T030405Z is now earlier than 20240102T030406Z (20240102T031906Z - 15 min.)"
                ))
    }

    @Test func rejectsARequestSignedMoreThanFifteenMinutesAhead() {
        let now = Vectors.frozen.addingTimeInterval(-3600)
        #expect(
            error(Vectors.signedSTSRequest, now: now)
                == .signatureDoesNotMatch(
                    "Signature not yet current: 20240102T030405Z is still later than 20240102T021905Z (20240102T020405Z + 15 min.)"
                ))
    }

    @Test func rejectsAScopeDateThatIsNotTheRequestDay() {
        let signer = SigV4Signer(credentials: Vectors.credentials, region: "us-east-1", service: "sts")
        var request = signer.signed(Vectors.stsRequest, at: Vectors.frozen)
        request.headers = request.headers.map {
            $0.name == "Authorization"
                ? ($0.name, $0.value.replacingOccurrences(of: "/20240102/", with: "/20240101/")) : $0
        }
        #expect(
            error(request)
                == .signatureDoesNotMatch(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240101' != '20240102', from '20240102T030405Z'."
                ))
    }

    @Test func checksTheCredentialScopeAgainstTheService() throws {
        let auth = try SigV4Authorization.parse(Vectors.signedSTSRequest)
        try auth.checkScope(region: "us-east-1", service: "sts")
        #expect(throws: AWSError.signatureDoesNotMatch("Credential should be scoped to correct service: 'iam'.")) {
            try auth.checkScope(region: "us-east-1", service: "iam")
        }
        #expect(
            throws: AWSError.signatureDoesNotMatch(
                "Credential should be scoped to a valid region, not 'us-east-1'. Credential should be scoped to correct service: 'iam'."
            )
        ) { try auth.checkScope(region: "eu-west-1", service: "iam") }
    }

    @Test func acceptsTheDateHeaderInsteadOfXAmzDate() throws {
        let credentials = Vectors.credentials
        for dateValue in ["Tue, 02 Jan 2024 03:04:05 GMT", "20240102T030405Z"] {
            var request = SigV4Request(
                method: "POST", path: "/", headers: [("Host", "sts.amazonaws.com"), ("Date", dateValue)],
                body: Array(Vectors.stsBody.utf8))
            let canonical = SigV4Canonical.canonicalRequest(
                request, signedHeaders: ["date", "host"], payloadHash: SigV4Canonical.payloadHash(request.body))
            let stringToSign = SigV4Canonical.stringToSign(
                amzDate: "20240102T030405Z", credentialScope: "20240102/us-east-1/sts/aws4_request",
                canonicalRequest: canonical)
            let key = SigV4Canonical.signingKey(
                secret: credentials.secretAccessKey, date: "20240102", region: "us-east-1", service: "sts")
            let signature = SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
            request.headers.append(
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/sts/aws4_request, SignedHeaders=date;host, Signature=\(signature)"
                ))
            try verify(request)
        }
    }

    // MARK: - Presigned

    private let getCallerIdentity = SigV4Request(
        method: "GET", path: "/", rawQuery: "Action=GetCallerIdentity&Version=2011-06-15",
        headers: [("Host", "sts.amazonaws.com")])

    private func presigned(expires: Int, token: String? = nil) -> SigV4Request {
        var credentials = Vectors.credentials
        credentials.sessionToken = token
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
        var request = getCallerIdentity
        request.rawQuery = signer.presignedQuery(getCallerIdentity, at: Vectors.frozen, expires: expires)
        return request
    }

    @Test func presignedQueryHasBotocoresLayout() {
        let query = presigned(expires: 60, token: "tok/en+").rawQuery
        #expect(
            query.hasPrefix(
                "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240102%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240102T030405Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature="
            ))
    }

    @Test func acceptsAValidPresignedRequest() throws {
        let request = presigned(expires: 300, token: Vectors.sessionToken)
        let auth = try SigV4Authorization.parse(request)
        #expect(auth.expiresSeconds == 300)
        #expect(auth.isPresigned)
        #expect(auth.securityToken == Vectors.sessionToken)
        #expect(auth.signedHeaders == ["host"])
        try verify(request, now: Vectors.frozen)
        try verify(request, now: Vectors.frozen.addingTimeInterval(300))
        try verify(request, now: Vectors.frozen.addingTimeInterval(-900))
    }

    @Test func rejectsAnExpiredPresignedRequest() {
        let request = presigned(expires: 300)
        let failure = error(request, now: Vectors.frozen.addingTimeInterval(301))
        #expect(failure?.code == "RequestExpired")
        #expect(failure?.httpStatus == 400)
        #expect(
            failure?.message
                == "Request has expired: X-Amz-Date 20240102T030405Z plus X-Amz-Expires 300 seconds ended at 20240102T030905Z, and it is now 20240102T030906Z."
        )
    }

    @Test func rejectsAPresignedRequestFromTheFuture() {
        #expect(
            error(presigned(expires: 300), now: Vectors.frozen.addingTimeInterval(-901))?.code
                == "SignatureDoesNotMatch")
    }

    @Test func rejectsATamperedPresignedQuery() {
        var request = presigned(expires: 300)
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "GetCallerIdentity", with: "GetSessionToken")
        #expect(error(request) == .signatureDoesNotMatch())
        var longer = presigned(expires: 300)
        longer.rawQuery = longer.rawQuery.replacingOccurrences(of: "X-Amz-Expires=300", with: "X-Amz-Expires=900")
        #expect(error(longer) == .signatureDoesNotMatch())
    }
}

@Suite struct SigV4AuthorizationParseTests {
    private func request(authorization: String?, date: String? = "20240102T030405Z", query: String = "") -> SigV4Request
    {
        var headers: [(name: String, value: String)] = [("Host", "sts.amazonaws.com")]
        if let date { headers.append(("X-Amz-Date", date)) }
        if let authorization { headers.append(("Authorization", authorization)) }
        return SigV4Request(method: "POST", path: "/", rawQuery: query, headers: headers)
    }

    private func parseError(_ request: SigV4Request) -> AWSError? {
        do {
            _ = try SigV4Authorization.parse(request)
            return nil
        } catch { return error }
    }

    @Test func missingSignatureIsMissingAuthenticationToken() {
        #expect(parseError(request(authorization: nil)) == .missingAuthenticationToken)
        #expect(AWSError.missingAuthenticationToken.message == "Request is missing Authentication Token")
        #expect(AWSError.missingAuthenticationToken.httpStatus == 403)
    }

    @Test func unsupportedAlgorithm() {
        #expect(
            parseError(request(authorization: "AWS AKIAIOSFODNN7EXAMPLE:c2lnbmF0dXJl"))
                == .incompleteSignature("Unsupported AWS 'algorithm': 'AWS'."))
    }

    @Test func partWithoutEqualsSign() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request, SignedHeaders, Signature=ab"
        #expect(
            parseError(request(authorization: header))
                == .incompleteSignature(
                    "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: '\(header)'"
                ))
    }

    @Test func missingPartsAreAllNamed() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request"
        #expect(
            parseError(request(authorization: header, date: nil))
                == .incompleteSignature(
                    "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=\(header)"
                ))
        #expect(AWSError.incompleteSignature("x").httpStatus == 400)
    }

    @Test func credentialNeedsFiveParts() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts, SignedHeaders=host, Signature=ab"
        #expect(
            parseError(request(authorization: header))
                == .incompleteSignature(
                    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20240102/us-east-1/sts'"
                ))
    }

    @Test func terminatorMustBeAws4Request() {
        let header =
            "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws5_request, SignedHeaders=host, Signature=ab"
        #expect(
            parseError(request(authorization: header))
                == .signatureDoesNotMatch(
                    "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."))
    }

    @Test func dateMustBeBasicISO8601() {
        let header =
            "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab"
        for bad in ["2024-01-02T03:04:05Z", "20240102T030405", "20241302T030405Z", "20240102T250405Z", ""] {
            #expect(
                parseError(request(authorization: header, date: bad))
                    == .incompleteSignature(
                        "Date must be in ISO-8601 'basic format'. Got '\(bad)'. See http://en.wikipedia.org/wiki/ISO_8601"
                    ))
        }
    }

    @Test func emptySignedHeaderNameIsIncomplete() {
        let header =
            "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request, SignedHeaders=host;;x-amz-date, Signature=ab"
        #expect(parseError(request(authorization: header))?.code == "IncompleteSignature")
    }

    @Test func signedHeadersAreLoweredSortedAndUnique() throws {
        let header =
            "AWS4-HMAC-SHA256  Credential=AKID/20240102/us-east-1/sts/aws4_request,SignedHeaders=X-Amz-Date;Host;host,   Signature=ab  "
        let auth = try SigV4Authorization.parse(request(authorization: header))
        #expect(auth.signedHeaders == ["host", "x-amz-date"])
        #expect(auth.signature == "ab")
    }

    @Test func bothFormsAtOnceAreRejected() {
        let header =
            "AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab"
        #expect(
            parseError(request(authorization: header, query: "X-Amz-Algorithm=AWS4-HMAC-SHA256"))?.code
                == "IncompleteSignature")
    }

    @Test func presignedQueryMissingParameters() {
        #expect(
            parseError(
                request(
                    authorization: nil,
                    query: "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240102T030405Z"))
                == .incompleteSignature(
                    "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
                ))
    }

    @Test func presignedExpiresBounds() {
        let base =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240102%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20240102T030405Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"
        #expect(
            parseError(request(authorization: nil, query: base + "&X-Amz-Expires=604801"))
                == .incompleteSignature("X-Amz-Expires must be less than a week (in seconds) that is 604800"))
        #expect(
            parseError(request(authorization: nil, query: base + "&X-Amz-Expires=-1"))
                == .incompleteSignature("X-Amz-Expires must be non-negative"))
        #expect(
            parseError(request(authorization: nil, query: base + "&X-Amz-Expires=soon"))?.code == "IncompleteSignature")
        #expect(
            parseError(request(authorization: nil, query: base + "&X-Amz-Expires=99999999999999999999"))?.code
                == "IncompleteSignature")
        #expect(
            parseError(request(authorization: nil, query: base + "&X-Amz-Date=%ZZ"))?.code == "MalformedQueryString")
    }
}
