import AWSProtocol
import Foundation
import IdentityService
import OTP
import Testing

@Suite("STS: session tokens and roles with MFA")
struct STSTests {
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
    static let unknownSerial =
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."

    @Test("a code is accepted once: replay and wrong codes get the same AccessDenied", arguments: StoreBackend.allCases)
    func replay(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        let next = h.code(totp, offset: 1)
        let issued = try await h.service.getSessionToken(
            alice, durationSeconds: 900, serialNumber: serial, tokenCode: next)
        #expect(issued.credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(issued.expiration == h.clock.now.addingTimeInterval(900))
        let replayed = await awsError {
            _ = try await h.service.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: next)
        }
        #expect(replayed == AWSError.accessDenied(Self.invalidCode))
        let wrongCode = String(format: "%06d", (Int(next)! + 1) % 1_000_000)
        let wrong = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: 900, serialNumber: serial, tokenCode: wrongCode)
        }
        #expect(wrong == replayed)
        // The code of the previous step is older than the last one used: also a replay.
        let older = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp))
        }
        #expect(older == replayed)
        h.clock.advance(30)
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp, offset: 1))
    }

    @Test(
        "one fresh code sent 16 times at once, half to each of two servers, is accepted once, with its session stored",
        arguments: StoreBackend.allCases)
    func raceAcrossServers(backend: StoreBackend) async throws {
        let h = try await Harness(backend) { $0.mfaMaxFailures = 1000 }  // the 15 replays of a round lock nothing
        let servers = [h.service, h.otherServer()]
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        for round in 1...3 {
            h.clock.advance(30)
            let code = h.code(totp)
            let accepted = await withTaskGroup(of: IssuedCredentials?.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        try? await servers[index % 2].getSessionToken(
                            alice, durationSeconds: 900, serialNumber: serial, tokenCode: code)
                    }
                }
                return await group.reduce(into: [IssuedCredentials]()) { if let issued = $1 { $0.append(issued) } }
            }
            #expect(accepted.count == 1, "round \(round)")
            for issued in accepted {
                let caller = try await servers[1].caller(
                    accessKeyId: issued.credentials.accessKeyId, securityToken: issued.credentials.sessionToken)
                #expect(caller.principal.session?.mfaAuthenticatedAt == h.clock.now)
            }
        }
    }

    @Test(
        "two servers on one store: a code one accepted is refused by the other, whatever the other last saw",
        arguments: StoreBackend.allCases)
    func replayAcrossServers(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let other = h.otherServer()
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        // Each server checks the device once, so each holds its own picture of it.
        let first = h.code(totp, offset: 1)
        _ = try await h.service.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: first)
        let replayedOnOther = await awsError {
            _ = try await other.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: first)
        }
        #expect(replayedOnOther == AWSError.accessDenied(Self.invalidCode))

        // The first server accepts the next step's code; the other's picture still has the older last used step.
        h.clock.advance(30)
        let second = h.code(totp, offset: 1)
        _ = try await h.service.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: second)
        let replayed = await awsError {
            _ = try await other.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: second)
        }
        #expect(replayed == AWSError.accessDenied(Self.invalidCode))

        // A device deactivated on one server is unknown to the other at once.
        try await h.service.deactivateMFADevice(h.root, userName: "alice", serialNumber: serial)
        h.clock.advance(30)
        let afterDeactivation = await awsError {
            _ = try await other.getSessionToken(
                alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp, offset: 1))
        }
        #expect(afterDeactivation == AWSError.accessDenied(Self.unknownSerial))
    }

    @Test("twenty concurrent calls with one code: exactly one succeeds", arguments: StoreBackend.allCases)
    func concurrentReplay(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        let code = h.code(totp, offset: 1)
        let service = h.service
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    (try? await service.getSessionToken(
                        alice, durationSeconds: 900, serialNumber: serial, tokenCode: code)) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    @Test(
        "a serial that is not the caller's device gets the 'unable to validate' message",
        arguments: StoreBackend.allCases)
    func foreignSerial(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        _ = try await h.user("bob")
        let (bobSerial, bobTotp) = try await h.enabledDevice("bob-phone", for: "bob")
        let foreign = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: bobSerial, tokenCode: h.code(bobTotp, offset: 1))
        }
        #expect(foreign == AWSError.accessDenied(Self.unknownSerial))
        let userARN = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: "arn:aws:iam::123456789012:user/alice", tokenCode: "123456")
        }
        #expect(userARN == AWSError.accessDenied(Self.unknownSerial))
    }

    @Test("after repeated failures the device is locked, even for the right code, for a growing interval")
    func lockout() async throws {
        let h = try await Harness {
            $0.mfaMaxFailures = 3
            $0.mfaLockoutSeconds = 60
        }
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        let right = h.code(totp, offset: 1)
        let wrong = right == "000000" ? "000001" : "000000"
        for _ in 0..<3 {
            _ = await awsError {
                _ = try await h.service.getSessionToken(
                    alice, durationSeconds: nil, serialNumber: serial, tokenCode: wrong)
            }
        }
        let locked = await awsError {
            _ = try await h.service.getSessionToken(alice, durationSeconds: nil, serialNumber: serial, tokenCode: right)
        }
        #expect(locked == AWSError.accessDenied(Self.invalidCode))
        h.clock.advance(61)
        // Unlocked; three more failures lock it for twice as long.
        for _ in 0..<3 {
            _ = await awsError {
                _ = try await h.service.getSessionToken(
                    alice, durationSeconds: nil, serialNumber: serial, tokenCode: wrong)
            }
        }
        h.clock.advance(61)
        let stillLocked = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 1))
        }
        #expect(stillLocked != nil)
        h.clock.advance(60)
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 1))
    }

    @Test(
        "GetSessionToken: session credentials refused, root clamped to an hour, users default to 12 hours",
        arguments: StoreBackend.allCases)
    func sessionTokenRules(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let issued = try await h.service.getSessionToken(alice, durationSeconds: nil, serialNumber: nil, tokenCode: nil)
        #expect(issued.expiration == h.clock.now.addingTimeInterval(43_200))
        let session = try await h.principal(issued)
        #expect(session.multiFactorAuthPresent == false)
        let again = await awsError {
            _ = try await h.service.getSessionToken(session, durationSeconds: nil, serialNumber: nil, tokenCode: nil)
        }
        #expect(again == AWSError.accessDenied("Cannot call GetSessionToken with session credentials"))
        let rootSession = try await h.service.getSessionToken(
            h.root, durationSeconds: 7200, serialNumber: nil, tokenCode: nil)
        #expect(rootSession.expiration == h.clock.now.addingTimeInterval(3600))
        h.clock.advance(43_201)
        let expired = await awsError { _ = try await h.principal(issued) }
        #expect(expired?.code == "ExpiredToken")
        let badToken = await awsError {
            _ = try await h.service.caller(accessKeyId: rootSession.credentials.accessKeyId, securityToken: "forged")
        }
        #expect(badToken?.code == "InvalidClientTokenId")
    }

    static let mfaTrust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
        "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},
        "NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}
        """

    @Test(
        "AssumeRole: a trust policy requiring MFA admits MFA sessions and inline codes, not bare keys or stale MFA",
        arguments: StoreBackend.allCases)
    func assumeRoleWithMFA(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        let role = try await h.service.createRole(
            h.root, roleName: "admin", path: "/ops/", trustPolicy: Self.mfaTrust, description: nil,
            maxSessionDuration: 7200)
        #expect(role.arn == "arn:aws:iam::123456789012:role/ops/admin")

        let bare = await awsError {
            _ = try await h.service.assumeRole(alice, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "s1"))
        }
        #expect(
            bare
                == AWSError.accessDenied(
                    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: \(role.arn)"
                ))

        let mfaSession = try await h.principal(
            try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 1)))
        let assumed = try await h.service.assumeRole(
            mfaSession, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "s2"))
        #expect(assumed.arn == "arn:aws:sts::123456789012:assumed-role/admin/s2")
        #expect(assumed.assumedRoleId.hasSuffix(":s2"))
        let roleSession = try await h.principal(assumed.issued)
        #expect(roleSession.arn == assumed.arn)

        h.clock.advance(3600)
        let stale = await awsError {
            _ = try await h.service.assumeRole(mfaSession, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "s3"))
        }
        #expect(stale?.code == "AccessDenied")

        let inline = try await h.service.assumeRole(
            alice,
            AssumeRoleRequest(
                roleARN: role.arn, roleSessionName: "s4", durationSeconds: 7200, serialNumber: serial,
                tokenCode: h.code(totp, offset: 1)))
        #expect(inline.issued.expiration == h.clock.now.addingTimeInterval(7200))

        let tooLong = await awsError {
            _ = try await h.service.assumeRole(
                mfaSession, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "s5", durationSeconds: 10_800))
        }
        #expect(tooLong?.message == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    }

    @Test(
        "AssumeRole: external id, role chaining limit, root refused, unknown role denied",
        arguments: StoreBackend.allCases)
    func assumeRoleRules(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let trust = """
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/alice",
            "arn:aws:iam::123456789012:role/hop"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-42"}}}}
            """
        let role = try await h.service.createRole(
            h.root, roleName: "hop", path: "/", trustPolicy: trust, description: nil, maxSessionDuration: 43_200)
        let noId = await awsError {
            _ = try await h.service.assumeRole(alice, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "a"))
        }
        #expect(noId?.code == "AccessDenied")
        let first = try await h.service.assumeRole(
            alice, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "a", durationSeconds: 7200, externalId: "x-42")
        )
        let hop = try await h.principal(first.issued)
        let chainedTooLong = await awsError {
            _ = try await h.service.assumeRole(
                hop,
                AssumeRoleRequest(roleARN: role.arn, roleSessionName: "b", durationSeconds: 7200, externalId: "x-42"))
        }
        #expect(
            chainedTooLong?.message
                == "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        _ = try await h.service.assumeRole(
            hop, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "b", externalId: "x-42"))

        let rootRefused = await awsError {
            _ = try await h.service.assumeRole(h.root, AssumeRoleRequest(roleARN: role.arn, roleSessionName: "r"))
        }
        #expect(rootRefused == AWSError.accessDenied("Roles may not be assumed by root accounts."))
        let unknown = await awsError {
            _ = try await h.service.assumeRole(
                alice, AssumeRoleRequest(roleARN: "arn:aws:iam::123456789012:role/nope", roleSessionName: "a"))
        }
        #expect(unknown?.code == "AccessDenied")
        let malformed = await awsError {
            _ = try await h.service.createRole(
                h.root, roleName: "bad", path: "/",
                trustPolicy: #"{"Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"sts:AssumeRole"}]}"#,
                description: nil, maxSessionDuration: nil)
        }
        #expect(malformed?.code == "MalformedPolicyDocument")
    }

    @Test(
        "IAM users manage only their own devices and keys; GetSessionToken sessions need MFA for IAM",
        arguments: StoreBackend.allCases)
    func authorization(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        _ = try await h.user("bob")
        let createUser = await awsError { _ = try await h.service.createUser(alice, userName: "carol", path: "/") }
        #expect(createUser?.code == "AccessDenied")
        let othersKeys = await awsError { _ = try await h.service.listAccessKeys(alice, userName: "bob") }
        #expect(othersKeys?.code == "AccessDenied")
        let (serial, totp) = try await h.device("alice-phone", by: alice)
        try await h.service.enableMFADevice(
            alice, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -1), code2: h.code(totp))
        #expect(try await h.service.listMFADevices(alice, userName: nil).count == 1)

        let plain = try await h.principal(
            try await h.service.getSessionToken(alice, durationSeconds: nil, serialNumber: nil, tokenCode: nil))
        let noMFA = await awsError { _ = try await h.service.listMFADevices(plain, userName: nil) }
        #expect(noMFA?.code == "AccessDenied")
        let withMFA = try await h.principal(
            try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 1)))
        #expect(try await h.service.listMFADevices(withMFA, userName: nil).count == 1)
    }
}
