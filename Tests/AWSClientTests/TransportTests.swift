import AWSProtocol
import Foundation
import Synchronization
import Testing

@testable import AWSClient

/// The real transport (the module's HTTP client) against sockets on 127.0.0.1.
@Suite("HTTP transport")
struct TransportTests {
    private func client(port: Int, timeout: Duration = .seconds(10)) -> AWSClient {
        let endpoint = AWSEndpoint(url: "http://127.0.0.1:\(port)/", signingRegion: "us-east-1")
        return AWSClient(
            credentials: exampleCredentials, endpoints: [.iam: endpoint, .sts: endpoint], timeout: timeout)
    }

    @Test("What is sent is what is signed: POST, Host with the port, content type, body")
    func sentRequest() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let received = Mutex<[UInt8]>([])
        server.serveOnce(
            response: httpResponse(status: 200, contentType: "text/xml", body: Array(Fixtures.motoListMFADevices.utf8)),
            record: { request in received.withLock { $0 = request } })
        let devices = try await client(port: server.port).listMFADevices(userName: "carol")
        #expect(devices.map(\.serialNumber) == ["arn:aws:iam::123456789012:mfa/carol-phone"])

        let request = String(decoding: received.withLock { $0 }, as: UTF8.self)
        let parts = request.components(separatedBy: "\r\n\r\n")
        let head = parts[0].components(separatedBy: "\r\n")
        #expect(head.first == "POST / HTTP/1.1")
        func value(_ name: String) -> [String] {
            head.dropFirst().filter { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(value("host") == ["127.0.0.1:\(server.port)"])
        #expect(value("content-type") == ["application/x-www-form-urlencoded; charset=utf-8"])
        #expect(
            parts.dropFirst().joined(separator: "\r\n\r\n") == "Action=ListMFADevices&Version=2010-05-08&UserName=carol"
        )

        // The server side of AWSProtocol accepts the signature of exactly these bytes.
        let signed = SigV4Request(
            method: "POST", path: "/",
            headers: head.dropFirst().map { line in
                let colon = line.firstIndex(of: ":")!
                return (
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }, body: Array(parts.dropFirst().joined(separator: "\r\n\r\n").utf8))
        let authorization = try SigV4Authorization.parse(signed)
        #expect(authorization.signedHeaders.contains("host"))
        try SigV4Verifier.verify(
            authorization, request: signed, secretAccessKey: exampleCredentials.secretAccessKey, now: Date())
    }

    @Test("An HTML 500 over the wire is an AWSClientError naming status and endpoint")
    func htmlOverTheWire() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        server.serveOnce(
            response: httpResponse(status: 500, contentType: "text/html", body: Array(Fixtures.motoHTML500.utf8)))
        let error = await #expect(throws: AWSClientError.self) {
            try await client(port: server.port).getCallerIdentity()
        }
        guard case .unexpectedResponse(500, let excerpt)? = error?.reason else {
            Issue.record("expected an unexpected HTTP 500 answer, got \(String(describing: error))")
            return
        }
        #expect(excerpt.hasPrefix("<!doctype html>"))
        #expect(error?.description.contains("http://127.0.0.1:\(server.port)/") == true)
    }

    @Test("An answer over 1 MiB is refused")
    func oversizedAnswer() async throws {
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let body = Array("<GetCallerIdentityResponse>".utf8) + [UInt8](repeating: 0x20, count: 1 << 20)
        server.serveOnce(response: httpResponse(status: 200, contentType: "text/xml", body: body))
        let error = await #expect(throws: AWSClientError.self) {
            try await client(port: server.port).getCallerIdentity()
        }
        #expect(error?.reason == .responseTooLarge(limit: 1 << 20))
    }

    @Test("Redirects are not followed: the session token and signed body stay with the endpoint")
    func redirectNotFollowed() async throws {
        let elsewhere = try LoopbackSocket(listening: true)
        defer { elsewhere.close() }
        let reached = Mutex(false)
        elsewhere.serveOnce(
            response: httpResponse(
                status: 200, contentType: "text/xml", body: Array(Fixtures.motoGetCallerIdentity.utf8)),
            record: { _ in reached.withLock { $0 = true } })
        let server = try LoopbackSocket(listening: true)
        defer { server.close() }
        let redirect =
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(elsewhere.port)/\r\n"
            + "Content-Length: 0\r\n\r\n"
        server.serveOnce(response: Array(redirect.utf8))
        var credentials = exampleCredentials
        credentials.sessionToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
        let endpoint = AWSEndpoint(url: "http://127.0.0.1:\(server.port)/", signingRegion: "us-east-1")
        let client = AWSClient(credentials: credentials, endpoints: [.sts: endpoint], timeout: .seconds(10))
        let error = await #expect(throws: AWSClientError.self) { try await client.getCallerIdentity() }
        #expect(error?.reason == .unexpectedResponse(status: 307, excerpt: ""))
        try await Task.sleep(for: .milliseconds(200))
        #expect(reached.withLock { $0 } == false)
    }

    @Test("A refused connection is a transport error that names the endpoint")
    func connectionRefused() async throws {
        let closed = try LoopbackSocket(listening: false)  // bound, not listening: connections are refused
        defer { closed.close() }
        let error = await #expect(throws: AWSClientError.self) {
            try await client(port: closed.port).getCallerIdentity()
        }
        guard case .transport(let detail)? = error?.reason else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(detail.hasPrefix("Connection refused (errno "))
        #expect(
            error?.description.hasPrefix("STS GetCallerIdentity at http://127.0.0.1:\(closed.port)/ failed: ") == true)
    }

    @Test("A server that accepts but never answers times out")
    func silentServer() async throws {
        let silent = try LoopbackSocket(listening: true)  // never accepts: the kernel completes the handshake
        defer { silent.close() }
        let error = await #expect(throws: AWSClientError.self) {
            try await client(port: silent.port, timeout: .milliseconds(500)).getCallerIdentity()
        }
        #expect(error?.reason == .timeout(.milliseconds(500)))
    }
}
