import AWSProtocol
import Foundation
import Synchronization
import Testing

@testable import AWSClient

/// Role credentials whose secret and token hold what JSON and URLs must escape: quotes, backslashes, slashes, plus
/// signs and equals signs.
private let roleCredentials = TemporaryCredentials(
    accessKeyId: "ASIAEXAMPLEROLEKEY01", secretAccessKey: #"wJalr+XUtnFEMI/K7MDENG/"quoted"\back=="#,
    sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/+token==", expiration: Date(timeIntervalSince1970: 1_704_168_245))

/// The secret key and token as they appear raw and percent-encoded.
private let secretForms = [
    roleCredentials.secretAccessKey, roleCredentials.sessionToken,
    AWSPercentEncoding.encode(roleCredentials.secretAccessKey), AWSPercentEncoding.encode(roleCredentials.sessionToken),
]

/// The query parameters of `url`, decoded by Foundation (an implementation independent of the one under test).
private func queryItems(_ url: String) -> [String: String] {
    let items = URLComponents(string: url)?.percentEncodedQueryItems ?? []
    return Dictionary(
        items.map { ($0.name, $0.value?.removingPercentEncoding ?? "") }, uniquingKeysWith: { first, _ in first })
}

@Suite("Console federation: endpoints")
struct ConsoleFederationEndpointTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var roleARN: String
        var region: String?
        var sts: String
        var endpoint: String
        var destination: String
        var testDescription: String { "\(roleARN) \(region ?? "-") \(sts)" }
    }

    static let awsCases = [
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, sts: "https://sts.us-east-1.amazonaws.com/",
            endpoint: "https://signin.aws.amazon.com/federation", destination: "https://console.aws.amazon.com/"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/ops/admin", region: "us-west-2",
            sts: "https://sts.us-west-2.amazonaws.com/", endpoint: "https://signin.aws.amazon.com/federation",
            destination: "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2"),
        Case(
            roleARN: "arn:aws-cn:iam::123456789012:role/admin", region: "cn-north-1",
            sts: "https://sts.cn-north-1.amazonaws.com.cn/", endpoint: "https://signin.amazonaws.cn/federation",
            destination: "https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1"),
        Case(
            roleARN: "arn:aws-cn:iam::123456789012:role/admin", region: nil,
            sts: "https://sts.cn-north-1.amazonaws.com.cn/", endpoint: "https://signin.amazonaws.cn/federation",
            destination: "https://console.amazonaws.cn/"),
        Case(
            roleARN: "arn:aws-us-gov:iam::123456789012:role/admin", region: "us-gov-west-1",
            sts: "https://sts.us-gov-west-1.amazonaws.com/", endpoint: "https://signin.amazonaws-us-gov.com/federation",
            destination: "https://us-gov-west-1.console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"),
        Case(
            roleARN: "arn:aws-us-gov:iam::123456789012:role/admin", region: nil,
            sts: "https://sts.us-east-1.amazonaws.com/", endpoint: "https://signin.amazonaws-us-gov.com/federation",
            destination: "https://console.amazonaws-us-gov.com/"),
        // A region of another partition, botocore's aws-global and a name unfit for a host name are left out.
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: "cn-north-1",
            sts: "https://sts.us-east-1.amazonaws.com/", endpoint: "https://signin.aws.amazon.com/federation",
            destination: "https://console.aws.amazon.com/"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: "aws-global", sts: "https://sts.amazonaws.com/",
            endpoint: "https://signin.aws.amazon.com/federation", destination: "https://console.aws.amazon.com/"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: "us-east-1.evil.example/",
            sts: "https://sts.us-east-1.amazonaws.com/", endpoint: "https://signin.aws.amazon.com/federation",
            destination: "https://console.aws.amazon.com/"),
        // STS endpoint overrides that are still AWS (FIPS, dual-stack) keep the partition's console.
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: "us-east-1",
            sts: "https://sts-fips.us-east-1.amazonaws.com", endpoint: "https://signin.aws.amazon.com/federation",
            destination: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, sts: "https://sts.us-east-1.api.aws/",
            endpoint: "https://signin.aws.amazon.com/federation", destination: "https://console.aws.amazon.com/"),
    ]

    @Test(
        "AWS STS endpoints: the partition's sign-in host and console, the region's console when set",
        arguments: awsCases)
    func awsPartitions(_ example: Case) {
        let federation = ConsoleFederation.standard(
            roleARN: example.roleARN, region: example.region, stsEndpoint: example.sts)
        #expect(federation == ConsoleFederation(endpoint: example.endpoint, destination: example.destination))
    }

    static let customCases = [
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: "us-west-2", sts: "http://127.0.0.1:8080",
            endpoint: "http://127.0.0.1:8080/federation", destination: "http://127.0.0.1:8080/console/"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, sts: "http://127.0.0.1:8080/",
            endpoint: "http://127.0.0.1:8080/federation", destination: "http://127.0.0.1:8080/console/"),
        Case(
            roleARN: "arn:aws-iso:iam::123456789012:role/admin", region: nil,
            sts: "https://Vegas.Example.com:8443/aws/", endpoint: "https://vegas.example.com:8443/aws/federation",
            destination: "https://vegas.example.com:8443/aws/console/"),
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, sts: "https://vegas.example.com:443",
            endpoint: "https://vegas.example.com/federation", destination: "https://vegas.example.com/console/"),
        // A host that merely contains an AWS domain is not AWS.
        Case(
            roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, sts: "https://amazonaws.com.example.net/",
            endpoint: "https://amazonaws.com.example.net/federation",
            destination: "https://amazonaws.com.example.net/console/"),
    ]

    @Test("Other STS endpoints (vegas-server): <endpoint>/federation and <endpoint>/console/", arguments: customCases)
    func customEndpoints(_ example: Case) {
        let federation = ConsoleFederation.standard(
            roleARN: example.roleARN, region: example.region, stsEndpoint: example.sts)
        #expect(federation == ConsoleFederation(endpoint: example.endpoint, destination: example.destination))
    }

    @Test("No console is known for aws-iso partitions at AWS, nor for an STS endpoint that is not a URL")
    func unknown() {
        #expect(
            ConsoleFederation.standard(
                roleARN: "arn:aws-iso:iam::123456789012:role/admin", region: "us-iso-east-1",
                stsEndpoint: "https://sts.us-iso-east-1.amazonaws.com/") == nil)
        #expect(
            ConsoleFederation.standard(
                roleARN: "arn:aws:iam::123456789012:role/admin", region: nil, stsEndpoint: "ftp://127.0.0.1/") == nil)
        #expect(
            ConsoleFederation.standard(
                roleARN: "not an arn", region: nil, stsEndpoint: "https://sts.us-east-1.amazonaws.com/") == nil)
    }

    @Test(
        "Federation endpoints: https anywhere, plain http on loopback only",
        arguments: [
            "https://signin.aws.amazon.com/federation", "http://127.0.0.1:8080/federation",
            "http://127.10.0.3/federation", "http://localhost:9000/federation", "http://[::1]:8080/federation",
            "HTTPS://SIGNIN.example.com/federation",
        ])
    func usableEndpoints(_ url: String) {
        #expect(ConsoleFederation.endpointProblem(url) == nil)
    }

    @Test(
        "Plain http to other hosts is refused: the secret key would travel unencrypted",
        arguments: [
            "http://10.0.0.5:8080/federation", "http://signin.example.com/federation", "http://127.0.0.1.example.com/",
            "http://127.0.0.256/federation", "http://128.0.0.1/federation", "http://[::2]/federation",
        ])
    func plainHTTPElsewhere(_ url: String) {
        #expect(
            ConsoleFederation.endpointProblem(url)?.hasPrefix("is plain http to a host other than loopback") == true)
    }

    @Test(
        "Endpoints that are not http(s)://host[:port][/path] are refused",
        arguments: [
            "signin.aws.amazon.com/federation", "ftp://signin.aws.amazon.com/", "https://signin.aws.amazon.com/f?x=1",
            "https://user:pw@signin.aws.amazon.com/federation", "https://signin.aws.amazon.com/a b", "https://:443/",
            "",
        ])
    func malformedEndpoints(_ url: String) {
        #expect(ConsoleFederation.endpointProblem(url)?.hasPrefix("is not an http:// or https:// URL") == true)
    }

    @Test("Destinations: http(s) URLs of printable ASCII, with query and fragment")
    func destinations() {
        for url in [
            "https://console.aws.amazon.com/", "http://127.0.0.1:8080/console/",
            "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2#/s3",
        ] {
            #expect(ConsoleFederation.destinationProblem(url) == nil, "\(url)")
        }
        for url in [
            "console.aws.amazon.com", "javascript:alert(1)", "https://console aws/", "https://konsole.例え.jp/",
            "https://console.aws.amazon.com/\n",
            "https://console.aws.amazon.com/" + String(repeating: "a", count: 2020),
        ] {
            #expect(ConsoleFederation.destinationProblem(url) != nil, "\(url)")
        }
    }
}

