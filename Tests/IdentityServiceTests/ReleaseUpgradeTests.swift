import AWSProtocol
import Foundation
import IdentityService
import IdentityStore
import Logging
import Metrics
import OTP
import Testing

/// A data directory written by vegas-server at commit 6d505b5 (the release before the store seam and PostgreSQL), made
/// by `Fixtures/release-6d505b5/make.sh` with that commit's binary; `manifest.json` lists what it holds.
@Suite("Upgrade in place: a data directory of the previous release opens with this one")
struct ReleaseUpgradeTests {
    struct Manifest: Decodable {
        let accountId: String
        let rootAccessKeyId: String
        let rootSecretAccessKey: String
        let userName: String
        let password: String
        let deviceSerial: String
        let deviceSeed: String
        let roleName: String
    }

    @Test("its account, root key, user, password, role and MFA device all work after the migration")
    func previousReleaseOpens() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/release-6d505b5")
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(contentsOf: fixture.appendingPathComponent("manifest.json")))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vegas-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = directory.appendingPathComponent("vegas.sqlite")
        for name in ["vegas.sqlite", "vegas.sqlite-wal"] {  // as that release left them
            try FileManager.default.copyItem(
                at: fixture.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let masterKey = try String(contentsOf: fixture.appendingPathComponent("master.key"), encoding: .utf8)

        let store = try SQLiteStore(path: database.path)
        defer { try? store.close() }
        var configuration = IdentityServiceConfiguration()
        configuration.passwordHasher = PasswordHasher(log2Rounds: 4)
        let service = IdentityService(
            store: store,
            secrets: try SecretBox(
                masterKey: Array(Data(base64Encoded: masterKey.trimmingCharacters(in: .whitespacesAndNewlines))!)),
            configuration: configuration, metrics: NOOPMetricsHandler.instance, logger: Logger(label: "upgrade"))
        let rootKey = AWSCredentials(
            accessKeyId: manifest.rootAccessKeyId, secretAccessKey: manifest.rootSecretAccessKey, sessionToken: nil)
        let bootstrap = try await service.bootstrap(accountId: manifest.accountId, pinnedRootKey: rootKey)
        #expect(bootstrap.account.accountId == manifest.accountId)
        #expect(bootstrap.newRootCredentials == nil)  // the stored root key was found, not made again

        let root = try await service.caller(accessKeyId: manifest.rootAccessKeyId, securityToken: nil)
        #expect(root.secretAccessKey == manifest.rootSecretAccessKey && root.principal.isRoot)
        let devices = try await service.listMFADevices(root.principal, userName: manifest.userName)
        #expect(devices.map(\.serialNumber) == [manifest.deviceSerial])
        #expect(try await service.listMFADeviceTags(root.principal, serialNumber: manifest.deviceSerial).count == 1)
        #expect(try await service.getRole(root.principal, roleName: manifest.roleName).roleName == manifest.roleName)
        let signedIn = try await service.signInToConsole(
            account: manifest.accountId, userName: manifest.userName, password: manifest.password)
        #expect(signedIn?.principal.userName == manifest.userName)

        // The device's seed opens with the master key and its next code is accepted once.
        let key = try await service.createAccessKey(root.principal, userName: manifest.userName)
        let user = try await service.caller(accessKeyId: key.record.accessKeyId, securityToken: nil).principal
        let totp = try TOTP(secret: Base32.decode(manifest.deviceSeed))
        let code = totp.code(step: totp.step(at: Int64(Date().timeIntervalSince1970)) + 1)
        _ = try await service.getSessionToken(
            user, durationSeconds: 900, serialNumber: manifest.deviceSerial, tokenCode: code)
        await #expect(throws: AWSError.self) {
            _ = try await service.getSessionToken(
                user, durationSeconds: 900, serialNumber: manifest.deviceSerial, tokenCode: code)
        }
        // And what this release added is there: the change revision, console sessions.
        #expect(try await store.read { tx in try await tx.revision() } == 0)
        #expect(try await store.read { tx in try await tx.consoleSession(tokenHash: Data([1])) } == nil)
    }
}
