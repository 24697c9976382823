import AWSProtocol
import Foundation
import TestSupport
import Testing

/// Our response bodies parsed by botocore's QueryParser against the real IAM/STS service models: the shapes are
/// what AWS SDKs expect.
@Suite struct BotocoreXMLTests {
    static let script = #"""
        import json, sys
        import botocore.session
        from botocore import parsers

        session = botocore.session.get_session()
        results = []
        for service, operation, status, path in json.loads(sys.argv[1]):
            operation_model = session.get_service_model(service).operation_model(operation)
            with open(path, "rb") as body:
                response = {"body": body.read(), "headers": {}, "status_code": status}
            results.append(parsers.create_parser("query").parse(response, operation_model.output_shape))
        json.dump(results, sys.stdout, default=str)
        """#

    private func parsedByBotocore(
        _ bodies: [(service: String, operation: String, status: Int, body: [UInt8])]
    ) throws
        -> [[String: Any]]
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("awsprotocol-xml-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var jobs: [[Any]] = []
        for (index, item) in bodies.enumerated() {
            let file = directory.appendingPathComponent("\(index).xml")
            try Data(item.body).write(to: file)
            jobs.append([item.service, item.operation, item.status, file.path])
        }
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: jobs), as: UTF8.self)
        let output = try Python.run(Self.script, arguments: [argument])
        return try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
    }

    @Test func botocoreReadsOurSuccessAndErrorResponses() throws {
        let expiration = Date(timeIntervalSince1970: 1_795_332_964.048032)
        let results = try parsedByBotocore([
            (
                "iam", "ListMFADevices", 200,
                QueryResponse.success(
                    action: "ListMFADevices", namespace: QueryResponse.iamNamespace,
                    result: [
                        .list(
                            "MFADevices",
                            members: [
                                [
                                    XMLElement("UserName", "carol"),
                                    XMLElement("SerialNumber", "arn:aws:iam::123456789012:mfa/carol-phone"),
                                    XMLElement("EnableDate", "2026-11-22T07:21:03Z"),
                                ]
                            ]), XMLElement("IsTruncated", "false"),
                    ], requestId: "req-1")
            ),
            (
                "sts", "GetSessionToken", 200,
                QueryResponse.success(
                    action: "GetSessionToken", namespace: QueryResponse.stsNamespace,
                    result: [
                        XMLElement(
                            "Credentials",
                            children: [
                                XMLElement("AccessKeyId", "ASIAEXAMPLE"),
                                XMLElement("SecretAccessKey", "secret/&<key>"),
                                XMLElement("SessionToken", "token+/="),
                                XMLElement("Expiration", AWSTimestamp.format(expiration, fractionalDigits: 3)),
                            ])
                    ], requestId: "req-2")
            ),
            (
                "iam", "EnableMFADevice", 200,
                QueryResponse.success(
                    action: "EnableMFADevice", namespace: QueryResponse.iamNamespace, result: nil, requestId: "req-3")
            ),
            (
                "sts", "GetSessionToken", 403,
                QueryResponse.error(
                    .accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. "),
                    namespace: QueryResponse.stsNamespace, requestId: "req-4")
            ),
        ])
        #expect(results.count == 4)

        let devices = try #require(results[0]["MFADevices"] as? [[String: Any]])
        #expect(devices.count == 1)
        #expect(devices.first?["SerialNumber"] as? String == "arn:aws:iam::123456789012:mfa/carol-phone")
        #expect(devices.first?["EnableDate"] as? String == "2026-11-22 07:21:03+00:00")
        #expect(results[0]["IsTruncated"] as? Bool == false)
        #expect((results[0]["ResponseMetadata"] as? [String: Any])?["RequestId"] as? String == "req-1")

        let credentials = try #require(results[1]["Credentials"] as? [String: Any])
        #expect(credentials["SecretAccessKey"] as? String == "secret/&<key>")
        #expect(credentials["SessionToken"] as? String == "token+/=")
        #expect(credentials["Expiration"] as? String == "2026-11-22 07:36:04.048000+00:00")

        #expect((results[2]["ResponseMetadata"] as? [String: Any])?["RequestId"] as? String == "req-3")

        let error = try #require(results[3]["Error"] as? [String: Any])
        #expect(error["Code"] as? String == "AccessDenied")
        #expect(error["Message"] as? String == "MultiFactorAuthentication failed with invalid MFA one time pass code. ")
        #expect(error["Type"] as? String == "Sender")
        #expect((results[3]["ResponseMetadata"] as? [String: Any])?["RequestId"] as? String == "req-4")
    }
}
