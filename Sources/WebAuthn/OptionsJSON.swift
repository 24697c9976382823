#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The WebAuthn L3 JSON forms of the ceremony options, for `PublicKeyCredential.parse…OptionsFromJSON()`.
enum OptionsJSON {
    struct Descriptor: Encodable {
        var type = "public-key"
        var id: String
        var transports: [String]?

        init(_ descriptor: CredentialDescriptor) {
            id = Base64URL.encode(descriptor.id)
            transports = descriptor.transports.isEmpty ? nil : descriptor.transports
        }
    }

    struct Creation: Encodable {
        struct Entity: Encodable {
            var id: String
            var name: String
            var displayName: String?
        }
        struct Parameter: Encodable {
            var type = "public-key"
            var alg: Int
        }
        struct Selection: Encodable {
            var residentKey = "discouraged"
            var requireResidentKey = false
            var userVerification: String
        }
        var rp: Entity
        var user: Entity
        var challenge: String
        var pubKeyCredParams: [Parameter]
        var timeout: Int
        var excludeCredentials: [Descriptor]
        var authenticatorSelection: Selection
        var attestation: String
    }

    struct Request: Encodable {
        struct Extensions: Encodable {
            var appid: String?
        }
        var challenge: String
        var timeout: Int
        var rpId: String
        var allowCredentials: [Descriptor]
        var userVerification: String
        var extensions: Extensions?
    }

    /// How long the browser waits for the user, in milliseconds (the spec's recommended default).
    static let timeout = 300_000

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings, integers and arrays cannot fail.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
