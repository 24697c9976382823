import AWSProtocol
import Foundation
import IdentityService
import IdentityStore
import Logging
import Metrics
import OTP
import Synchronization
import TestSupport
import Testing

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The stores the backend-neutral domain suite runs on: every test that takes a `StoreBackend` runs once on each.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty store of this kind; it closes when the lease is released.
    func makeStore(directory: URL) async throws -> StoreLease {
        switch self {
        case .memory:
            return StoreLease(InMemoryStore()) {}
        case .sqlite:
            let store = try SQLiteStore(path: directory.appendingPathComponent("vegas.sqlite").path)
            return StoreLease(store) { try? store.close() }
        case .postgres:
            guard case .postgres(let location) = try DatabaseURL(parsing: try await PostgresTestServer.newDatabase())
            else {
                fatalError("PostgresTestServer gave a URL that is not postgres://")
            }
            let store = try PostgresStore(location, logger: Logger(label: "test-postgres"), maximumConnections: 4)
            let pool = Task { try await store.run() }
            try await store.migrate()
            return StoreLease(store) { pool.cancel() }
        }
    }
}

/// A store and what closes it, when the last test value holding it goes.
final class StoreLease: Sendable {
    let store: any Store
    private let close: @Sendable () -> Void

    init(_ store: any Store, close: @escaping @Sendable () -> Void) {
        self.store = store
        self.close = close
    }

    deinit { close() }
}

/// An identity service on a fresh store of the given backend (SQLite in a temporary directory by default).
struct Harness {
    let directory: URL
    private let lease: StoreLease
    var store: any Store { lease.store }
    let service: IdentityService
    let clock: TestClock
    let root: Principal
    private let secrets: SecretBox
    private let configuration: IdentityServiceConfiguration

    init(
        _ backend: StoreBackend = .sqlite, configure: (inout IdentityServiceConfiguration) -> Void = { _ in }
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        lease = try await backend.makeStore(directory: directory)
        clock = TestClock()
        var configuration = IdentityServiceConfiguration()
        configuration.passwordHasher = PasswordHasher(log2Rounds: 4)
        configure(&configuration)
        self.configuration = configuration
        secrets = try SecretBox(masterKey: Identifiers.randomBytes(32))
        let clock = self.clock
        service = IdentityService(
            store: lease.store, secrets: secrets, configuration: configuration, metrics: NOOPMetricsHandler.instance,
            logger: Logger(label: "test"), clock: { clock.now })
        let bootstrap = try await service.bootstrap(accountId: "123456789012", pinnedRootKey: nil)
        root = try await service.caller(accessKeyId: bootstrap.newRootCredentials!.accessKeyId, securityToken: nil)
            .principal
    }

    /// A second server on the same store and master key, with caches of its own, as instances sharing a database are.
    func otherServer() -> IdentityService {
        let clock = self.clock
        return IdentityService(
            store: store, secrets: secrets, configuration: configuration, metrics: NOOPMetricsHandler.instance,
            logger: Logger(label: "test-other"), clock: { clock.now })
    }

    /// A server with this one's master key on a new, empty store of `backend`: where `copy-store` puts a copy.
    func serverOnNewStore(_ backend: StoreBackend) async throws -> (service: IdentityService, lease: StoreLease) {
        let lease = try await backend.makeStore(
            directory: directory.appendingPathComponent("copy-\(UUID().uuidString)"))
        let clock = self.clock
        let service = IdentityService(
            store: lease.store, secrets: secrets, configuration: configuration, metrics: NOOPMetricsHandler.instance,
            logger: Logger(label: "test-copy"), clock: { clock.now })
        return (service, lease)
    }

    /// A user with its own long-term key, as a principal.
    func user(_ name: String) async throws -> Principal {
        _ = try await service.createUser(root, userName: name, path: "/")
        let key = try await service.createAccessKey(root, userName: name)
        return try await service.caller(accessKeyId: key.record.accessKeyId, securityToken: nil).principal
    }

    /// Creates a virtual device and returns its serial and generator.
    func device(_ name: String, by caller: Principal? = nil) async throws -> (serial: String, totp: TOTP) {
        let device = try await service.createVirtualMFADevice(caller ?? root, name: name, path: "/", tags: [])
        return (device.record.serialNumber, try TOTP(secret: Base32.decode(device.base32Seed)))
    }

    /// The code of the step `offset` steps from now.
    func code(_ totp: TOTP, offset: Int64 = 0) -> String {
        totp.code(step: totp.step(at: Int64(clock.now.timeIntervalSince1970)) + offset)
    }

    /// Creates, then enables a device for `userName` with the codes of the previous and the current step, as a user who
    /// waited for the second code does; the next usable code is the one of the next step.
    func enabledDevice(_ name: String, for userName: String) async throws -> (serial: String, totp: TOTP) {
        let (serial, totp) = try await device(name)
        try await service.enableMFADevice(
            root, userName: userName, serialNumber: serial, code1: code(totp, offset: -1), code2: code(totp))
        return (serial, totp)
    }

    /// The principal behind temporary credentials.
    func principal(_ issued: IssuedCredentials) async throws -> Principal {
        try await service.caller(
            accessKeyId: issued.credentials.accessKeyId, securityToken: issued.credentials.sessionToken
        ).principal
    }
}

/// Runs `body` and returns the AWSError it throws (nil when it does not throw one).
func awsError(_ body: () async throws -> Void) async -> AWSError? {
    do {
        try await body()
        return nil
    } catch let error as AWSError {
        return error
    } catch {
        return AWSError(code: "unexpected: \(error)", message: "", httpStatus: 0)
    }
}
