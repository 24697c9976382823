import AWSProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import IdentityService
import IdentityStore
import Logging
import Metrics
import Prometheus

/// How vegas-server runs.
public struct VegasServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Holds `master.key`, `root-credentials` and, unless `database` names another store, `vegas.sqlite`.
    public var dataDirectory = "./vegas-data"
    /// The store (`--database`, `VEGAS_DATABASE_URL`); nil: `vegas.sqlite` in the data directory.
    public var database: DatabaseURL?
    /// Pins the account id on first start (`VEGAS_ACCOUNT_ID`).
    public var accountId: String?
    /// Pins the root access key (`VEGAS_ROOT_ACCESS_KEY_ID`, `VEGAS_ROOT_SECRET_ACCESS_KEY`).
    public var rootCredentials: AWSCredentials?
    /// The master key, base64 (`VEGAS_MASTER_KEY`); otherwise `master.key` in the data directory.
    public var masterKey: String?
    /// Largest request body accepted.
    public var maxBodyBytes = 1 << 20
    public var identity = IdentityServiceConfiguration()
    public var console = ConsoleConfiguration()
    /// PEM certificate chain and private key: when both are set the server speaks HTTPS only.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?

    public init() {}

    /// The store this configuration names.
    public var databaseURL: DatabaseURL {
        database ?? .sqlite(path: DataDirectory(path: dataDirectory).databasePath)
    }

    /// The origin browsers use for the console: `--public-url`, or this server on `localhost`.
    public func consoleOrigin(port: Int) -> String {
        if let url = console.publicURL { return url }
        return "\(tlsCertificatePath == nil ? "http" : "https")://localhost:\(port)"
    }
}

/// What a first start tells the operator.
public struct VegasServerInfo: Sendable {
    public let accountId: String
    public let rootCredentialsFile: String
    /// Present only when the root key was created by this start.
    public let newRootCredentials: AWSCredentials?
}

/// The assembled server: identity domain over the store it is given, routes and metrics.
public struct VegasServer: Sendable {
    public let configuration: VegasServerConfiguration
    public let info: VegasServerInfo
    public let identity: IdentityService
    let registry: PrometheusCollectorRegistry
    let store: any Store
    let secrets: SecretBox
    let clock: @Sendable () -> Date

    /// Opens (or creates) the data directory and its master key, and the account in `store` (migrated already).
    public init(
        configuration: VegasServerConfiguration, store: any Store, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        let directory = DataDirectory(path: configuration.dataDirectory)
        try directory.create()
        let masterKey =
            try configuration.masterKey.map(DataDirectory.decodeMasterKey) ?? directory.loadOrCreateMasterKey()
        let registry = PrometheusCollectorRegistry()
        let secrets = try SecretBox(masterKey: masterKey)
        let identity = IdentityService(
            store: store, secrets: secrets, configuration: configuration.identity,
            metrics: PrometheusMetricsFactory(registry: registry), logger: logger, clock: clock)
        let bootstrap = try await identity.bootstrap(
            accountId: configuration.accountId, pinnedRootKey: configuration.rootCredentials)
        if let credentials = bootstrap.newRootCredentials {
            try directory.writeRootCredentials(credentials)
        }
        self.configuration = configuration
        self.identity = identity
        self.store = store
        self.secrets = secrets
        self.registry = registry
        self.clock = clock
        self.info = VegasServerInfo(
            accountId: bootstrap.account.accountId, rootCredentialsFile: directory.rootCredentialsPath,
            newRootCredentials: bootstrap.newRootCredentials)
    }

    /// The routes: the Query API on `/` (POST and GET), the console on `/console`, the federation endpoint, `/health`
    /// and `/metrics`. `port` is the bound port, for the console's default origin.
    public func router(port: Int) throws -> Router<BasicRequestContext> {
        let router = Router()
        let relyingParty = try ConsoleConfiguration.relyingParty(
            origin: configuration.consoleOrigin(port: port), userVerification: configuration.console.userVerification)
        let sessions = ConsoleSessions(
            store: store, secrets: secrets, lifetime: configuration.console.sessionLifetime, clock: clock)
        let console = try Console(
            identity: identity, sessions: sessions, relyingParty: relyingParty,
            attestation: configuration.console.attestation, clock: clock)
        console.addRoutes(to: router)
        Federation(identity: identity, console: console, clock: clock).addRoutes(to: router)
        let api = QueryAPI(
            identity: identity, metrics: PrometheusMetricsFactory(registry: registry),
            maxBodyBytes: configuration.maxBodyBytes, clock: clock)
        router.post("/") { request, context in await api.respond(to: request, context: context) }
        router.get("/") { request, context in await api.respond(to: request, context: context) }
        router.get("/health") { _, _ in "ok\n" }
        let registry = self.registry
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }

    /// The Hummingbird application, over HTTPS when a certificate is configured; `onServerRunning` receives the bound
    /// port. With port 0 the console's default origin cannot name the port before binding: give `--public-url` then.
    public func application(
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws
        -> some ApplicationProtocol
    {
        let server: HTTPServerBuilder
        if let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
            // An idle keep-alive client never answers close_notify: don't hold a graceful shutdown for long.
            tls.shutdownTimeout = .milliseconds(500)
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        return Application(
            router: try router(port: configuration.port),
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "vegas-server"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// Whether the configuration's store may already hold an account: false for a SQLite file that does not exist yet.
    public static func hasData(in configuration: VegasServerConfiguration) -> Bool {
        guard case .sqlite(let path) = configuration.databaseURL else { return true }
        return FileManager.default.fileExists(atPath: path)
    }
}
