import AWSProtocol
import Foundation
import Testing

@testable import AWSClient

@Suite("Response shapes")
struct ResponseParsingTests {
    private func isClose(_ date: Date?, _ seconds: Double) -> Bool {
        guard let date else { return false }
        return abs(date.timeIntervalSince1970 - seconds) < 1e-5
    }

    @Test("GetCallerIdentity: real STS (pretty-printed) and moto (compact)")
    func callerIdentity() async throws {
        let script = ScriptedTransport([(200, Fixtures.realGetCallerIdentity), (200, Fixtures.motoGetCallerIdentity)])
        let client = script.client()
        #expect(
            try await client.getCallerIdentity()
                == CallerIdentity(
                    account: "123456789012",
                    arn: "arn:aws:sts::123456789012:assumed-role/elpy-admin/botocore-session-1590482957",
                    userId: "AROAUBLYXXXXXXACIWXS2:botocore-session-1590482957"))
        #expect(
            try await client.getCallerIdentity()
                == CallerIdentity(
                    account: "123456789012", arn: "arn:aws:sts::123456789012:user/moto", userId: "AKIAIOSFODNN7EXAMPLE")
        )
        #expect(flatten(script.sentParameters[0]) == ["Action", "GetCallerIdentity", "Version", "2011-06-15"])
        #expect(script.requests.allSatisfy { $0.url == "https://sts.us-east-1.amazonaws.com/" })
    }

    @Test("CreateVirtualMFADevice: the seed is base64-decoded to its ASCII base32 text, the QR code to bytes")
    func createVirtualMFADevice() async throws {
        let script = ScriptedTransport([(200, Fixtures.motoCreateVirtualMFADevice)])
        let device = try await script.client().createVirtualMFADevice(name: "carol-phone", path: "/team/")
        #expect(device.serialNumber == "arn:aws:iam::123456789012:mfa/carol-phone")
        #expect(device.base32Seed == "OF7JYGPHQZIS4ENSDTL7WPS26CCUT5PSHXTPR5GYNDW3BZVRWN7UB3DCRJGT5SOH")
        #expect(device.qrCodePNG.count == 64)
        #expect(device.qrCodePNG.prefix(4) == [0xB7, 0x1B, 0x7F, 0xD1])
        #expect(
            flatten(script.sentParameters[0]) == [
                "Action", "CreateVirtualMFADevice", "Version", "2010-05-08", "VirtualMFADeviceName", "carol-phone",
                "Path", "/team/",
            ])
        #expect(script.requests[0].url == "https://iam.amazonaws.com/")
        #expect(!device.description.contains(device.base32Seed))
    }

    @Test("CreateVirtualMFADevice: a seed that is not base64 of base32 text is a malformed answer")
    func createVirtualMFADeviceBadSeed() async throws {
        let notBase64 = Fixtures.motoCreateVirtualMFADevice.replacingOccurrences(
            of: "T0Y3SllHUEhRWklTNEVOU0RUTDdXUFMyNkNDVVQ1UFNIWFRQUjVHWU5EVzNCWlZSV043VUIzRENSSkdUNVNPSA==",
            with: "not*base64")
        let notBase32 = Fixtures.motoCreateVirtualMFADevice.replacingOccurrences(
            of: "T0Y3SllHUEhRWklTNEVOU0RUTDdXUFMyNkNDVVQ1UFNIWFRQUjVHWU5EVzNCWlZSV043VUIzRENSSkdUNVNPSA==",
            with: "MTIzNDU2Nzg5")  // base64("123456789"): 0, 1, 8 and 9 are not base32
        let noSeed = Fixtures.motoCreateVirtualMFADevice.replacingOccurrences(
            of:
                "<Base32StringSeed>T0Y3SllHUEhRWklTNEVOU0RUTDdXUFMyNkNDVVQ1UFNIWFRQUjVHWU5EVzNCWlZSV043VUIzRENSSkdUNVNPSA==</Base32StringSeed>",
            with: "")
        let client = ScriptedTransport([(200, notBase64), (200, notBase32), (200, noSeed)]).client()
        for expected in [
            "VirtualMFADevice/Base32StringSeed is not valid base64",
            "VirtualMFADevice/Base32StringSeed does not decode to base32 text",
            "CreateVirtualMFADeviceResult has no VirtualMFADevice/Base32StringSeed",
        ] {
            let error = await #expect(throws: AWSClientError.self) {
                try await client.createVirtualMFADevice(name: "carol-phone")
            }
            #expect(error?.reason == .malformedResponse(expected))
            #expect(error.map { !$0.description.contains("123456789") } == true)
        }
    }

    @Test("Actions without output return the response element (EnableMFADevice, Deactivate, Delete)")
    func noOutputActions() async throws {
        let script = ScriptedTransport([
            (200, Fixtures.motoEnableMFADevice), (200, Fixtures.motoEnableMFADevice),
            (200, Fixtures.motoDeactivateMFADevice), (200, Fixtures.motoDeactivateMFADevice),
            (200, Fixtures.motoDeleteVirtualMFADevice),
        ])
        let client = script.client()
        let serial = "arn:aws:iam::123456789012:mfa/carol-phone"
        let raw = try await client.call(
            .iam, "EnableMFADevice",
            [
                ("UserName", "carol"), ("SerialNumber", serial), ("AuthenticationCode1", "000000"),
                ("AuthenticationCode2", "999999"),
            ])
        #expect(raw.name == "EnableMFADeviceResponse")
        #expect(
            raw.find("ResponseMetadata", "RequestId")?.text == "uGnzaSYIC2tAauflH7z8RSDwNjhbJuRrPm6ceqPebLCrdtIusGxr")
        try await client.enableMFADevice(userName: "carol", serialNumber: serial, code1: "000000", code2: "999999")
        try await client.deactivateMFADevice(userName: "carol", serialNumber: serial)
        try await client.deactivateMFADevice(userName: nil, serialNumber: serial)
        try await client.deleteVirtualMFADevice(serialNumber: serial)
        let sent = script.sentParameters.map(flatten)
        #expect(
            sent[1] == [
                "Action", "EnableMFADevice", "Version", "2010-05-08", "UserName", "carol", "SerialNumber", serial,
                "AuthenticationCode1", "000000", "AuthenticationCode2", "999999",
            ])
        #expect(
            sent[2] == [
                "Action", "DeactivateMFADevice", "Version", "2010-05-08", "UserName", "carol", "SerialNumber", serial,
            ])
        #expect(sent[3] == ["Action", "DeactivateMFADevice", "Version", "2010-05-08", "SerialNumber", serial])
        #expect(sent[4] == ["Action", "DeleteVirtualMFADevice", "Version", "2010-05-08", "SerialNumber", serial])
    }

    @Test("ResyncMFADevice sends the two codes")
    func resync() async throws {
        let body = Fixtures.motoEnableMFADevice.replacingOccurrences(of: "EnableMFADevice", with: "ResyncMFADevice")
        let script = ScriptedTransport([(200, body)])
        try await script.client().resyncMFADevice(
            userName: "carol", serialNumber: "arn:aws:iam::123456789012:mfa/carol-phone", code1: "123456",
            code2: "654321")
        #expect(
            flatten(script.sentParameters[0]) == [
                "Action", "ResyncMFADevice", "Version", "2010-05-08", "UserName", "carol", "SerialNumber",
                "arn:aws:iam::123456789012:mfa/carol-phone", "AuthenticationCode1", "123456", "AuthenticationCode2",
                "654321",
            ])
    }

    @Test("ListMFADevices: moto's capture, microsecond EnableDate")
    func listMFADevices() async throws {
        let script = ScriptedTransport([(200, Fixtures.motoListMFADevices)])
        let devices = try await script.client().listMFADevices(userName: "carol")
        #expect(devices.count == 1)
        #expect(devices.first?.userName == "carol")
        #expect(devices.first?.serialNumber == "arn:aws:iam::123456789012:mfa/carol-phone")
        #expect(isClose(devices.first?.enableDate, 1_795_332_063.984854))
        #expect(
            flatten(script.sentParameters[0]) == [
                "Action", "ListMFADevices", "Version", "2010-05-08", "UserName", "carol",
            ])
    }

    @Test("ListMFADevices: every kind of serial, an empty list, and Marker pages followed to the end")
    func listMFADevicesPages() async throws {
        func page(_ members: [(String, String)], marker: String?) -> String {
            let items = members.map {
                "<member><UserName>Bob</UserName><SerialNumber>\($0.0)</SerialNumber><EnableDate>\($0.1)</EnableDate></member>"
            }.joined()
            let trailer =
                marker.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" }
                ?? "<IsTruncated>false</IsTruncated>"
            return """
                <ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
                  <ListMFADevicesResult><MFADevices>\(items)</MFADevices>\(trailer)</ListMFADevicesResult>
                  <ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>
                </ListMFADevicesResponse>
                """
        }
        let script = ScriptedTransport([
            (200, page([("arn:aws:iam::123456789012:mfa/Bob", "2019-10-28T20:37:09Z")], marker: "bWFya2VyLTE")),
            (200, page([("GAKT12345678", "2023-02-18T21:44:42.123Z")], marker: "bWFya2VyLTI+/=")),
            (
                200,
                page(
                    [
                        (
                            "arn:aws:iam::123456789012:u2f/user/Bob/fidosecuritykey1-7XNL7NFNLZ123456789EXAMPLE",
                            "2023-09-19T02:25:35+00:00"
                        )
                    ], marker: nil)
            ),
            (200, page([], marker: nil).replacingOccurrences(of: "<MFADevices></MFADevices>", with: "<MFADevices/>")),
        ])
        let client = script.client()
        let devices = try await client.listMFADevices(userName: nil)
        #expect(
            devices.map(\.serialNumber) == [
                "arn:aws:iam::123456789012:mfa/Bob", "GAKT12345678",
                "arn:aws:iam::123456789012:u2f/user/Bob/fidosecuritykey1-7XNL7NFNLZ123456789EXAMPLE",
            ])
        #expect(isClose(devices[0].enableDate, 1_572_295_029))
        #expect(isClose(devices[1].enableDate, 1_676_756_682.123))
        #expect(isClose(devices[2].enableDate, 1_695_090_335))
        let sent = script.sentParameters.map(flatten)
        #expect(sent[0] == ["Action", "ListMFADevices", "Version", "2010-05-08"])
        #expect(sent[1] == ["Action", "ListMFADevices", "Version", "2010-05-08", "Marker", "bWFya2VyLTE"])
        #expect(sent[2] == ["Action", "ListMFADevices", "Version", "2010-05-08", "Marker", "bWFya2VyLTI+/="])
        #expect(try await client.listMFADevices(userName: "Bob").isEmpty)
    }

    @Test("ListMFADevices: a truncated page without a Marker, or a repeating Marker, is malformed")
    func listMFADevicesBadPaging() async throws {
        let truncatedNoMarker = Fixtures.motoListMFADevices.replacingOccurrences(
            of: "<IsTruncated>false</IsTruncated>", with: "<IsTruncated>true</IsTruncated>")
        let looping = Fixtures.motoListMFADevices.replacingOccurrences(
            of: "<IsTruncated>false</IsTruncated>", with: "<IsTruncated>true</IsTruncated><Marker>again</Marker>")
        let client = ScriptedTransport([(200, truncatedNoMarker), (200, looping), (200, looping)]).client()
        let first = await #expect(throws: AWSClientError.self) { try await client.listMFADevices(userName: nil) }
        #expect(first?.reason == .malformedResponse("ListMFADevicesResult has no Marker"))
        let second = await #expect(throws: AWSClientError.self) { try await client.listMFADevices(userName: nil) }
        #expect(second?.reason == .malformedResponse("the Marker of page 2 repeats an earlier one"))
    }

    @Test("GetUser: the documentation sample, and the root user (no UserName)")
    func getUser() async throws {
        let root = """
            <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>\
            <Path>/</Path><UserId>123456789012</UserId><Arn>arn:aws:iam::123456789012:root</Arn>\
            <CreateDate>2020-01-01T00:00:00Z</CreateDate></User></GetUserResult>\
            <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>
            """
        let script = ScriptedTransport([(200, Fixtures.docGetUser), (200, root)])
        let client = script.client()
        let bob = try await client.getUser()
        #expect(bob.userName == "Bob")
        #expect(bob.arn == "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob")
        #expect(bob.userId == "AIDACKCEVSQ6C2EXAMPLE")
        #expect(bob.path == "/division_abc/subdivision_xyz/")
        #expect(isClose(bob.createDate, 1_380_733_304))
        #expect(!bob.isRoot)
        let rootUser = try await client.getUser()
        #expect(rootUser.userName == nil)
        #expect(rootUser.isRoot)
        #expect(flatten(script.sentParameters[0]) == ["Action", "GetUser", "Version", "2010-05-08"])
    }

    @Test("GetSessionToken: the documentation sample (milliseconds) and moto (microseconds)")
    func getSessionToken() async throws {
        let script = ScriptedTransport([(200, Fixtures.docGetSessionToken), (200, Fixtures.motoGetSessionToken)])
        let client = script.client()
        let doc = try await client.getSessionToken(
            durationSeconds: 7200, serialNumber: "arn:aws:iam::123456789012:mfa/alice", tokenCode: "123456")
        #expect(doc.accessKeyId == "AKIAIOSFODNN7EXAMPLE")
        #expect(doc.secretAccessKey == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY")
        #expect(doc.sessionToken == "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/L")
        #expect(isClose(doc.expiration, 1_310_414_129.611))
        #expect(doc.awsCredentials.sessionToken == doc.sessionToken)
        #expect(containsNone(doc.description, of: [doc.secretAccessKey, doc.sessionToken]))
        let moto = try await client.getSessionToken(durationSeconds: nil, serialNumber: nil, tokenCode: nil)
        #expect(isClose(moto.expiration, 1_795_332_964.048032))
        #expect(moto.sessionToken.hasSuffix("QtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"))
        let sent = script.sentParameters.map(flatten)
        #expect(
            sent[0] == [
                "Action", "GetSessionToken", "Version", "2011-06-15", "DurationSeconds", "7200", "SerialNumber",
                "arn:aws:iam::123456789012:mfa/alice", "TokenCode", "123456",
            ])
        #expect(sent[1] == ["Action", "GetSessionToken", "Version", "2011-06-15"])
    }

    @Test("AssumeRole: the documentation sample and moto, with every optional parameter sent in order")
    func assumeRole() async throws {
        let script = ScriptedTransport([(200, Fixtures.docAssumeRole), (200, Fixtures.motoAssumeRole)])
        let client = script.client()
        let doc = try await client.assumeRole(
            roleARN: "arn:aws:iam::123456789012:role/demo", sessionName: "John", durationSeconds: 3600,
            externalId: "ext-1", serialNumber: "arn:aws:iam::123456789012:mfa/John", tokenCode: "654321",
            sourceIdentity: "DevUser123")
        #expect(doc.accessKeyId == "AKIAIOSFODNN7EXAMPLE")
        #expect(isClose(doc.expiration, 1_563_233_313.359))
        let moto = try await client.assumeRole(
            roleARN: "arn:aws:iam::123456789012:role/admin", sessionName: "carol", durationSeconds: nil,
            externalId: nil, serialNumber: nil, tokenCode: nil, sourceIdentity: nil)
        #expect(moto.accessKeyId == "ASIARZPUZDIKBASTYLSI")
        #expect(moto.secretAccessKey == "92NpyZeAAIEdtZCwtjbrahEkVn47AmwByM6FFnpz")
        #expect(isClose(moto.expiration, 1_795_335_664.065114))
        let sent = script.sentParameters.map(flatten)
        #expect(
            sent[0] == [
                "Action", "AssumeRole", "Version", "2011-06-15", "RoleArn", "arn:aws:iam::123456789012:role/demo",
                "RoleSessionName", "John", "DurationSeconds", "3600", "ExternalId", "ext-1", "SerialNumber",
                "arn:aws:iam::123456789012:mfa/John", "TokenCode", "654321", "SourceIdentity", "DevUser123",
            ])
        #expect(
            sent[1] == [
                "Action", "AssumeRole", "Version", "2011-06-15", "RoleArn", "arn:aws:iam::123456789012:role/admin",
                "RoleSessionName", "carol",
            ])
    }

    @Test("Credentials missing a field or with an unreadable Expiration are malformed answers")
    func malformedCredentials() async throws {
        let noToken = Fixtures.docGetSessionToken.replacingOccurrences(
            of: "<SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/L</SessionToken>",
            with: "")
        let badDate = Fixtures.docGetSessionToken.replacingOccurrences(
            of: "2011-07-11T19:55:29.611Z", with: "2011-07-11 19:55:29")
        let client = ScriptedTransport([(200, noToken), (200, badDate)]).client()
        let first = await #expect(throws: AWSClientError.self) {
            try await client.getSessionToken(durationSeconds: nil, serialNumber: nil, tokenCode: nil)
        }
        #expect(first?.reason == .malformedResponse("GetSessionTokenResult has no Credentials/SessionToken"))
        let second = await #expect(throws: AWSClientError.self) {
            try await client.getSessionToken(durationSeconds: nil, serialNumber: nil, tokenCode: nil)
        }
        #expect(
            second?.reason
                == .malformedResponse("Credentials/Expiration '2011-07-11 19:55:29' is not an ISO-8601 timestamp"))
    }

    @Test("A success for another action, or a result-less document, is not accepted as the answer")
    func wrongSuccessElement() async throws {
        let client = ScriptedTransport([(200, Fixtures.motoGetCallerIdentity), (200, "<Unexpected/>")]).client()
        for _ in 0..<2 {
            let error = await #expect(throws: AWSClientError.self) {
                try await client.getSessionToken(durationSeconds: nil, serialNumber: nil, tokenCode: nil)
            }
            guard case .unexpectedResponse(let status, _)? = error?.reason else {
                Issue.record("expected unexpectedResponse, got \(String(describing: error))")
                continue
            }
            #expect(status == 200)
        }
    }
}
