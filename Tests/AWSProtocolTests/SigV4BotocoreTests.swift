import AWSProtocol
import Foundation
import TestSupport
import Testing

/// Cross-checks against botocore (an independent SigV4 implementation): botocore signs randomized requests —
/// header and presigned forms, with and without session tokens, odd paths, encoded query parameters, messy header
/// whitespace — with its clock frozen; SigV4Verifier must accept each, and SigV4Signer must produce botocore's
/// exact headers and presigned query for the same requests and time.
@Suite struct SigV4BotocoreTests {
    struct Case: Decodable {
        var method: String
        var path: String
        var query: String
        var headers: [[String]]
        var body: String
        var accessKeyId: String
        var secret: String
        var token: String?
        var region: String
        var service: String
        var presigned: Bool
        var expires: Int
        var comparable: Bool
        var signedHeaders: [[String]]
        var signedQuery: String
        var canonicalRequest: String

        var bodyBytes: [UInt8] { Array(Data(base64Encoded: body)!) }
        var original: SigV4Request {
            SigV4Request(
                method: method, path: path, rawQuery: query, headers: headers.map { ($0[0], $0[1]) }, body: bodyBytes)
        }
        /// The request as the server receives it after botocore signed it.
        var received: SigV4Request {
            var request = original
            if presigned {
                request.rawQuery = signedQuery
            } else {
                request.headers += signedHeaders.map { ($0[0], $0[1]) }
            }
            return request
        }
        var signer: SigV4Signer {
            SigV4Signer(
                credentials: AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token),
                region: region, service: service)
        }
    }

    static let script = #"""
        import base64, datetime, json, random, sys
        from unittest import mock
        from botocore.auth import SigV4Auth, SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        from botocore.utils import percent_encode_sequence

        rng = random.Random(int(sys.argv[1]))
        FROZEN = datetime.datetime(2024, 1, 2, 3, 4, 5)
        PATHS = ["/", "", "/a/b", "/foo%20bar/", "/x/./y/../z", "//double//slash", "/%E2%82%AC/end/", "/a/b/../../c", "/~user/x y"]
        NAME_CHARS = "abcXYZ019.-_~ é"
        VALUE_CHARS = "abcXYZ0189 !*'();:@&=+$,/?#[]-_.~%é€😀"

        def text(alphabet, low, high):
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))

        def params(count):
            names = set()
            result = []
            while len(result) < count:
                name = "P" + text(NAME_CHARS, 0, 6)
                if name not in names:
                    names.add(name)
                    result.append((name, text(VALUE_CHARS, 0, 12)))
            return result

        cases = []
        for index in range(int(sys.argv[2])):
            presigned = index % 3 == 2
            token = ("FQoG" + text("ABCDEFabcdef0123456789+/=", 10, 40)) if index % 2 else None
            akid = "AKIA" + text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)
            secret = text("ABCDEFabcdef0123456789+/", 40, 40)
            service = rng.choice(["sts", "iam"])
            region = rng.choice(["us-east-1", "eu-west-1"])
            host = f"{service}.{region}.amazonaws.com"
            query = percent_encode_sequence(params(rng.randint(0, 4)))
            path = "/" if presigned else rng.choice(PATHS)
            url = f"https://{host}{path}" + (f"?{query}" if query else "")
            headers = [("Host", host)]
            comparable = True
            if presigned:
                method, body, expires = "GET", b"", rng.randint(1, 604800)
                query = query or "Action=GetCallerIdentity&Version=2011-06-15"
                url = f"https://{host}/?{query}"
            else:
                method, expires = "POST", 0
                body = percent_encode_sequence([("Action", "GetSessionToken"), ("Version", "2011-06-15")] + params(rng.randint(0, 3))).encode()
                headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
                headers.append(("User-Agent", "test/1.0  (unsigned)"))
                if rng.random() < 0.5:
                    headers.append(("X-Amz-Meta-Note", "  a   b\tc  "))
                if rng.random() < 0.3:
                    headers.append(("X-Custom-Signed", " kept   by botocore "))
                    comparable = False
            request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
            credentials = Credentials(akid, secret, token)
            auth = SigV4QueryAuth(credentials, service, region, expires=expires) if presigned else SigV4Auth(credentials, service, region)
            captured = []
            def capture(req, original=auth.canonical_request):
                captured.append(original(req))
                return captured[-1]
            auth.canonical_request = capture
            with mock.patch("botocore.auth.get_current_datetime", return_value=FROZEN):
                auth.add_auth(request)
            added = [[k, v] for k, v in request.headers.items() if k in ("X-Amz-Date", "X-Amz-Security-Token", "Authorization")]
            cases.append({
                "method": method, "path": path, "query": query, "headers": [list(h) for h in headers],
                "body": base64.b64encode(body).decode(), "accessKeyId": akid, "secret": secret, "token": token,
                "region": region, "service": service, "presigned": presigned, "expires": expires,
                "comparable": comparable, "signedHeaders": added,
                "signedQuery": request.url.split("?", 1)[1] if presigned else "",
                "canonicalRequest": captured[-1],
            })
        json.dump(cases, sys.stdout)
        """#

    static func botocoreCases(seed: Int, count: Int) throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Python.run(script, arguments: [String(seed), String(count)]))
    }

    @Test func verifierAcceptsBotocoreSignedRequests() throws {
        let cases = try Self.botocoreCases(seed: 1, count: 36)
        #expect(cases.count == 36)
        #expect(
            cases.contains { $0.presigned && $0.token != nil } && cases.contains { !$0.presigned && $0.token != nil })
        #expect(
            cases.contains { $0.presigned && $0.token == nil } && cases.contains { !$0.presigned && $0.token == nil })
        for (index, testCase) in cases.enumerated() {
            let request = testCase.received
            let auth = try SigV4Authorization.parse(request)
            #expect(auth.accessKeyId == testCase.accessKeyId)
            #expect(auth.securityToken == testCase.token)
            #expect(auth.expiresSeconds == (testCase.presigned ? testCase.expires : nil))
            try auth.checkScope(region: testCase.region, service: testCase.service)
            #expect(
                SigV4Canonical.canonicalRequest(
                    request, signedHeaders: auth.signedHeaders, payloadHash: SigV4Canonical.payloadHash(request.body),
                    omittingQueryParameter: testCase.presigned ? "X-Amz-Signature" : nil) == testCase.canonicalRequest,
                "case \(index)")
            #expect(throws: Never.self, "case \(index): \(testCase.method) \(testCase.path)?\(testCase.query)") {
                try SigV4Verifier.verify(auth, request: request, secretAccessKey: testCase.secret, now: Vectors.frozen)
            }
            #expect(throws: AWSError.signatureDoesNotMatch(), "case \(index) with another secret") {
                try SigV4Verifier.verify(
                    auth, request: request, secretAccessKey: testCase.secret + "x", now: Vectors.frozen)
            }
        }
    }

    @Test func signerMatchesBotocore() throws {
        let cases = try Self.botocoreCases(seed: 2, count: 36).filter(\.comparable)
        #expect(cases.count >= 20)
        for (index, testCase) in cases.enumerated() {
            if testCase.presigned {
                let query = testCase.signer.presignedQuery(
                    testCase.original, at: Vectors.frozen, expires: testCase.expires)
                #expect(query == testCase.signedQuery, "case \(index)")
            } else {
                let headers = testCase.signer.sign(testCase.original, at: Vectors.frozen)
                #expect(headers.map { [$0.name, $0.value] } == testCase.signedHeaders, "case \(index)")
            }
        }
    }
}
