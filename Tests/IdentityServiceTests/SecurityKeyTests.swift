import AWSProtocol
import Foundation
import IdentityService
import OTP
import TestSupport
import Testing
import WebAuthn

/// A verified registration as the console hands it to the service.
private func key(_ id: UInt8, signCount: UInt32 = 0) -> NewSecurityKey {
    NewSecurityKey(
        credentialId: [UInt8](repeating: id, count: 32), publicKey: [0xA5, 0x01, 0x02], signCount: signCount,
        backupEligible: false, transports: ["usb", "nfc"], attestationFormat: "packed",
        aaguid: [UInt8](repeating: 0, count: 16))
}

@Suite("Security keys: registration, IAM listing, limits, counters and lock-out")
struct SecurityKeyTests {
    @Test(
        "a registered key is an MFA device with AWS's u2f serial, listed, described and removable through IAM",
        arguments: StoreBackend.allCases)
    func registerListDescribeRemove(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let device = try await h.service.registerSecurityKey(alice, name: "YubiKey-5C", key: key(1))
        let pattern = #/arn:aws:iam::123456789012:u2f/user/alice/yubikey-5c-[A-Z2-7]{26}/#
        #expect(device.serialNumber.wholeMatch(of: pattern) != nil)
        #expect(device.kind == .securityKey)

        let listed = try await h.service.listMFADevices(h.root, userName: "alice")
        #expect(listed.map(\.serialNumber) == [device.serialNumber])
        let described = try await h.service.getMFADevice(alice, serialNumber: device.serialNumber, userName: nil)
        #expect(described.userName == "alice")
        #expect(described.enableDate == h.clock.now)
        let stored = try await h.service.consoleMFADevices(alice)
        #expect(stored.first?.1?.transportList == ["usb", "nfc"])

        try await h.service.deactivateMFADevice(h.root, userName: "alice", serialNumber: device.serialNumber)
        #expect(try await h.service.listMFADevices(h.root, userName: "alice").isEmpty)
        // The credential went with the device: the same key can be registered again.
        _ = try await h.service.registerSecurityKey(alice, name: "again", key: key(1))
    }

    @Test("a credential id registered once is refused the second time, for any user", arguments: StoreBackend.allCases)
    func duplicateCredential(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let bob = try await h.user("bob")
        _ = try await h.service.registerSecurityKey(alice, name: "key", key: key(7))
        let again = await awsError { _ = try await h.service.registerSecurityKey(bob, name: "key", key: key(7)) }
        #expect(again?.code == "EntityAlreadyExists")
        #expect(try await h.service.listMFADevices(h.root, userName: "bob").isEmpty)
    }

    @Test("security keys count towards the 8 devices of a user, with virtual devices", arguments: StoreBackend.allCases)
    func limit(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        for index in 0..<4 { _ = try await h.enabledDevice("phone-\(index)", for: "alice") }
        for index in 0..<4 {
            _ = try await h.service.registerSecurityKey(alice, name: "key-\(index)", key: key(UInt8(index)))
        }
        let ninthKey = await awsError { _ = try await h.service.registerSecurityKey(alice, name: "key-9", key: key(9)) }
        #expect(ninthKey?.code == "LimitExceeded")
        let ninthVirtual = await awsError { _ = try await h.enabledDevice("phone-9", for: "alice") }
        #expect(ninthVirtual?.code == "LimitExceeded")
    }

