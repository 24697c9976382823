import AWSProtocol
import ArgumentParser
import Foundation
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
        abstract: "An AWS IAM/STS-compatible MFA server with real TOTP verification.",
        discussion: """
            Environment: VEGAS_ACCOUNT_ID (12 digits, first start), VEGAS_ROOT_ACCESS_KEY_ID and \
            VEGAS_ROOT_SECRET_ACCESS_KEY (pin the root key), VEGAS_MASTER_KEY (base64 of 32 bytes; otherwise \
            <data-dir>/master.key).
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Directory for the database, master key and root credentials.") var dataDir = "./vegas-data"
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
        var logger = Logger(label: "vegas-server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let environment = ProcessInfo.processInfo.environment

        var configuration = VegasServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDir
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
        configuration.identity.totpIssuer = totpIssuer
        configuration.identity.mfaMaxFailures = mfaMaxFailures
        configuration.identity.mfaLockoutSeconds = mfaLockoutSeconds
        configuration.console.publicURL = publicURL
        configuration.console.userVerification = UserVerificationRequirement(rawValue: webauthnUserVerification) ?? .preferred
        configuration.console.attestation = webauthnAttestation
        configuration.tlsCertificatePath = tlsCertificate
        configuration.tlsKeyPath = tlsKey

        let server: VegasServer
        do {
            server = try await VegasServer(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let info = server.info
        let endpoint = "\(tlsCertificate == nil ? "http" : "https")://\(host)"
        let application: any Service
        do {
            application = try server.application(logger: logger) { [configuration] port in
                Self.printBanner(info, endpoint: "\(endpoint):\(port)", console: configuration.consoleOrigin(port: port))
            }
        } catch {
            FileHandle.standardError.write(Data("vegas-server: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await services.run()
        } catch {
            try? server.close()
            throw error
        }
        try server.close()
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
