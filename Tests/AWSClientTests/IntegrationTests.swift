import AWSProtocol
import Foundation
import OTP
import Testing

@testable import AWSClient

/// Every helper against the real vegas-server binary (Query protocol, SigV4 verified, TOTP verified).
@Suite("vegas-server integration", .serialized)
struct IntegrationTests {
    private func client(_ server: VegasServerProcess, _ credentials: AWSCredentials, clock: Date? = nil) -> AWSClient {
        let endpoints = [
            AWSService.iam: AWSEndpoint.resolve(.iam, region: "eu-west-1", override: server.url),
            AWSService.sts: AWSEndpoint.resolve(.sts, region: "eu-west-1", override: server.url),
        ]
        guard let clock else { return AWSClient(credentials: credentials, endpoints: endpoints) }
        return AWSClient(credentials: credentials, endpoints: endpoints, clock: { clock })
    }

    /// Creates user `name` with `call` and returns a client signing with a new access key of it.
    private func createUser(_ name: String, root: AWSClient, server: VegasServerProcess) async throws -> AWSClient {
        let user = try await root.call(.iam, "CreateUser", [("UserName", name)])
        #expect(user.find("User", "Arn")?.text == "arn:aws:iam::\(VegasServerProcess.accountId):user/\(name)")
        let key = try await root.call(.iam, "CreateAccessKey", [("UserName", name)])
        let accessKeyId = try #require(key.find("AccessKey", "AccessKeyId")?.text)
        let secret = try #require(key.find("AccessKey", "SecretAccessKey")?.text)
        return client(server, AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret))
    }

    @Test("The MFA lifecycle: create, enable, list, session token, replay, resync, assume role, deactivate, delete")
    func mfaLifecycle() async throws {
        try await VegasServerProcess.with { server in
            let root = client(server, VegasServerProcess.rootCredentials)
            let account = VegasServerProcess.accountId

            let rootIdentity = try await root.getCallerIdentity()
            #expect(rootIdentity.account == account)
            #expect(rootIdentity.arn == "arn:aws:iam::\(account):root")
            let rootUser = try await root.getUser()
            #expect(rootUser.userName == nil)
            #expect(rootUser.isRoot)

            let alice = try await createUser("alice", root: root, server: server)
            #expect(try await alice.getUser().userName == "alice")
            #expect(try await alice.getCallerIdentity().arn == "arn:aws:iam::\(account):user/alice")

            // Create and enable with two consecutive codes from the returned seed.
            let device = try await alice.createVirtualMFADevice(name: "alice-phone")
            let serial = "arn:aws:iam::\(account):mfa/alice-phone"
            #expect(device.serialNumber == serial)
            #expect(device.base32Seed.count == 64)
            #expect(device.qrCodePNG.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let totp = try TOTP(secret: Base32.decode(device.base32Seed))
            let step = totp.step(at: Int64(Date().timeIntervalSince1970))
            try await alice.enableMFADevice(
                userName: "alice", serialNumber: serial, code1: totp.code(step: step - 1), code2: totp.code(step: step))

            for userName in ["alice", nil] {
                let devices = try await alice.listMFADevices(userName: userName)
                #expect(devices.map(\.serialNumber) == [serial])
                #expect(devices.first?.userName == "alice")
                #expect(devices.first?.enableDate.map { abs($0.timeIntervalSinceNow) < 300 } == true)
            }

            // An MFA session with the next step's code; the same code again is a replay.
            let sessionCode = totp.code(step: step + 1)
            let session = try await alice.getSessionToken(
                durationSeconds: 900, serialNumber: serial, tokenCode: sessionCode)
            #expect(session.accessKeyId.hasPrefix("ASIA"))
            #expect(abs(session.expiration.timeIntervalSinceNow - 900) < 120)
            let replay = await #expect(throws: AWSError.self) {
                try await alice.getSessionToken(durationSeconds: 900, serialNumber: serial, tokenCode: sessionCode)
            }
            #expect(replay?.code == "AccessDenied")
            #expect(replay?.httpStatus == 403)
            #expect(replay?.message.contains("invalid MFA one time pass code") == true)

            // The session signs with its token, for STS and for IAM (MFA-authenticated).
            let mfaSession = client(server, session.awsCredentials)
            #expect(try await mfaSession.getCallerIdentity().arn == "arn:aws:iam::\(account):user/alice")
            #expect(try await mfaSession.listMFADevices(userName: nil).map(\.serialNumber) == [serial])

            // Resync with the two steps after the last used one.
            try await alice.resyncMFADevice(
                userName: "alice", serialNumber: serial, code1: totp.code(step: step + 2),
                code2: totp.code(step: step + 3))

            // A role whose trust policy wants alice, MFA and an external id.
            let trust = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow",\
                "Principal":{"AWS":"arn:aws:iam::\(account):user/alice"},"Action":"sts:AssumeRole",\
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"StringEquals":{"sts:ExternalId":"vegas-ext-1"}}}]}
                """
            let role = try await root.call(
                .iam, "CreateRole", [("RoleName", "vegas-admin"), ("AssumeRolePolicyDocument", trust)])
            let roleARN = try #require(role.find("Role", "Arn")?.text)
            let withoutMFA = await #expect(throws: AWSError.self) {
                try await alice.assumeRole(
                    roleARN: roleARN, sessionName: "alice-session", durationSeconds: nil, externalId: "vegas-ext-1",
                    serialNumber: nil, tokenCode: nil, sourceIdentity: nil)
            }
            #expect(withoutMFA?.code == "AccessDenied")
            #expect(withoutMFA?.httpStatus == 403)

            let assumed = try await alice.assumeRole(
                roleARN: roleARN, sessionName: "alice-session", durationSeconds: 1800, externalId: "vegas-ext-1",
                serialNumber: serial, tokenCode: totp.code(step: step + 4), sourceIdentity: "alice-src")
            #expect(abs(assumed.expiration.timeIntervalSinceNow - 1800) < 120)
            #expect(
                try await client(server, assumed.awsCredentials).getCallerIdentity().arn
                    == "arn:aws:sts::\(account):assumed-role/vegas-admin/alice-session")
            // The MFA session assumes the role without a new code.
            let fromSession = try await mfaSession.assumeRole(
                roleARN: roleARN, sessionName: "from-session", durationSeconds: nil, externalId: "vegas-ext-1",
                serialNumber: nil, tokenCode: nil, sourceIdentity: nil)
            #expect(
                try await client(server, fromSession.awsCredentials).getCallerIdentity().arn
                    == "arn:aws:sts::\(account):assumed-role/vegas-admin/from-session")

            // Deactivate (the caller's own device), delete, and delete again.
            try await alice.deactivateMFADevice(userName: nil, serialNumber: serial)
            #expect(try await alice.listMFADevices(userName: "alice").isEmpty)
            try await alice.deleteVirtualMFADevice(serialNumber: serial)
            let gone = await #expect(throws: AWSError.self) {
                try await alice.deleteVirtualMFADevice(serialNumber: serial)
            }
            #expect(gone?.code == "NoSuchEntity")
            #expect(gone?.httpStatus == 404)
        }
    }

    @Test("AWS's errors arrive as AWSError: bad signatures, unknown keys, skewed clocks, denied and invalid calls")
    func errorMapping() async throws {
        try await VegasServerProcess.with { server in
            let root = client(server, VegasServerProcess.rootCredentials)
            let bob = try await createUser("bob", root: root, server: server)

            var wrongSecret = VegasServerProcess.rootCredentials
            wrongSecret.secretAccessKey = String(wrongSecret.secretAccessKey.reversed())
            let mismatch = await #expect(throws: AWSError.self) {
                try await client(server, wrongSecret).getCallerIdentity()
            }
            #expect(mismatch?.code == "SignatureDoesNotMatch")
            #expect(mismatch?.httpStatus == 403)

            let unknownKey = await #expect(throws: AWSError.self) {
                try await client(
                    server,
                    AWSCredentials(accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: wrongSecret.secretAccessKey)
                ).listMFADevices(userName: nil)
            }
            #expect(unknownKey == .invalidClientTokenId)

            let skewed = await #expect(throws: AWSError.self) {
                try await client(server, VegasServerProcess.rootCredentials, clock: Date().addingTimeInterval(-3600))
                    .getCallerIdentity()
            }
            #expect(skewed?.code == "SignatureDoesNotMatch")
            #expect(skewed?.message.hasPrefix("Signature expired") == true)

            // A session without MFA may not call IAM.
            let plainSession = try await bob.getSessionToken(durationSeconds: nil, serialNumber: nil, tokenCode: nil)
            let denied = await #expect(throws: AWSError.self) {
                try await client(server, plainSession.awsCredentials).listMFADevices(userName: nil)
            }
            #expect(denied?.code == "AccessDenied")
            #expect(denied?.httpStatus == 403)
            #expect(denied?.message.contains("arn:aws:iam::\(VegasServerProcess.accountId):user/bob") == true)

            // AWS echoes a malformed code in its ValidationError: the client masks it.
            let invalid = await #expect(throws: AWSError.self) {
                try await bob.getSessionToken(
                    durationSeconds: nil, serialNumber: "arn:aws:iam::\(VegasServerProcess.accountId):mfa/bob",
                    tokenCode: "12345a")
            }
            #expect(invalid?.code == "ValidationError")
            #expect(invalid?.httpStatus == 400)
            #expect(invalid.map { $0.message.contains("'***'") && !$0.message.contains("12345a") } == true)

            let unknownAction = await #expect(throws: AWSError.self) { try await root.call(.iam, "NoSuchAction", []) }
            #expect(unknownAction?.code == "InvalidAction")
        }
    }
}