    @Test("STS refuses a security key's serial: it gives no codes", arguments: StoreBackend.allCases)
    func stsRefusesSecurityKeys(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let device = try await h.service.registerSecurityKey(alice, name: "key", key: key(1))
        let refused = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: device.serialNumber, tokenCode: "123456")
        }
        #expect(refused?.code == "AccessDenied")
        #expect(refused?.message.contains("unable to validate MFA code") == true)
    }

    @Test(
        "a valid assertion stores the new counter; a regressed one flags the key, which is refused from then on",
        arguments: StoreBackend.allCases)
    func counters(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let authenticator = SoftAuthenticator()
        _ = try await h.service.registerSecurityKey(alice, name: "key", key: registered(authenticator, signCount: 3))
        try await signIn(h, alice, authenticator, signCount: 11)
        #expect(try await h.service.consoleMFADevices(alice).first?.1?.signCount == 11)

        let cloned = await awsError { try await signIn(h, alice, authenticator, signCount: 5) }
        #expect(
            cloned?.message.hasPrefix("MultiFactorAuthentication failed with invalid MFA one time pass code") == true)
        let flagged = try await h.service.consoleMFADevices(alice).first?.1
        #expect(flagged?.cloneSuspectedAt == h.clock.now)
        #expect(flagged?.signCount == 11)

        let afterwards = await awsError { try await signIn(h, alice, authenticator, signCount: 12) }
        #expect(afterwards?.code == "AccessDenied")
        #expect(try await h.service.consoleMFADevices(alice).first?.1?.signCount == 11)
    }

    @Test(
        "failed assertions lock the key like wrong codes; another user's key is unknown",
        arguments: StoreBackend.allCases)
    func lockoutAndOwnership(backend: StoreBackend) async throws {
        let h = try await Harness(backend) { $0.mfaMaxFailures = 3 }
        let alice = try await h.user("alice")
        let bob = try await h.user("bob")
        let authenticator = SoftAuthenticator()
        _ = try await h.service.registerSecurityKey(alice, name: "key", key: registered(authenticator))
        let foreign = await awsError { try await signIn(h, bob, authenticator) }
        #expect(foreign?.message.contains("unable to validate") == true)
        for _ in 0..<3 {
            let tampered = await awsError { try await signIn(h, alice, authenticator, tamper: true) }
            #expect(tampered?.code == "AccessDenied")
        }
        let locked = await awsError { try await signIn(h, alice, authenticator) }
        #expect(locked?.code == "AccessDenied")
        h.clock.advance(61)
        try await signIn(h, alice, authenticator)
    }

    /// The registration the console hands the service for `authenticator`'s credential.
    private func registered(_ authenticator: SoftAuthenticator, signCount: UInt32 = 0) -> NewSecurityKey {
        NewSecurityKey(
            credentialId: authenticator.credentialId, publicKey: cbor(authenticator.coseKey), signCount: signCount,
            backupEligible: false, transports: ["usb"], attestationFormat: "packed",
            aaguid: [UInt8](repeating: 0, count: 16))
    }

    /// One console sign-in step with `authenticator`: a fresh ceremony, the browser's signed response, the check.
    private func signIn(
        _ h: Harness, _ principal: Principal, _ authenticator: SoftAuthenticator, signCount: UInt32 = 0,
        tamper: Bool = false
    ) async throws {
        let ceremony = AuthenticationCeremony(
            relyingParty: localRP, allowCredentials: [CredentialDescriptor(id: authenticator.credentialId)])
        try await h.service.authenticateWithSecurityKey(
            principal, ceremony: ceremony,
            responseJSON: authenticator.assertion(challenge: ceremony.challenge, signCount: signCount, tamper: tamper))
    }
}

