/// Whether the relying party asks authenticators to verify the user (PIN, biometrics).
public enum UserVerificationRequirement: String, Sendable, Codable {
    case required, preferred, discouraged
}

/// The relying party's configuration: which RP ID and origins its credentials are scoped to and what it accepts.
public struct RelyingParty: Sendable, Codable {
    /// The RP ID, a registrable domain such as "localhost" or "example.org".
    public var id: String
    public var name: String
    /// The exact origins accepted in `clientDataJSON`, e.g. ["http://localhost:8080"].
    public var origins: [String]
    /// A legacy U2F AppID (an https URL) offered in assertions so that keys registered through U2F keep working.
    public var appID: String?
    public var userVerification: UserVerificationRequirement
    /// The credential algorithms offered at registration, in order of preference.
    public var algorithms: [COSEAlgorithm]

    public init(
        id: String, name: String, origins: [String], appID: String? = nil,
        userVerification: UserVerificationRequirement = .preferred,
        algorithms: [COSEAlgorithm] = [.es256, .eddsa, .rs256]
    ) {
        self.id = id
        self.name = name
        self.origins = origins
        self.appID = appID
        self.userVerification = userVerification
        self.algorithms = algorithms
    }
}

/// The account a credential is created for. `id` is the opaque user handle (at most 64 bytes, no personal data).
public struct UserEntity: Sendable, Codable {
    public var id: [UInt8]
    public var name: String
    public var displayName: String

    public init(id: [UInt8], name: String, displayName: String) {
        self.id = id
        self.name = name
        self.displayName = displayName
    }
}

/// A credential named in `excludeCredentials` or `allowCredentials`.
public struct CredentialDescriptor: Sendable, Codable, Equatable {
    public var id: [UInt8]
    /// Transport hints ("usb", "nfc", "ble", "hybrid", "internal") as `getTransports()` reported them.
    public var transports: [String]

    public init(id: [UInt8], transports: [String] = []) {
        self.id = id
        self.transports = transports
    }
}

/// Fresh random challenges.
enum Challenge {
    static let length = 32

    static func random() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
