import AWSProtocol
import ArgumentParser
import Foundation
import IdentityService
import IdentityStore
import Logging
import ServiceLifecycle
import VegasServer
import WebAuthn

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct VegasServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vegas-server",
        abstract: "An AWS IAM/STS-compatible MFA server with real TOTP verification and a web console.",
        discussion: """
            Environment: VEGAS_DATABASE_URL (as --database), VEGAS_ACCOUNT_ID (12 digits, first start), \
            VEGAS_ROOT_ACCESS_KEY_ID and VEGAS_ROOT_SECRET_ACCESS_KEY (pin the root key), VEGAS_MASTER_KEY (base64 \
            of 32 bytes; otherwise <data-dir>/master.key).
            """,
        subcommands: [Serve.self, ImportU2FKey.self, CopyStore.self], defaultSubcommand: Serve.self)
}

/// Where the server keeps its data, and the environment that pins what a first start creates.
struct DataOptions: ParsableArguments {
    @Option(help: "Directory for the master key, root credentials and (by default) the SQLite database.")
    var dataDir = "./vegas-data"
    @Option(
        help: ArgumentHelp(
            "The store: sqlite:PATH or postgres://USER@HOST:PORT/DATABASE (default: <data-dir>/vegas.sqlite).",
            discussion:
                "A password in the URL is visible to other users in the process list: prefer VEGAS_DATABASE_URL."
        ))
    var database: String?

    func configuration() throws -> VegasServerConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var configuration = VegasServerConfiguration()
        configuration.dataDirectory = dataDir
        if let text = database ?? environment["VEGAS_DATABASE_URL"] {
            do { configuration.database = try DatabaseURL(parsing: text) } catch {
                throw ValidationError("\(error)")
            }
        }
        configuration.accountId = environment["VEGAS_ACCOUNT_ID"]
        configuration.masterKey = environment["VEGAS_MASTER_KEY"]
        switch (environment["VEGAS_ROOT_ACCESS_KEY_ID"], environment["VEGAS_ROOT_SECRET_ACCESS_KEY"]) {
        case (let id?, let secret?):
            configuration.rootCredentials = AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: nil)
        case (nil, nil):
            break
        default:
            throw ValidationError("set both VEGAS_ROOT_ACCESS_KEY_ID and VEGAS_ROOT_SECRET_ACCESS_KEY, or neither")
        }
        return configuration
    }
}