@Suite("Console sign-in: password step and MFA codes")
struct ConsoleSignInTests {
    @Test(
        "a user signs in with the account id or alias; wrong passwords, users and accounts get nil alike",
        arguments: StoreBackend.allCases)
    func passwordStep(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        _ = try await h.service.createLoginProfile(
            h.root, userName: "alice", password: "correct horse", resetRequired: false)
        try await h.service.createAccountAlias(h.root, alias: "acme")
        let byId = try await h.service.signInToConsole(
            account: "123456789012", userName: "Alice", password: "correct horse")
        #expect(byId?.principal.userName == "alice")
        #expect(byId?.passwordResetRequired == false)
        #expect(
            try await h.service.signInToConsole(account: "ACME", userName: "alice", password: "correct horse") != nil)
        #expect(try await h.service.signInToConsole(account: "acme", userName: "alice", password: "wrong horse") == nil)
        #expect(
            try await h.service.signInToConsole(account: "acme", userName: "mallory", password: "correct horse") == nil)
        #expect(
            try await h.service.signInToConsole(account: "999999999999", userName: "alice", password: "correct horse")
                == nil)
        // The root has no console password until it sets one.
        #expect(try await h.service.signInToConsole(account: "acme", userName: nil, password: "correct horse") == nil)
        _ = try await h.service.createLoginProfile(
            h.root, userName: nil, password: "root password", resetRequired: false)
        let root = try await h.service.signInToConsole(account: "acme", userName: nil, password: "root password")
        #expect(root?.principal.isRoot == true)
        try await h.service.updateLoginProfile(h.root, userName: "alice", password: nil, resetRequired: true)
        let reset = try await h.service.signInToConsole(account: "acme", userName: "alice", password: "correct horse")
        #expect(reset?.passwordResetRequired == true)
    }

    @Test(
        "wrong passwords lock a console login for every instance, the right one is refused until it ends, and clears it",
        arguments: StoreBackend.allCases)
    func passwordLockout(backend: StoreBackend) async throws {
        let h = try await Harness(backend) {
            $0.consoleLockoutPolicy = Lockout.Policy(maxFailures: 3, firstLockout: 60, longestLockout: 900)
        }
        let other = h.otherServer()
        _ = try await h.user("alice")
        _ = try await h.service.createLoginProfile(
            h.root, userName: "alice", password: "correct horse", resetRequired: false)
        for service in [h.service, other, h.service] {  // failures counted in the store, wherever they land
            #expect(
                try await service.signInToConsole(account: "123456789012", userName: "alice", password: "nope") == nil)
        }
        for service in [h.service, other] {
            #expect(
                try await service.signInToConsole(account: "123456789012", userName: "alice", password: "correct horse")
                    == nil)
        }
        h.clock.advance(60)
        #expect(
            try await other.signInToConsole(account: "123456789012", userName: "alice", password: "correct horse")
                != nil)
        let profile = try await h.service.getLoginProfile(h.root, userName: "alice")
        #expect(profile.lockout == Lockout())
        // Three more wrong ones lock it again; a new password set by the root ends that lock-out.
        for _ in 0..<3 {
            _ = try await h.service.signInToConsole(account: "123456789012", userName: "alice", password: "nope")
        }
        try await h.service.updateLoginProfile(h.root, userName: "alice", password: "new horse 1", resetRequired: nil)
        #expect(
            try await h.service.signInToConsole(account: "123456789012", userName: "alice", password: "new horse 1")
                != nil)
    }

    @Test(
        "the console's MFA step accepts a code once, from the user's own device, and the root can enable a device",
        arguments: StoreBackend.allCases)
    func codes(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        try await h.service.verifyConsoleCode(alice, serialNumber: serial, code: h.code(totp, offset: 1))
        let replay = await awsError {
            try await h.service.verifyConsoleCode(alice, serialNumber: serial, code: h.code(totp, offset: 1))
        }
        #expect(
            replay?.message.hasPrefix("MultiFactorAuthentication failed with invalid MFA one time pass code") == true)

        let (rootSerial, rootTOTP) = try await h.device("root-phone")
        try await h.service.enableMFADevice(
            h.root, userName: nil, serialNumber: rootSerial, code1: h.code(rootTOTP, offset: -1),
            code2: h.code(rootTOTP))
        let rootDevices = try await h.service.consoleMFADevices(h.root)
        #expect(rootDevices.map(\.0.serialNumber) == [rootSerial])
        #expect(rootDevices.first?.0.userName == nil)
        let foreign = await awsError {
            try await h.service.verifyConsoleCode(alice, serialNumber: rootSerial, code: h.code(rootTOTP, offset: 1))
        }
        #expect(foreign?.message.contains("unable to validate") == true)
    }
}

