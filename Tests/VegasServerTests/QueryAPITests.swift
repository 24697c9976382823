import AWSProtocol
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IdentityStore
import Logging
import NIOCore
import OTP
import Testing
import VegasServer

/// A server on a temporary data directory, driven through its router with SigV4-signed requests.
struct ServerHarness {
    static let root = AWSCredentials(
        accessKeyId: "AKIAVEGASTESTROOT001", secretAccessKey: "vegas-test-root-secret-0123456789abcdefgh",
        sessionToken: nil)

    let server: VegasServer
    let directory: String

    init(maxBodyBytes: Int = 1 << 20) async throws {
        let directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("vegas-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await self.init(directory: directory, maxBodyBytes: maxBodyBytes)
    }

    private init(directory: String, maxBodyBytes: Int) async throws {
        self.directory = directory
        var configuration = VegasServerConfiguration()
        configuration.dataDirectory = directory
        configuration.accountId = "123456789012"
        configuration.rootCredentials = Self.root
        configuration.maxBodyBytes = maxBodyBytes
        configuration.identity.passwordHasher = .init(log2Rounds: 4)
        server = try await VegasServer(
            configuration: configuration, store: try SQLiteStore(path: directory + "/vegas.sqlite"),
            logger: Logger(label: "test"))
    }

    /// Another server on this one's data directory (its database and master key), with caches of its own: what a
    /// restart, or a second instance on the same store, is.
    func sameData() async throws -> ServerHarness {
        try await ServerHarness(directory: directory, maxBodyBytes: server.configuration.maxBodyBytes)
    }

    /// Runs `body` with a client of the router.
    @discardableResult
    func test<T: Sendable>(_ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        let app = Application(router: try server.router(port: 8080))
        return try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    struct Reply: Sendable {
        let status: Int
        let requestId: String?
        let xml: XMLElement
        /// `Error/Code` of an ErrorResponse.
        var errorCode: String? {
            xml.name == "ErrorResponse" ? xml.first(named: "Error")?.first(named: "Code")?.text : nil
        }
        var errorMessage: String? { xml.first(named: "Error")?.first(named: "Message")?.text }
        /// The `<Action>Result` element.
        var result: XMLElement? { xml.children.first { $0.name.hasSuffix("Result") } }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        /// A SigV4-signed form POST, as botocore sends it.
        func call(
            _ service: String, _ parameters: [(String, String)], credentials: AWSCredentials = ServerHarness.root,
            at date: Date = Date(), tamper: Bool = false, rawBody: String? = nil
        ) async throws -> Reply {
            let version = service == "sts" ? "2011-06-15" : "2010-05-08"
            let body = rawBody ?? AWSPercentEncoding.formBody(parameters + [("Version", version)])
            var headers: [(name: String, value: String)] = [
                (name: "content-type", value: "application/x-www-form-urlencoded; charset=utf-8"),
                (name: "host", value: "localhost"),
            ]
            let request = SigV4Request(
                method: "POST", path: "/", rawQuery: "", headers: headers, body: Array(body.utf8))
            headers += SigV4Signer(credentials: credentials, region: "us-east-1", service: service).sign(
                request, at: date)
            var fields = HTTPFields()
            for (name, value) in headers where name != "host" {
                var value = value
                if tamper && name.lowercased() == "authorization" {
                    value = String(value.dropLast()) + (value.hasSuffix("0") ? "1" : "0")
                }
                fields[HTTPField.Name(name)!] = value
            }
            return try await send(method: .post, uri: "/", headers: fields, body: body)
        }

        func send(
            method: HTTPRequest.Method, uri: String, headers: HTTPFields = [:], body: String = ""
        ) async throws -> Reply {
            try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) {
                response in
                Reply(
                    status: Int(response.status.code), requestId: response.headers[HTTPField.Name("x-amzn-RequestId")!],
                    xml: try XMLReader.parse(Array(response.body.readableBytesView)))
            }
        }
    }
}

@Suite("Query API over the router: SigV4, shapes, errors")
struct QueryAPITests {
    @Test("GetCallerIdentity answers in STS's shape with a RequestId equal to the header")
    func callerIdentity() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let reply = try await client.call("sts", [("Action", "GetCallerIdentity")])
            #expect(reply.status == 200)
            #expect(reply.xml.name == "GetCallerIdentityResponse")
            #expect(reply.xml.attribute("xmlns") == "https://sts.amazonaws.com/doc/2011-06-15/")
            #expect(reply.result?.first(named: "Account")?.text == "123456789012")
            #expect(reply.result?.first(named: "Arn")?.text == "arn:aws:iam::123456789012:root")
            #expect(reply.xml.first(named: "ResponseMetadata")?.first(named: "RequestId")?.text == reply.requestId)
        }
    }

    @Test("unsigned, tampered, unknown-key and stale requests are refused with AWS's codes")
    func authenticationFailures() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let unsigned = try await client.send(
                method: .post, uri: "/", headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "Action=GetCallerIdentity&Version=2011-06-15")
            #expect(unsigned.status == 403)
            #expect(unsigned.errorCode == "MissingAuthenticationToken")
            #expect(unsigned.xml.first(named: "RequestId")?.text == unsigned.requestId)

            let tampered = try await client.call("sts", [("Action", "GetCallerIdentity")], tamper: true)
            #expect(tampered.status == 403)
            #expect(tampered.errorCode == "SignatureDoesNotMatch")

            let stranger = AWSCredentials(accessKeyId: "AKIAUNKNOWNKEY000001", secretAccessKey: "x", sessionToken: nil)
            let unknown = try await client.call("sts", [("Action", "GetCallerIdentity")], credentials: stranger)
            #expect(unknown.status == 403)
            #expect(unknown.errorCode == "InvalidClientTokenId")

            let stale = try await client.call(
                "sts", [("Action", "GetCallerIdentity")], at: Date().addingTimeInterval(-20 * 60))
            #expect(stale.errorCode == "RequestExpired" || stale.errorCode == "SignatureDoesNotMatch")
            #expect(stale.status == 400 || stale.status == 403)
        }
    }

    @Test("unknown actions, wrong versions, malformed bodies and bad parameters get 4xx answers, never 500")
    func badInput() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            let unknown = try await client.call("iam", [("Action", "LaunchRockets")])
            #expect(unknown.status == 400)
            #expect(unknown.errorCode == "InvalidAction")

            let wrongVersion = try await client.call("iam", [], rawBody: "Action=ListUsers&Version=2011-06-15")
            #expect(wrongVersion.errorCode == "InvalidAction")

            let noAction = try await client.call("iam", [], rawBody: "Version=2010-05-08")
            #expect(noAction.errorCode == "MissingAction")

            let malformed = try await client.call(
                "iam", [], rawBody: "Action=ListUsers&Version=2010-05-08&UserName=%ZZ")
            #expect(malformed.status == 404)  // AWS documents MalformedQueryString as 404
            #expect(malformed.errorCode == "MalformedQueryString")

            let badCode = try await client.call(
                "sts",
                [
                    ("Action", "GetSessionToken"), ("SerialNumber", "arn:aws:iam::123456789012:mfa/x"),
                    ("TokenCode", "abcdef"),
                ])
            #expect(badCode.status == 400)
            #expect(badCode.errorCode == "ValidationError")
            #expect(badCode.errorMessage?.contains("at 'tokenCode' failed to satisfy constraint") == true)

            let shortDuration = try await client.call(
                "sts", [("Action", "GetSessionToken"), ("DurationSeconds", "100")])
            #expect(
                shortDuration.errorMessage
                    == "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
            )
        }
    }

    @Test("bodies over the limit are refused with 413 before they are read")
    func oversizedBody() async throws {
        let h = try await ServerHarness(maxBodyBytes: 1024)
        try await h.test { client in
            let reply = try await client.call(
                "iam", [("Action", "ListUsers"), ("Padding", String(repeating: "a", count: 4096))])
            #expect(reply.status == 413)
            #expect(reply.errorCode == "RequestEntityTooLarge")
        }
    }

    @Test("the virtual MFA flow over the wire: create, enable, list, session token, replay")
    func mfaFlow() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            #expect(try await client.call("iam", [("Action", "CreateUser"), ("UserName", "alice")]).status == 200)
            let created = try await client.call(
                "iam", [("Action", "CreateVirtualMFADevice"), ("VirtualMFADeviceName", "alice-phone")])
            let device = try #require(created.result?.first(named: "VirtualMFADevice"))
            let serial = try #require(device.first(named: "SerialNumber")?.text)
            #expect(serial == "arn:aws:iam::123456789012:mfa/alice-phone")
            let seedText = String(
                decoding: Data(base64Encoded: device.first(named: "Base32StringSeed")?.text ?? "")!, as: UTF8.self)
            #expect(seedText.count == 64)
            let png = Data(base64Encoded: device.first(named: "QRCodePNG")?.text ?? "")!
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            let totp = try TOTP(secret: Base32.decode(seedText))
            let step = totp.step(at: Int64(Date().timeIntervalSince1970))
            let enabled = try await client.call(
                "iam",
                [
                    ("Action", "EnableMFADevice"), ("UserName", "alice"), ("SerialNumber", serial),
                    ("AuthenticationCode1", totp.code(step: step - 1)), ("AuthenticationCode2", totp.code(step: step)),
                ])
            #expect(enabled.status == 200)
            #expect(enabled.result == nil)

            let listed = try await client.call(
                "iam", [("Action", "ListVirtualMFADevices"), ("AssignmentStatus", "Assigned")])
            let member = try #require(listed.result?.first(named: "VirtualMFADevices")?.first(named: "member"))
            #expect(member.first(named: "SerialNumber")?.text == serial)
            #expect(member.first(named: "Base32StringSeed") == nil)
            #expect(member.first(named: "QRCodePNG") == nil)
            #expect(member.first(named: "User")?.first(named: "UserName")?.text == "alice")

            let keyReply = try await client.call("iam", [("Action", "CreateAccessKey"), ("UserName", "alice")])
            let key = try #require(keyReply.result?.first(named: "AccessKey"))
            let alice = AWSCredentials(
                accessKeyId: key.first(named: "AccessKeyId")!.text!,
                secretAccessKey: key.first(named: "SecretAccessKey")!.text!,
                sessionToken: nil)
            let mfa = [
                ("Action", "GetSessionToken"), ("SerialNumber", serial), ("TokenCode", totp.code(step: step + 1)),
            ]
            let session = try await client.call("sts", mfa, credentials: alice)
            #expect(session.status == 200)
            let credentials = try #require(session.result?.first(named: "Credentials"))
            let temporary = AWSCredentials(
                accessKeyId: credentials.first(named: "AccessKeyId")!.text!,
                secretAccessKey: credentials.first(named: "SecretAccessKey")!.text!,
                sessionToken: credentials.first(named: "SessionToken")!.text!)
            #expect(temporary.accessKeyId.hasPrefix("ASIA"))

            let replay = try await client.call("sts", mfa, credentials: alice)
            #expect(replay.status == 403)
            #expect(replay.errorCode == "AccessDenied")
            #expect(
                replay.errorMessage?.hasPrefix("MultiFactorAuthentication failed with invalid MFA one time pass code.")
                    == true)

            let identity = try await client.call("sts", [("Action", "GetCallerIdentity")], credentials: temporary)
            #expect(identity.result?.first(named: "Arn")?.text == "arn:aws:iam::123456789012:user/alice")
            let devices = try await client.call("iam", [("Action", "ListMFADevices")], credentials: temporary)
            #expect(devices.result?.first(named: "MFADevices")?.all(named: "member").count == 1)
        }
    }

    @Test("lists page with MaxItems and Marker")
    func paging() async throws {
        let h = try await ServerHarness()
        try await h.test { client in
            for name in ["carol", "alice", "bob"] {
                _ = try await client.call("iam", [("Action", "CreateUser"), ("UserName", name)])
            }
            let first = try await client.call("iam", [("Action", "ListUsers"), ("MaxItems", "2")])
            #expect(
                first.result?.first(named: "Users")?.all(named: "member").compactMap {
                    $0.first(named: "UserName")?.text
                }
                    == ["alice", "bob"])
            #expect(first.result?.first(named: "IsTruncated")?.text == "true")
            let marker = try #require(first.result?.first(named: "Marker")?.text)
            let second = try await client.call("iam", [("Action", "ListUsers"), ("MaxItems", "2"), ("Marker", marker)])
            #expect(
                second.result?.first(named: "Users")?.all(named: "member").compactMap {
                    $0.first(named: "UserName")?.text
                }
                    == ["carol"])
            #expect(second.result?.first(named: "IsTruncated")?.text == "false")
        }
    }

    @Test("/health answers 200 and /metrics counts requests by action and code")
    func healthAndMetrics() async throws {
        let h = try await ServerHarness()
        let app = Application(router: try h.server.router(port: 8080))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            _ = try await ServerHarness.Client(client: client).call("iam", [("Action", "NoSuchThing")])
            _ = try await ServerHarness.Client(client: client).call("sts", [("Action", "GetCallerIdentity")])
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"vegas_requests_total{action="GetCallerIdentity",code="ok"} 1"#))
                #expect(text.contains(#"vegas_requests_total{action="unknown",code="InvalidAction"} 1"#))
            }
        }
    }
}
