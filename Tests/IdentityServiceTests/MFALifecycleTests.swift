import AWSProtocol
import Foundation
import IdentityService
import IdentityStore
import OTP
import Testing

@Suite("Virtual MFA devices: enable, resync, limits, deactivate, delete")
struct MFALifecycleTests {
    @Test(
        "a new device has a 40-byte seed, a QR code of its otpauth URI, and an ARN serial with its path",
        arguments: StoreBackend.allCases)
    func createDevice(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        try await h.service.createAccountAlias(h.root, alias: "acme-prod")
        let device = try await h.service.createVirtualMFADevice(h.root, name: "alice-phone", path: "/team/", tags: [])
        #expect(device.record.serialNumber == "arn:aws:iam::123456789012:mfa/team/alice-phone")
        #expect(try Base32.decode(device.base32Seed).count == 40)
        #expect(device.base32Seed.count == 64)
        let uri = try OTPAuthURI(parsing: device.otpauthURI)
        #expect(uri.issuer == "Vegas")
        #expect(uri.accountName == "alice-phone@acme-prod")
        #expect(Base32.encode(uri.secret) == device.base32Seed)
        #expect(Array(device.qrCodePNG.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        let duplicate = await awsError {
            _ = try await h.service.createVirtualMFADevice(h.root, name: "alice-phone", path: "/team/", tags: [])
        }
        #expect(duplicate?.code == "EntityAlreadyExists")
    }

    @Test(
        "enabling takes two consecutive codes; the same code twice or a gap is refused",
        arguments: StoreBackend.allCases)
    func enableNeedsConsecutiveCodes(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        let (serial, totp) = try await h.device("alice-phone")
        let same = await awsError {
            try await h.service.enableMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp), code2: h.code(totp))
        }
        #expect(same == AWSError.invalidAuthenticationCode())
        let gap = await awsError {
            try await h.service.enableMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp), code2: h.code(totp, offset: 2))
        }
        #expect(gap?.code == "InvalidAuthenticationCode")
        try await h.service.enableMFADevice(
            h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -1), code2: h.code(totp))
        let devices = try await h.service.listMFADevices(h.root, userName: "alice")
        #expect(devices.map(\.serialNumber) == [serial])
        #expect(devices.first?.enableDate == h.clock.now)

        let again = await awsError {
            try await h.service.enableMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: 1),
                code2: h.code(totp, offset: 2))
        }
        #expect(again?.code == "EntityAlreadyExists")
    }

    @Test(
        "codes generated minutes ago still enable the device and its drift is remembered",
        arguments: StoreBackend.allCases)
    func enableLearnsDrift(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.device("alice-phone")
        // The device's clock is 4 minutes (8 steps) behind ours.
        try await h.service.enableMFADevice(
            h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -9),
            code2: h.code(totp, offset: -8))
        h.clock.advance(30)
        // Now the device shows step −8 (relative to our new now): accepted thanks to the drift, not by the ±1 window alone.
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: -8))
        // A code 11 steps off is outside both windows.
        let far = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 3))
        }
        #expect(far?.code == "AccessDenied")
    }

    @Test("codes outside the enable window are refused", arguments: StoreBackend.allCases)
    func enableWindow(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        let (serial, totp) = try await h.device("alice-phone")
        let old = await awsError {
            try await h.service.enableMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -12),
                code2: h.code(totp, offset: -11))
        }
        #expect(old?.code == "InvalidAuthenticationCode")
    }

    @Test("resync re-learns the drift and refuses codes already used", arguments: StoreBackend.allCases)
    func resync(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        let reused = await awsError {
            try await h.service.resyncMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -1), code2: h.code(totp))
        }
        #expect(reused?.code == "InvalidAuthenticationCode")
        // The device drifts 6 steps ahead; a single code there fails until resync.
        let ahead = await awsError {
            _ = try await h.service.getSessionToken(
                alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 6))
        }
        #expect(ahead?.code == "AccessDenied")
        try await h.service.resyncMFADevice(
            alice, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: 6),
            code2: h.code(totp, offset: 7))
        h.clock.advance(30)
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: nil, serialNumber: serial, tokenCode: h.code(totp, offset: 7))
    }

    @Test("a user has at most 8 MFA devices in use", arguments: StoreBackend.allCases)
    func deviceLimit(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        for index in 1...8 { _ = try await h.enabledDevice("alice-\(index)", for: "alice") }
        let (serial, totp) = try await h.device("alice-9")
        let ninth = await awsError {
            try await h.service.enableMFADevice(
                h.root, userName: "alice", serialNumber: serial, code1: h.code(totp, offset: -1), code2: h.code(totp))
        }
        #expect(ninth?.code == "LimitExceeded")
        #expect(ninth?.httpStatus == 409)
        #expect(try await h.service.listMFADevices(h.root, userName: "alice").count == 8)
    }

    @Test("an assigned device cannot be deleted; deactivated, it can, once", arguments: StoreBackend.allCases)
    func deleteConflict(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        let (serial, _) = try await h.enabledDevice("alice-phone", for: "alice")
        let conflict = await awsError { try await h.service.deleteVirtualMFADevice(h.root, serialNumber: serial) }
        #expect(conflict?.code == "DeleteConflict")
        try await h.service.deactivateMFADevice(h.root, userName: "alice", serialNumber: serial)
        #expect(try await h.service.listMFADevices(h.root, userName: "alice").isEmpty)
        let unassigned = try await h.service.listVirtualMFADevices(h.root, status: .unassigned)
        #expect(unassigned.map(\.device.serialNumber) == [serial])
        try await h.service.deleteVirtualMFADevice(h.root, serialNumber: serial)
        let gone = await awsError { try await h.service.deleteVirtualMFADevice(h.root, serialNumber: serial) }
        #expect(gone?.code == "NoSuchEntity")
    }

    @Test(
        "a device deleted and created again under the same serial is checked with its new seed, not the old one",
        arguments: StoreBackend.allCases)
    func recreatedDeviceUsesItsNewSeed(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let (serial, oldTOTP) = try await h.enabledDevice("alice-phone", for: "alice")
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(oldTOTP, offset: 1))
        try await h.service.deactivateMFADevice(h.root, userName: "alice", serialNumber: serial)
        try await h.service.deleteVirtualMFADevice(h.root, serialNumber: serial)

        let (sameSerial, newTOTP) = try await h.device("alice-phone")
        #expect(sameSerial == serial)
        h.clock.advance(300)
        try await h.service.enableMFADevice(
            h.root, userName: "alice", serialNumber: serial, code1: h.code(newTOTP, offset: -1),
            code2: h.code(newTOTP))
        let oldSeedCode = h.code(oldTOTP, offset: 1)
        if oldSeedCode != h.code(newTOTP, offset: 1) {
            let refused = await awsError {
                _ = try await h.service.getSessionToken(
                    alice, durationSeconds: 900, serialNumber: serial, tokenCode: oldSeedCode)
            }
            #expect(refused?.code == "AccessDenied")
        }
        _ = try await h.service.getSessionToken(
            alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(newTOTP, offset: 1))
    }

    @Test("ListVirtualMFADevices filters by assignment and names the user", arguments: StoreBackend.allCases)
    func listVirtual(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        _ = try await h.user("alice")
        let (assigned, _) = try await h.enabledDevice("alice-phone", for: "alice")
        let (spare, _) = try await h.device("spare")
        let all = try await h.service.listVirtualMFADevices(h.root, status: .any)
        #expect(Set(all.map(\.device.serialNumber)) == [assigned, spare])
        let onlyAssigned = try await h.service.listVirtualMFADevices(h.root, status: .assigned)
        #expect(onlyAssigned.map(\.device.serialNumber) == [assigned])
        #expect(onlyAssigned.first?.user?.userName == "alice")
    }

    @Test("tags: at most 50, merged by key, listed sorted", arguments: StoreBackend.allCases)
    func tags(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let (serial, _) = try await h.device("tagged")
        try await h.service.tagMFADevice(
            h.root, serialNumber: serial,
            tags: [TagRecord(key: "team", value: "ops"), TagRecord(key: "env", value: "dev")])
        try await h.service.tagMFADevice(h.root, serialNumber: serial, tags: [TagRecord(key: "team", value: "sec")])
        #expect(
            try await h.service.listMFADeviceTags(h.root, serialNumber: serial)
                == [TagRecord(key: "env", value: "dev"), TagRecord(key: "team", value: "sec")])
        try await h.service.untagMFADevice(h.root, serialNumber: serial, tagKeys: ["env"])
        #expect(try await h.service.listMFADeviceTags(h.root, serialNumber: serial).map(\.key) == ["team"])
        let tooMany = (0..<50).map { TagRecord(key: "k\($0)", value: "v") }
        let limit = await awsError { try await h.service.tagMFADevice(h.root, serialNumber: serial, tags: tooMany) }
        #expect(limit?.code == "LimitExceeded")
    }

    @Test("the SQLite database file holds no seed and no secret key in the clear")
    func secretsEncryptedAtRest() async throws {
        let h = try await Harness(.sqlite)
        let device = try await h.service.createVirtualMFADevice(h.root, name: "alice-phone", path: "/", tags: [])
        _ = try await h.service.createUser(h.root, userName: "alice", path: "/")
        let key = try await h.service.createAccessKey(h.root, userName: "alice")
        try #require(h.store as? SQLiteStore).close()
        var bytes = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: h.directory.path) {
            bytes += try Data(contentsOf: h.directory.appendingPathComponent(name))
        }
        let seed = try Base32.decode(device.base32Seed)
        #expect(bytes.range(of: Data(device.base32Seed.utf8)) == nil)
        #expect(bytes.range(of: Data(seed)) == nil)
        #expect(bytes.range(of: Data(key.secretAccessKey.utf8)) == nil)
        #expect(bytes.range(of: Data("alice".utf8)) != nil)  // the file was read: plain names are there
    }
}