@Suite("Authenticator apps offered in the console")
struct VirtualDeviceOfferTests {
    @Test(
        "an offered device is stored only when two codes prove the app has it; an abandoned offer leaves nothing",
        arguments: StoreBackend.allCases)
    func offer(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let abandoned = try await h.service.offerVirtualMFADevice(alice, name: "phone")
        #expect(abandoned.serialNumber == "arn:aws:iam::123456789012:mfa/phone")
        #expect(try await h.service.listVirtualMFADevices(h.root, status: .any).isEmpty)

        let offer = try await h.service.offerVirtualMFADevice(alice, name: "phone")
        #expect(offer.base32Seed != abandoned.base32Seed)
        #expect(try OTPAuthURI(parsing: offer.otpauthURI).accountName == "phone@123456789012")
        let totp = try TOTP(secret: Base32.decode(offer.base32Seed))
        let wrong = await awsError {
            _ = try await h.service.assignOfferedVirtualMFADevice(alice, offer, code1: "000000", code2: "111111")
        }
        #expect(wrong == AWSError.invalidAuthenticationCode())
        let device = try await h.service.assignOfferedVirtualMFADevice(
            alice, offer, code1: h.code(totp, offset: -1), code2: h.code(totp))
        #expect(device.userName == "alice")
        #expect(
            try await h.service.listMFADevices(h.root, userName: "alice").map(\.serialNumber) == [offer.serialNumber])
        let taken = await awsError { _ = try await h.service.offerVirtualMFADevice(alice, name: "phone") }
        #expect(taken?.code == "EntityAlreadyExists")
    }
}

@Suite("Hardware TOTP tokens")
struct HardwareTokenTests {
    @Test(
        "a token enabled with its vendor seed and two codes gives codes to STS, once each, and can be resynced",
        arguments: StoreBackend.allCases)
    func hardwareToken(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let seed = Array("12345678901234567890".utf8)
        let totp = try TOTP(secret: seed)
        let wrong = await awsError {
            _ = try await h.service.enableHardwareMFADevice(
                alice, serialNumber: "GAKT12345678", name: "fob", seed: seed, code1: h.code(totp), code2: h.code(totp))
        }
        #expect(wrong == AWSError.invalidAuthenticationCode())
        let device = try await h.service.enableHardwareMFADevice(
            alice, serialNumber: "GAKT12345678", name: "fob", seed: seed, code1: h.code(totp, offset: -1),
            code2: h.code(totp))
        #expect(device.kind == .hardware)
        #expect(try await h.service.listMFADevices(h.root, userName: "alice").map(\.serialNumber) == ["GAKT12345678"])

        let issued = try await h.service.getSessionToken(
            alice, durationSeconds: nil, serialNumber: "GAKT12345678", tokenCode: h.code(totp, offset: 1))
        #expect(issued.credentials.accessKeyId.hasPrefix("ASIA"))
        let replay = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: "GAKT12345678", tokenCode: h.code(totp, offset: 1))
        }
        #expect(replay?.code == "AccessDenied")

        h.clock.advance(600)
        try await h.service.resyncMFADevice(
            h.root, userName: "alice", serialNumber: "GAKT12345678", code1: h.code(totp, offset: 5),
            code2: h.code(totp, offset: 6))

        let bob = try await h.user("bob")
        let taken = await awsError {
            _ = try await h.service.enableHardwareMFADevice(
                bob, serialNumber: "GAKT12345678", name: "fob", seed: seed, code1: h.code(totp, offset: 9),
                code2: h.code(totp, offset: 10))
        }
        #expect(taken?.code == "EntityAlreadyExists")
        let badSerial = await awsError {
            _ = try await h.service.enableHardwareMFADevice(
                bob, serialNumber: "arn:aws:iam::123456789012:mfa/x", name: "fob", seed: seed, code1: "1", code2: "2")
        }
        #expect(badSerial?.code == "ValidationError")
    }
}