@Suite("Console federation: requests and answers")
struct ConsoleFederationRequestTests {
    let federation = ConsoleFederation(
        endpoint: "https://signin.aws.amazon.com/federation", destination: "https://console.aws.amazon.com/")

    @Test("The Session JSON escapes quotes and backslashes and keeps slashes, plus and equals signs")
    func sessionJSON() throws {
        let json = ConsoleFederation.sessionJSON(roleCredentials)
        #expect(
            json == #"{"sessionId":"ASIAEXAMPLEROLEKEY01","sessionKey":"wJalr+XUtnFEMI/K7MDENG/\"quoted\"\\back==","#
                + #""sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE/+token=="}"#)
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(
            parsed == [
                "sessionId": roleCredentials.accessKeyId, "sessionKey": roleCredentials.secretAccessKey,
                "sessionToken": roleCredentials.sessionToken,
            ])
    }

    @Test("Control characters and non-ASCII text survive the Session JSON (checked with Foundation's parser)")
    func controlCharacters() throws {
        var credentials = roleCredentials
        credentials.secretAccessKey = "tab\tnewline\ncontrol\u{01}\u{1F}del\u{7F}é€😀"
        let json = ConsoleFederation.sessionJSON(credentials)
        #expect(json.contains(#"tab\u0009newline\u000acontrol\u0001\u001fdel"#))
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(parsed["sessionKey"] == credentials.secretAccessKey)
    }

