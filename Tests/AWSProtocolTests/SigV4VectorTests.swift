import AWSProtocol
import Foundation
import Testing

/// The deterministic vectors of reference §2.1 (botocore, clock frozen at 2024-01-02T03:04:05Z).
enum Vectors {
    static let frozen = Date(timeIntervalSince1970: 1_704_164_645)
    static let credentials = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let formContentType = "application/x-www-form-urlencoded; charset=utf-8"

    static let stsBody =
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456"
    static let stsRequest = SigV4Request(
        method: "POST", path: "/", rawQuery: "",
        headers: [("Content-Type", formContentType), ("Host", "sts.amazonaws.com")], body: Array(stsBody.utf8))
    static let stsCanonicalRequest = """
        POST
        /

        content-type:application/x-www-form-urlencoded; charset=utf-8
        host:sts.amazonaws.com
        x-amz-date:20240102T030405Z

        content-type;host;x-amz-date
        beddcbcc45fc7f98716ec144391d32621e18706b5a3809bfe2db371f87cdbb82
        """
    static let stsStringToSign = """
        AWS4-HMAC-SHA256
        20240102T030405Z
        20240102/us-east-1/sts/aws4_request
        166fcc0c819e08b85344322068daedae0749f3655a2f756e6c0b61147fc27141
        """
    static let stsAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=af0c158283ea0b7e11a3a0ad4f49de7eb1b4790a56758d52c066ba2a5f15ed02"

    static let sessionToken = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN"
    static let iamBody = "Action=ListMFADevices&Version=2010-05-08&UserName=alice"
    static let iamRequest = SigV4Request(
        method: "POST", path: "/", rawQuery: "",
        headers: [("Content-Type", formContentType), ("Host", "iam.amazonaws.com")], body: Array(iamBody.utf8))
    static let iamCanonicalRequest = """
        POST
        /

        content-type:application/x-www-form-urlencoded; charset=utf-8
        host:iam.amazonaws.com
        x-amz-date:20240102T030405Z
        x-amz-security-token:FQoGZXIvYXdzEXAMPLESESSIONTOKEN

        content-type;host;x-amz-date;x-amz-security-token
        444d87e1851099be831bd00774297505332377469fc089c7ef143bffda4bf830
        """
    static let iamStringToSign = """
        AWS4-HMAC-SHA256
        20240102T030405Z
        20240102/us-east-1/iam/aws4_request
        fed4b84012bb7e97fc73f8e3da31ac06dbe60432c93593f23ffe9d01970c9f20
        """
    static let iamAuthorization =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=11e4ee5a56d8418edb05fa87d2ec87b453f20e481a6e797fe87b3b3617aaf1fe"

    /// The STS vector as the server receives it.
    static var signedSTSRequest: SigV4Request {
        var request = stsRequest
        request.headers += [("X-Amz-Date", "20240102T030405Z"), ("Authorization", stsAuthorization)]
        return request
    }

    /// The IAM vector (temporary credentials) as the server receives it.
    static var signedIAMRequest: SigV4Request {
        var request = iamRequest
        request.headers += [
            ("X-Amz-Date", "20240102T030405Z"), ("X-Amz-Security-Token", sessionToken),
            ("Authorization", iamAuthorization),
        ]
        return request
    }
}

