import AWSProtocol
import Foundation
import Testing

@testable import AWSClient

@Suite("Request signing")
struct SigningTests {
    static let date = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02T03:04:05Z

    @Test("STS GetSessionToken matches the reference's botocore vector byte for byte")
    func getSessionTokenVector() throws {
        let request = QueryRequest(
            service: .sts, action: "GetSessionToken",
            parameters: [
                ("DurationSeconds", "3600"), ("SerialNumber", "arn:aws:iam::123456789012:mfa/alice"),
                ("TokenCode", "123456"),
            ],
            endpoint: try #require(EndpointURL("https://sts.amazonaws.com/")), signingRegion: "us-east-1",
            credentials: exampleCredentials, date: Self.date)
        #expect(request.url == "https://sts.amazonaws.com/")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456"
        )
        #expect(header("Host", of: request) == "sts.amazonaws.com")
        #expect(header("Content-Type", of: request) == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(header("X-Amz-Date", of: request) == "20240102T030405Z")
        #expect(header("X-Amz-Security-Token", of: request) == nil)
        #expect(
            header("Authorization", of: request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=af0c158283ea0b7e11a3a0ad4f49de7eb1b4790a56758d52c066ba2a5f15ed02"
        )
    }

    @Test("IAM ListMFADevices with a session token matches the reference's botocore vector")
    func sessionTokenVector() throws {
        var credentials = exampleCredentials
        credentials.sessionToken = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN"
        let request = QueryRequest(
            service: .iam, action: "ListMFADevices", parameters: [("UserName", "alice")],
            endpoint: try #require(EndpointURL("https://iam.amazonaws.com/")), signingRegion: "us-east-1",
            credentials: credentials, date: Self.date)
        #expect(
            String(decoding: request.body, as: UTF8.self) == "Action=ListMFADevices&Version=2010-05-08&UserName=alice")
        #expect(header("X-Amz-Security-Token", of: request) == "FQoGZXIvYXdzEXAMPLESESSIONTOKEN")
        #expect(
            header("Authorization", of: request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=11e4ee5a56d8418edb05fa87d2ec87b453f20e481a6e797fe87b3b3617aaf1fe"
        )
    }

    /// botocore's SigV4Auth with its clock frozen at `date`: one Authorization header per request (JSON on stdin).
    static let botocoreSigner = """
        import sys, json, datetime
        import botocore.auth
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        botocore.auth.get_current_datetime = lambda *a, **k: datetime.datetime(2024, 1, 2, 3, 4, 5)
        for spec in json.load(sys.stdin):
            request = AWSRequest(method="POST", url=spec["url"], data=spec["body"].encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            credentials = Credentials(spec["accessKeyId"], spec["secret"], spec.get("token"))
            SigV4Auth(credentials, spec["service"], spec["region"]).add_auth(request)
            print(request.headers["Authorization"])
        """

    @Test("Signatures agree with botocore for non-default ports, paths, regions, tokens and non-ASCII values")
    func agreesWithBotocore() throws {
        struct Case {
            var url: String
            var service: AWSService
            var region: String
            var token: String?
            var parameters: [(String, String)]
        }
        let cases = [
            Case(url: "http://127.0.0.1:4566/", service: .sts, region: "us-east-1", token: nil, parameters: []),
            Case(
                url: "http://localhost:8080", service: .iam, region: "eu-west-1", token: "IQoJb3JpZ2luX2VjEXAMPLE+/=",
                parameters: [("UserName", "ünïcödé+name@example.com")]),
            Case(
                url: "https://vegas.example.com:8443/aws/", service: .sts, region: "cn-north-1", token: nil,
                parameters: [
                    ("RoleArn", "arn:aws-cn:iam::123456789012:role/path/to/Role"), ("RoleSessionName", "a b~c*d"),
                ]),
            Case(url: "http://[::1]:9000/", service: .iam, region: "us-gov-west-1", token: nil, parameters: []),
        ]
        var requests: [QueryRequest] = []
        var specs: [[String: String]] = []
        for (index, testCase) in cases.enumerated() {
            var credentials = exampleCredentials
            credentials.sessionToken = testCase.token
            let request = QueryRequest(
                service: testCase.service, action: "Action\(index)", parameters: testCase.parameters,
                endpoint: try #require(EndpointURL(testCase.url)), signingRegion: testCase.region,
                credentials: credentials, date: Self.date)
            requests.append(request)
            var spec = [
                "url": request.url, "body": String(decoding: request.body, as: UTF8.self),
                "accessKeyId": credentials.accessKeyId, "secret": credentials.secretAccessKey,
                "service": testCase.service.rawValue, "region": testCase.region,
            ]
            spec["token"] = testCase.token
            specs.append(spec)
        }
        let expected = try runPython(Self.botocoreSigner, input: try JSONSerialization.data(withJSONObject: specs))
        #expect(expected.count == requests.count)
        for (request, authorization) in zip(requests, expected) {
            #expect(header("Authorization", of: request) == authorization)
        }
    }

    private func runPython(_ script: String, input: Data) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with botocore failed")
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