    @Test("getSigninToken: Action, optional SessionDuration, then the percent-encoded Session")
    func signinTokenURL() {
        let url = federation.signinTokenURL(roleCredentials, sessionDuration: nil)
        #expect(
            url.hasPrefix(
                "https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=%7B%22sessionId%22%3A%22ASIA"))
        let query = url.split(separator: "?", maxSplits: 1)[1]
        #expect(!query.contains("+") && !query.contains("/") && !query.contains("\"") && !query.contains("\\"))
        #expect(query.contains("wJalr%2BXUtnFEMI%2FK7MDENG%2F%5C%22quoted%5C%22%5C%5Cback%3D%3D"))
        #expect(
            queryItems(url) == ["Action": "getSigninToken", "Session": ConsoleFederation.sessionJSON(roleCredentials)])

        let withDuration = federation.signinTokenURL(roleCredentials, sessionDuration: 43_200)
        #expect(
            withDuration.hasPrefix(
                "https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=43200&Session=%7B"))
        #expect(queryItems(withDuration)["SessionDuration"] == "43200")
    }

    @Test("The login URL: Action=login, Issuer, Destination and SigninToken, each percent-encoded")
    func loginURL() {
        let regional = ConsoleFederation(
            endpoint: "https://signin.aws.amazon.com/federation",
            destination: "https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2")
        let url = regional.loginURL(signinToken: "tok+en/x=")
        #expect(
            url == "https://signin.aws.amazon.com/federation?Action=login&Issuer=vegas-credentials"
                + "&Destination=https%3A%2F%2Fus-west-2.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-west-2"
                + "&SigninToken=tok%2Ben%2Fx%3D")
        #expect(
            queryItems(url) == [
                "Action": "login", "Issuer": "vegas-credentials", "Destination": regional.destination,
                "SigninToken": "tok+en/x=",
            ])
    }

    private func parse(_ status: Int, _ body: String) -> Result<String, ConsoleFederationError.Reason> {
        Result { () throws(ConsoleFederationError.Reason) in
            try ConsoleFederation.signinToken(
                status: status, body: Array(body.utf8), redactor: ConsoleFederation.redactor(for: roleCredentials))
        }
    }

    @Test("A 200 JSON object with a SigninToken gives the token; other members and whitespace are fine")
    func goodAnswers() {
        #expect(parse(200, #"{"SigninToken":"abc-DEF_123.xyz"}"#) == .success("abc-DEF_123.xyz"))
        #expect(parse(200, " {\n \"Other\": [1, 2],\n \"SigninToken\" : \"t0k3n\" }\n") == .success("t0k3n"))
    }

    @Test("Malformed 200 answers are refused with what is wrong")
    func malformedAnswers() {
        func malformed(_ detail: String) -> Result<String, ConsoleFederationError.Reason> {
            .failure(.malformedResponse(detail))
        }
        #expect(parse(200, "") == malformed("the answer is not JSON: an empty body"))
        #expect(
            parse(200, "<html><body>Sign in</body></html>")
                == malformed("the answer is not JSON: '<html><body>Sign in</body></html>'"))
        #expect(parse(200, #"{"SigninToken":"abc""#) == malformed(#"the answer is not JSON: '{"SigninToken":"abc"'"#))
        #expect(parse(200, "[]") == malformed("the answer is not a JSON object: '[]'"))
        #expect(parse(200, "null") == malformed("the answer is not a JSON object: 'null'"))
        #expect(parse(200, #""SigninToken""#) == malformed(#"the answer is not a JSON object: '"SigninToken"'"#))
        #expect(parse(200, #"{"Token":"x"}"#) == malformed(#"the answer has no SigninToken: '{"Token":"x"}'"#))
        #expect(parse(200, #"{"SigninToken":5}"#) == malformed("SigninToken is not a string"))
        #expect(parse(200, #"{"SigninToken":null}"#) == malformed("SigninToken is not a string"))
        #expect(parse(200, #"{"SigninToken":{"a":1}}"#) == malformed("SigninToken is not a string"))
        #expect(parse(200, #"{"SigninToken":""}"#) == malformed("SigninToken is empty"))
        #expect(
            parse(200, #"{"SigninToken":"a b"}"#) == malformed("SigninToken has characters other than printable ASCII"))
        #expect(
            parse(200, #"{"SigninToken":"a\u0000b"}"#)
                == malformed("SigninToken has characters other than printable ASCII"))
        let long = String(repeating: "A", count: ConsoleFederation.maxTokenBytes + 1)
        #expect(parse(200, #"{"SigninToken":"\#(long)"}"#) == malformed("SigninToken is longer than 16384 bytes"))
        #expect(parse(200, #"{"SigninToken":"\#(long.dropLast())"}"#) == .success(String(long.dropLast())))
    }

    @Test("Any other status is a refusal with a sanitized excerpt; echoed secrets are masked, also percent-encoded")
    func refusals() {
        let secret = roleCredentials.secretAccessKey
        let echo =
            "bad Session \(secret) or \(AWSPercentEncoding.encode(secret)) token \(roleCredentials.sessionToken)"
        #expect(parse(400, echo) == .failure(.refused(status: 400, excerpt: "bad Session *** or *** token ***")))
        #expect(parse(302, "") == .failure(.refused(status: 302, excerpt: "")))
        #expect(parse(500, "oops\r\n\tmore") == .failure(.refused(status: 500, excerpt: "oops more")))
        #expect(parse(204, "") == .failure(.refused(status: 204, excerpt: "")))
    }

    @Test("Error descriptions name the endpoint and never a secret")
    func descriptions() {
        let endpoint = "https://signin.aws.amazon.com/federation"
        let cases: [(ConsoleFederationError.Reason, String)] = [
            (
                .refused(status: 400, excerpt: #"{"error":"***"}"#),
                #"console sign-in: getSigninToken at \#(endpoint) was refused (HTTP 400): '{"error":"***"}'"#
            ),
            (
                .refused(status: 302, excerpt: ""),
                "console sign-in: getSigninToken at \(endpoint) was refused (HTTP 302): an empty body"
            ),
            (
                .timeout(.milliseconds(250)),
                "console sign-in: getSigninToken at \(endpoint) got no answer within 0.250 s"
            ),
            (
                .responseTooLarge(limit: 65_536),
                "console sign-in: getSigninToken at \(endpoint): the answer is larger than 65536 bytes"
            ),
            (
                .transport("Connection refused (errno 111)"),
                "console sign-in: getSigninToken at \(endpoint) failed: Connection refused (errno 111)"
            ),
            (
                .malformedResponse("SigninToken is empty"),
                "console sign-in: getSigninToken at \(endpoint): malformed answer: SigninToken is empty"
            ),
            (.invalidSessionDuration(60), "console sign-in: the session duration must be 900…43200 seconds, got 60"),
            (.invalidEndpoint("is plain http"), "console sign-in: the federation endpoint '\(endpoint)' is plain http"),
        ]
        for (reason, text) in cases {
            #expect(ConsoleFederationError(reason, endpoint: endpoint).description == text)
        }
    }

    @Test("Nothing is sent to an unusable endpoint or with a session duration out of range")
    func refusedBeforeSending() async {
        let calls = Mutex(0)
        let get: @Sendable (String, Int) async throws -> HTTPAnswer = { _, _ in
            calls.withLock { $0 += 1 }
            return HTTPAnswer(status: 200, body: Array(#"{"SigninToken":"t"}"#.utf8))
        }
        let remote = ConsoleFederation(endpoint: "http://192.0.2.10/federation", destination: "http://192.0.2.10/")
        let plain = await #expect(throws: ConsoleFederationError.self) {
            try await remote.signinToken(for: roleCredentials, sessionDuration: nil, timeout: .seconds(5), get: get)
        }
        guard case .invalidEndpoint(let problem)? = plain?.reason else {
            Issue.record("expected an invalid endpoint, got \(String(describing: plain))")
            return
        }
        #expect(problem.hasPrefix("is plain http"))
        for duration in [899, 43_201, -1] {
            let error = await #expect(throws: ConsoleFederationError.self) {
                try await federation.signinToken(
                    for: roleCredentials, sessionDuration: duration, timeout: .seconds(5), get: get)
            }
            #expect(error?.reason == .invalidSessionDuration(duration))
        }
        #expect(calls.withLock { $0 } == 0)
    }

    @Test("Transport failures are redacted: a detail quoting the request URL shows no secret")
    func transportDetailRedacted() async {
        let get: @Sendable (String, Int) async throws -> HTTPAnswer = { url, _ in
            throw TransportFailure.failed("could not reach \(url)")
        }
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation.signinToken(for: roleCredentials, sessionDuration: 900, timeout: .seconds(5), get: get)
        }
        #expect(error.map { containsNone($0.description, of: secretForms) } == true)
        #expect(
            error?.description.hasPrefix(
                "console sign-in: getSigninToken at https://signin.aws.amazon.com/federation failed: could not reach ")
                == true)
    }
}

