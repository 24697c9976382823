import Foundation
import WebAuthn

/// How the web console presents itself: the public URL browsers use (WebAuthn binds credentials to its host), whether
/// security keys must verify the user (PIN or biometrics), and how long a signed-in session lasts.
public struct ConsoleConfiguration: Sendable {
    /// The origin browsers reach the console at, e.g. `https://vegas.example.com`; nil means `http://localhost:<port>`.
    /// Its host is the WebAuthn relying party id (an IP address cannot be one: use a name such as `localhost`).
    public var publicURL: String?
    public var userVerification: UserVerificationRequirement = .preferred
    /// The attestation conveyance asked of security keys at registration: `direct` (verify the statement) or `none`.
    public var attestation = "direct"
    public var sessionLifetime: TimeInterval = 12 * 3600

    public init() {}

    /// The relying party for `origin` (scheme://host[:port]); over HTTPS it also offers the legacy U2F AppID (the origin).
    static func relyingParty(origin: String, userVerification: UserVerificationRequirement) throws -> RelyingParty {
        guard let url = URL(string: origin), let scheme = url.scheme, scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil
        else {
            throw ConsoleConfigurationError("the public URL must look like https://host[:port], got '\(origin)'")
        }
        let normalized = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        return RelyingParty(
            id: host, name: "Vegas", origins: [normalized], appID: scheme == "https" ? normalized : nil,
            userVerification: userVerification, algorithms: [.es256, .eddsa, .rs256])
    }
}

/// A console setting that cannot work.
public struct ConsoleConfigurationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
