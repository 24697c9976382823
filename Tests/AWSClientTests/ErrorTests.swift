import AWSProtocol
import Foundation
import Testing

@testable import AWSClient

@Suite("Errors")
struct ErrorTests {
    @Test(
        "ErrorResponse bodies become AWSError with AWS's code, message and status",
        arguments: [
            (
                Fixtures.motoDuplicateDevice, 409, "EntityAlreadyExists",
                "MFADevice entity at the same path and name already exists."
            ),
            (Fixtures.motoNoSuchUser, 404, "NoSuchEntity", "The user with name nobody cannot be found."),
            (
                Fixtures.motoDeleteUnknownDevice, 404, "NoSuchEntity",
                "VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/carol-phone doesn't exist."
            ),
            (
                Fixtures.stsInvalidCode, 403, "AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code. "
            ),
            (
                "<Response><Errors><Error><Code>InvalidAction</Code><Message>Bad.</Message></Error></Errors></Response>",
                400,
                "InvalidAction", "Bad."
            ),
            (
                "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
                200,
                "Throttling", "Rate exceeded"
            ),
        ])
    func errorResponses(body: String, status: Int, code: String, message: String) async throws {
        let client = ScriptedTransport([(status, body)]).client()
        let error = await #expect(throws: AWSError.self) {
            try await client.call(.iam, "CreateVirtualMFADevice", [("VirtualMFADeviceName", "carol-phone")])
        }
        #expect(error == AWSError(code: code, message: message, httpStatus: status))
    }

    @Test("moto's HTML 500 page is an AWSClientError with the status and a sanitized start of the body")
    func htmlServerError() async throws {
        let client = ScriptedTransport([(500, Fixtures.motoHTML500)]).client()
        let error = await #expect(throws: AWSClientError.self) {
            try await client.resyncMFADevice(
                userName: "carol", serialNumber: "arn:aws:iam::123456789012:mfa/carol-phone", code1: "123456",
                code2: "234567")
        }
        guard case .unexpectedResponse(let status, let excerpt)? = error?.reason else {
            Issue.record("expected unexpectedResponse, got \(String(describing: error))")
            return
        }
        #expect(status == 500)
        #expect(excerpt.hasPrefix("<!doctype html> <html lang=en> <title>500 Internal Server Error</title> <h1>"))
        #expect(excerpt.utf8.count == ResponseExcerpt.maxBytes)
        #expect(error?.service == .iam)
        #expect(error?.action == "ResyncMFADevice")
        #expect(error?.endpoint == "https://iam.amazonaws.com/")
        let description = error?.description ?? ""
        #expect(
            description.hasPrefix("IAM ResyncMFADevice at https://iam.amazonaws.com/: unexpected answer (HTTP 500)"))
        #expect(containsNone(description, of: ["123456", "234567", exampleCredentials.secretAccessKey]))
    }

    @Test("Bodies that are not Query-protocol errors: empty, XML without a Code, binary with control characters")
    func otherUnexpectedBodies() async throws {
        let client = ScriptedTransport([
            (502, ""), (500, "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>"),
            (503, "\u{1B}[31mred\u{07}\ttab\n\nnewlines   spaces é"),
        ]).client()
        var reasons: [AWSClientError.Reason?] = []
        for _ in 0..<3 {
            let error = await #expect(throws: AWSClientError.self) { try await client.getCallerIdentity() }
            reasons.append(error?.reason)
        }
        #expect(reasons[0] == .unexpectedResponse(status: 502, excerpt: ""))
        #expect(
            reasons[1]
                == .unexpectedResponse(
                    status: 500, excerpt: "<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>"))
        #expect(reasons[2] == .unexpectedResponse(status: 503, excerpt: "?[31mred? tab newlines spaces ??"))
    }

    @Test("MFA codes AWS echoes in a ValidationError are masked, other digits are kept")
    func codesMaskedInAWSErrors() async throws {
        let body = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
            <Code>ValidationError</Code><Message>1 validation error detected: Value '12345a' at 'tokenCode' failed \
            to satisfy constraint: Member must satisfy regular expression pattern: [\\d]* (account 12345a00 \
            arn:aws:iam::123456789012:mfa/x)</Message></Error><RequestId>r</RequestId></ErrorResponse>
            """
        let client = ScriptedTransport([(400, body)]).client()
        let error = await #expect(throws: AWSError.self) {
            try await client.getSessionToken(
                durationSeconds: nil, serialNumber: "arn:aws:iam::123456789012:mfa/x", tokenCode: "12345a")
        }
        #expect(error?.code == "ValidationError")
        #expect(
            error?.message
                == "1 validation error detected: Value '***' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]* (account 12345a00 arn:aws:iam::123456789012:mfa/x)"
        )
    }

    @Test("Secrets in an unexpected body are masked: secret key, session token, codes and secret elements")
    func secretsMaskedInExcerpts() async throws {
        var credentials = exampleCredentials
        credentials.sessionToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
        let echo =
            "<html>echo: token=IQoJb3JpZ2luX2VjEXAMPLETOKEN key=\(credentials.secretAccessKey) code=482913</html>"
        let truncatedSuccess =
            "<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><SecretAccessKey>abcdEFGHijklMNOPqrstUVWXyz0123456789/+AB"
        let seedLeak = "<X><Base32StringSeed>T0Y3SllHUEhR</Base32StringSeed><SessionToken>tokSECRET"
        let script = ScriptedTransport([(500, echo), (200, truncatedSuccess), (200, seedLeak)])
        let client = script.client(credentials: credentials)
        var excerpts: [String] = []
        for _ in 0..<3 {
            let error = await #expect(throws: AWSClientError.self) {
                try await client.getSessionToken(
                    durationSeconds: nil, serialNumber: "arn:aws:iam::123456789012:mfa/x", tokenCode: "482913")
            }
            if case .unexpectedResponse(_, let excerpt)? = error?.reason { excerpts.append(excerpt) }
            #expect(
                containsNone(
                    error?.description ?? "",
                    of: [
                        "IQoJb3JpZ2luX2VjEXAMPLETOKEN", credentials.secretAccessKey, "482913", "abcdEFGH", "T0Y3",
                        "tokSECRET",
                    ]))
        }
        #expect(
            excerpts == [
                "<html>echo: token=*** key=*** code=***</html>",
                "<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><SecretAccessKey>***",
                "<X><Base32StringSeed>***</Base32StringSeed><SessionToken>***",
            ])
    }

    @Test("A transport that never answers times out with the limit named")
    func scriptedTimeout() async throws {
        let script = ScriptedTransport([
            { _ in
                try await Task.sleep(for: .seconds(30))
                return HTTPAnswer(status: 200, body: [])
            }
        ])
        // The reason tells it apart from a slow answer (which would end in a malformed-response error): no timing
        // assertion, which would flake on a busy machine.
        let error = await #expect(throws: AWSClientError.self) {
            try await script.client(timeout: .milliseconds(200)).getCallerIdentity()
        }
        #expect(error?.reason == .timeout(.milliseconds(200)))
        #expect(
            error?.description
                == "STS GetCallerIdentity at https://sts.us-east-1.amazonaws.com/ got no answer within 0.200 s")
    }

    @Test("Transport failures keep their reason; an oversized answer names the limit")
    func transportFailures() async throws {
        let script = ScriptedTransport([
            { _ in throw TransportFailure.failed("connection refused") }, { _ in throw TransportFailure.tooLarge },
            { _ in throw TransportFailure.timedOut },
        ])
        let client = script.client()
        var reasons: [AWSClientError.Reason?] = []
        for _ in 0..<3 {
            let error = await #expect(throws: AWSClientError.self) { try await client.getUser() }
            reasons.append(error?.reason)
        }
        #expect(
            reasons == [
                .transport("connection refused"), .responseTooLarge(limit: 1 << 20), .timeout(.seconds(5)),
            ])
    }

    @Test("No endpoint, or one that is not an http(s) URL, fails before anything is sent")
    func endpointProblems() async throws {
        let script = ScriptedTransport([(200, Fixtures.motoGetCallerIdentity)])
        let missing = await #expect(throws: AWSClientError.self) {
            try await script.client(endpoints: [.iam: awsEndpoints[.iam]!]).getCallerIdentity()
        }
        #expect(missing?.reason == .noEndpoint)
        #expect(missing?.description == "STS GetCallerIdentity: no endpoint is configured for STS")
        let invalid = await #expect(throws: AWSClientError.self) {
            try await script.client(endpoints: [.sts: AWSEndpoint(url: "sts.amazonaws.com", signingRegion: "us-east-1")]
            )
            .getCallerIdentity()
        }
        #expect(invalid?.reason == .invalidEndpointURL)
        let withPassword = await #expect(throws: AWSClientError.self) {
            try await script.client(
                endpoints: [.sts: AWSEndpoint(url: "https://user:s3cret@sts.example.com/\u{1B}[2J", signingRegion: "x")]
            ).getCallerIdentity()
        }
        #expect(withPassword?.endpoint == "https://***@sts.example.com/?[2J")
        #expect(withPassword.map { !$0.description.contains("s3cret") } == true)
        #expect(script.requests.isEmpty)
    }
}