/// The real transport (the module's HTTP client) against sockets on 127.0.0.1.
@Suite("Console federation over the wire")
struct ConsoleFederationTransportTests {
    private func federation(port: Int) -> ConsoleFederation {
        ConsoleFederation(
            endpoint: "http://127.0.0.1:\(port)/federation", destination: "http://127.0.0.1:\(port)/console/")
    }

    @Test("getSigninToken is a GET of the federation path with the Session in the query, and no signature")
    func sentRequest() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let received = Mutex<[UInt8]>([])
        server.serveOnce(
            response: httpResponse(
                status: 200, contentType: "application/json", body: Array(#"{"SigninToken":"VEGAS-token_1"}"#.utf8)),
            record: { request in received.withLock { $0 = request } })
        let token = try await federation(port: server.port).signinToken(for: roleCredentials, sessionDuration: 3600)
        #expect(token == "VEGAS-token_1")

        let request = String(decoding: received.withLock { $0 }, as: UTF8.self)
        let head = request.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        #expect(requestLine.first == "GET" && requestLine.last == "HTTP/1.1")
        let target = String(requestLine.dropFirst().first ?? "")
        #expect(target.hasPrefix("/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22sessionId%22"))
        let url = "http://127.0.0.1:\(server.port)" + target
        #expect(url == federation(port: server.port).signinTokenURL(roleCredentials, sessionDuration: 3600))
        let session = try #require(queryItems(url)["Session"])
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(session.utf8)) as? [String: String])
        #expect(parsed["sessionKey"] == roleCredentials.secretAccessKey)
        #expect(parsed["sessionToken"] == roleCredentials.sessionToken)
        let names = head.dropFirst().map { ($0.split(separator: ":").first ?? "").lowercased() }
        #expect(names.contains("host"))
        #expect(!names.contains("authorization") && !names.contains("x-amz-security-token"))
    }

    @Test("A redirect is not followed: the secret key stays with the endpoint")
    func redirectNotFollowed() async throws {
        let elsewhere = try LoopbackSocket(listening: true)
        defer { elsewhere.close() }
        let reached = Mutex(false)
        elsewhere.serveOnce(
            response: httpResponse(
                status: 200, contentType: "application/json", body: Array(#"{"SigninToken":"x"}"#.utf8)),
            record: { _ in reached.withLock { $0 = true } })
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        server.serveOnce(
            response: Array(
                ("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(elsewhere.port)/federation\r\n"
                    + "Content-Length: 0\r\n\r\n").utf8))
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation(port: server.port).signinToken(for: roleCredentials)
        }
        #expect(error?.reason == .refused(status: 302, excerpt: ""))
        try await Task.sleep(for: .milliseconds(200))
        #expect(reached.withLock { $0 } == false)
    }

    @Test("A refusal over the wire shows status and excerpt, with the echoed secret masked")
    func refusalOverTheWire() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let body = #"{"error":"invalid session for \#(AWSPercentEncoding.encode(roleCredentials.secretAccessKey))"}"#
        server.serveOnce(response: httpResponse(status: 400, contentType: "application/json", body: Array(body.utf8)))
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation(port: server.port).signinToken(for: roleCredentials)
        }
        #expect(error?.reason == .refused(status: 400, excerpt: #"{"error":"invalid session for ***"}"#))
        #expect(error.map { containsNone($0.description, of: secretForms) } == true)
    }

    @Test("An answer over 64 KiB is refused")
    func oversizedAnswer() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let body = Array(#"{"SigninToken":""#.utf8) + [UInt8](repeating: 0x41, count: 64 * 1024) + Array(#""}"#.utf8)
        server.serveOnce(response: httpResponse(status: 200, contentType: "application/json", body: body))
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation(port: server.port).signinToken(for: roleCredentials)
        }
        #expect(error?.reason == .responseTooLarge(limit: 64 * 1024))
    }

    @Test("A refused connection is a transport error naming the endpoint, without the request's query")
    func connectionRefused() async throws {
        let closed = try LoopbackSocket(listening: false)
        defer { closed.close() }
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation(port: closed.port).signinToken(for: roleCredentials)
        }
        guard case .transport(let detail)? = error?.reason else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(detail.hasPrefix("Connection refused (errno "))
        #expect(
            error?.description.hasPrefix(
                "console sign-in: getSigninToken at http://127.0.0.1:\(closed.port)/federation failed: ") == true)
        #expect(error.map { containsNone($0.description, of: secretForms + ["Session="]) } == true)
    }

    @Test("A server that never answers times out")
    func silentServer() async throws {
        let silent = try LoopbackSocket(listening: true)
        defer { silent.close() }
        let error = await #expect(throws: ConsoleFederationError.self) {
            try await federation(port: silent.port).signinToken(for: roleCredentials, timeout: .milliseconds(500))
        }
        #expect(error?.reason == .timeout(.milliseconds(500)))
    }
}