@Suite struct SigV4VectorTests {
    @Test func stsVectorCanonicalRequestStringToSignAndSignature() {
        var request = Vectors.stsRequest
        request.headers.append(("X-Amz-Date", "20240102T030405Z"))
        let signedHeaders = ["content-type", "host", "x-amz-date"]
        #expect(
            SigV4Canonical.payloadHash(request.body)
                == "beddcbcc45fc7f98716ec144391d32621e18706b5a3809bfe2db371f87cdbb82")
        let canonical = SigV4Canonical.canonicalRequest(
            request, signedHeaders: signedHeaders, payloadHash: SigV4Canonical.payloadHash(request.body))
        #expect(canonical == Vectors.stsCanonicalRequest)
        let stringToSign = SigV4Canonical.stringToSign(
            amzDate: "20240102T030405Z",
            credentialScope: SigV4Canonical.credentialScope(date: "20240102", region: "us-east-1", service: "sts"),
            canonicalRequest: canonical)
        #expect(stringToSign == Vectors.stsStringToSign)
        let key = SigV4Canonical.signingKey(
            secret: Vectors.credentials.secretAccessKey, date: "20240102", region: "us-east-1", service: "sts")
        #expect(
            SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
                == "af0c158283ea0b7e11a3a0ad4f49de7eb1b4790a56758d52c066ba2a5f15ed02")
    }

    @Test func iamVectorWithSessionTokenCanonicalRequestStringToSignAndSignature() {
        var request = Vectors.iamRequest
        request.headers += [("X-Amz-Date", "20240102T030405Z"), ("X-Amz-Security-Token", Vectors.sessionToken)]
        let canonical = SigV4Canonical.canonicalRequest(
            request, signedHeaders: ["content-type", "host", "x-amz-date", "x-amz-security-token"],
            payloadHash: SigV4Canonical.payloadHash(request.body))
        #expect(canonical == Vectors.iamCanonicalRequest)
        let stringToSign = SigV4Canonical.stringToSign(
            amzDate: "20240102T030405Z", credentialScope: "20240102/us-east-1/iam/aws4_request",
            canonicalRequest: canonical)
        #expect(stringToSign == Vectors.iamStringToSign)
        let key = SigV4Canonical.signingKey(
            secret: Vectors.credentials.secretAccessKey, date: "20240102", region: "us-east-1", service: "iam")
        #expect(
            SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
                == "11e4ee5a56d8418edb05fa87d2ec87b453f20e481a6e797fe87b3b3617aaf1fe")
    }

    @Test func signerProducesTheSTSVectorHeaders() {
        let signer = SigV4Signer(credentials: Vectors.credentials, region: "us-east-1", service: "sts")
        let headers = signer.sign(Vectors.stsRequest, at: Vectors.frozen)
        #expect(headers.map(\.name) == ["X-Amz-Date", "Authorization"])
        #expect(headers.map(\.value) == ["20240102T030405Z", Vectors.stsAuthorization])
    }

    @Test func signerProducesTheIAMVectorHeadersWithSessionToken() {
        var credentials = Vectors.credentials
        credentials.sessionToken = Vectors.sessionToken
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "iam")
        let headers = signer.sign(Vectors.iamRequest, at: Vectors.frozen)
        #expect(headers.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(headers.map(\.value) == ["20240102T030405Z", Vectors.sessionToken, Vectors.iamAuthorization])
    }

    @Test func signerReplacesStaleAuthenticationHeaders() {
        let signer = SigV4Signer(credentials: Vectors.credentials, region: "us-east-1", service: "sts")
        var stale = Vectors.stsRequest
        stale.headers += [
            ("authorization", "old"), ("x-amz-date", "19990101T000000Z"), ("X-Amz-Security-Token", "old"),
        ]
        let signed = signer.signed(stale, at: Vectors.frozen)
        #expect(signed.headerValues("Authorization") == [Vectors.stsAuthorization])
        #expect(signed.headerValues("X-Amz-Date") == ["20240102T030405Z"])
        #expect(signed.header("X-Amz-Security-Token") == nil)
    }

    @Test func parsesTheVectorAuthorization() throws {
        let auth = try SigV4Authorization.parse(Vectors.signedIAMRequest)
        #expect(auth.accessKeyId == "AKIAIOSFODNN7EXAMPLE")
        #expect(auth.scopeDate == "20240102")
        #expect(auth.region == "us-east-1")
        #expect(auth.service == "iam")
        #expect(auth.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-security-token"])
        #expect(auth.signature == "11e4ee5a56d8418edb05fa87d2ec87b453f20e481a6e797fe87b3b3617aaf1fe")
        #expect(auth.requestDate == Vectors.frozen)
        #expect(auth.securityToken == Vectors.sessionToken)
        #expect(auth.expiresSeconds == nil)
        #expect(!auth.isPresigned)
        #expect(auth.credentialScope == "20240102/us-east-1/iam/aws4_request")
    }
}