/// `serve` (the default): runs the server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

    @OptionGroup var data: DataOptions

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Issuer shown by authenticator apps.") var totpIssuer = "Vegas"
    @Option(help: "Failed MFA codes in a row before a device is locked.") var mfaMaxFailures = 5
    @Option(help: "First lock-out in seconds; each further one doubles (up to a day).") var mfaLockoutSeconds = 60.0
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @Option(
        help: ArgumentHelp(
            "The URL browsers use for the console (default: http://localhost:<port>).",
            discussion: "Its host is the WebAuthn relying party id: security keys are bound to it."))
    var publicURL: String?
    @Option(help: "PEM certificate chain: serve HTTPS (with --tls-key).") var tlsCertificate: String?
    @Option(help: "PEM private key of --tls-certificate.") var tlsKey: String?
    @Option(help: "Whether security keys must verify the user (PIN/biometrics): required, preferred or discouraged.")
    var webauthnUserVerification = "preferred"
    @Option(help: "Attestation asked of security keys at registration: direct (verified) or none.")
    var webauthnAttestation = "direct"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard mfaMaxFailures >= 1 else { throw ValidationError("--mfa-max-failures must be at least 1") }
        guard mfaLockoutSeconds >= 1 else { throw ValidationError("--mfa-lockout-seconds must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown --log-level '\(logLevel)'")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("give both --tls-certificate and --tls-key, or neither")
        }
        guard ["direct", "none"].contains(webauthnAttestation) else {
            throw ValidationError("--webauthn-attestation must be direct or none")
        }
        guard UserVerificationRequirement(rawValue: webauthnUserVerification) != nil else {
            throw ValidationError("--webauthn-user-verification must be required, preferred or discouraged")
        }
    }

    func run() async throws {
        umask(0o077)  // every file the server creates is owner-only
        var logger = Logger(label: "vegas-server", factory: DeferredMetadataLogHandler.init)
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = try data.configuration()
        configuration.host = host
        configuration.port = port
        configuration.identity.totpIssuer = totpIssuer
        configuration.identity.mfaMaxFailures = mfaMaxFailures
        configuration.identity.mfaLockoutSeconds = mfaLockoutSeconds
        configuration.console.publicURL = publicURL
        configuration.console.userVerification =
            UserVerificationRequirement(rawValue: webauthnUserVerification) ?? .preferred
        configuration.console.attestation = webauthnAttestation
        configuration.tlsCertificatePath = tlsCertificate
        configuration.tlsKeyPath = tlsKey

        let store: any ServedStore
        do {
            store = try configuration.databaseURL.openStore(logger: logger)
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let endpoint = "\(tlsCertificate == nil ? "http" : "https")://\(host)"
        let startup = VegasServerService(configuration: configuration, store: store, logger: logger) {
            [configuration] info, port in
            Self.printBanner(info, endpoint: "\(endpoint):\(port)", console: configuration.consoleOrigin(port: port))
        }
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: store),
                    .init(service: startup, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
        logger.info("stopped; database closed")
    }

    /// Tells the operator how to reach the server; the root secret is shown only on the start that created it.
    static func printBanner(_ info: VegasServerInfo, endpoint: String, console: String) {
        var lines = [
            "vegas-server is listening on \(endpoint)",
            "  console:          \(console)/console/",
            "  account:          \(info.accountId)",
            "  root credentials: \(info.rootCredentialsFile)",
        ]
        if let credentials = info.newRootCredentials {
            lines += [
                "  root access key:  \(credentials.accessKeyId)",
                "  root secret key:  \(credentials.secretAccessKey)   (shown once; also in the file above)",
            ]
        }
        lines += [
            "",
            "Try it:",
            "  export AWS_SHARED_CREDENTIALS_FILE=\(info.rootCredentialsFile) AWS_DEFAULT_REGION=us-east-1",
            "  aws --endpoint-url \(endpoint) sts get-caller-identity",
            "",
        ]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

/// `import-u2f-key`: adds a security key registered with the old U2F API (from a U2F server's records) to a user, so
/// that it signs in to the console through WebAuthn's AppID extension (which needs the console on HTTPS).
struct ImportU2FKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-u2f-key",
        abstract: "Import a legacy U2F security key registration for a user (signs in with the AppID extension).",
        discussion: """
            The AppID is the console's public https origin (--public-url of serve), the one the U2F registration \
            was made for. Reads the key handle and public key from the U2F registration, both base64url.
            """)

    @OptionGroup var data: DataOptions
    @Option(help: "The IAM user; omit for the root user.") var userName: String?
    @Option(help: "The device name shown at sign-in.") var name: String
    // Base64url values may begin with "-" (one in 64 key handles does), so these take the next argument as it is.
    @Option(parsing: .unconditional, help: "The U2F key handle (credential id), base64url.") var keyHandle: String
    @Option(
        parsing: .unconditional,
        help: "The U2F public key: the 65-byte uncompressed P-256 point (04‖x‖y), base64url.") var publicKey: String
    @Option(help: "The last signature counter the U2F server saw.") var counter: UInt32 = 0

    func run() async throws {
        umask(0o077)
        do {
            guard let handle = Base64URL.decode(keyHandle), !handle.isEmpty, handle.count <= 1023 else {
                throw ValidationError("--key-handle must be base64url of 1 to 1023 bytes")
            }
            guard let point = Base64URL.decode(publicKey) else {
                throw ValidationError("--public-key must be base64url")
            }
            let cose: [UInt8]
            do { cose = try COSEKey.p256(uncompressedPoint: point) } catch {
                throw ValidationError("--public-key must be a 65-byte uncompressed P-256 point on the curve")
            }
            let configuration = try data.configuration()
            guard VegasServer.hasData(in: configuration) else {
                throw ValidationError(
                    "no vegas-server data in \(data.dataDir) (no vegas.sqlite): give the --data-dir of the running server"
                )
            }
            let serial = try await StoreSession.run(configuration.databaseURL) { store in
                let server = try await VegasServer(
                    configuration: configuration, store: store, logger: Logger(label: "import"))
                let principal = try await server.identity.principal(userName: userName)
                let device = try await server.identity.registerSecurityKey(
                    principal, name: name,
                    key: NewSecurityKey(
                        credentialId: handle, publicKey: cose, signCount: counter, backupEligible: false,
                        transports: ["usb"], attestationFormat: "fido-u2f", aaguid: [UInt8](repeating: 0, count: 16),
                        legacyU2F: true))
                return device.serialNumber
            }
            print(serial)
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
