#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The largest response JSON accepted.
let maximumResponseSize = 64 * 1024

/// RegistrationResponseJSON, the `toJSON()` of a `PublicKeyCredential` from `navigator.credentials.create()`.
struct RegistrationResponseJSON: Decodable {
    struct Response: Decodable {
        var clientDataJSON: String
        var attestationObject: String
        var transports: [String]?
    }
    var id: String
    var rawId: String
    var type: String
    var response: Response
}

/// AuthenticationResponseJSON, the `toJSON()` of a `PublicKeyCredential` from `navigator.credentials.get()`.
struct AuthenticationResponseJSON: Decodable {
    struct Response: Decodable {
        var clientDataJSON: String
        var authenticatorData: String
        var signature: String
        var userHandle: String?
    }
    struct ExtensionResults: Decodable {
        var appid: Bool?
    }
    var id: String
    var rawId: String
    var type: String
    var response: Response
    var clientExtensionResults: ExtensionResults?
}

/// Just the credential ID of a response.
struct CredentialIdentifierJSON: Decodable {
    var id: String
    var rawId: String
}

enum JSONInput {
    /// Decodes `bytes` (at most `maximumResponseSize`) as `T`, naming the failing field in the error.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], _ what: String) throws(WebAuthnError) -> T {
        guard bytes.count <= maximumResponseSize else { throw .inputTooLarge(limit: maximumResponseSize) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .malformed("\(what): \(describe(error))")
        } catch {
            throw .malformed("\(what): not valid JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            guard !keys.isEmpty else { return "the top level" }
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context, key))"
        case .typeMismatch(_, let context): return "wrong type for \(path(context))"
        case .valueNotFound(_, let context): return "null \(path(context))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "bad \(path(context))"
        @unknown default: return "not valid JSON"
        }
    }

    /// Decodes a base64url JSON member.
    static func base64URL(_ text: String, _ name: String) throws(WebAuthnError) -> [UInt8] {
        guard let bytes = Base64URL.decode(text) else { throw .malformed("\(name) is not base64url") }
        return bytes
    }

    /// The credential ID from `id` and `rawId`, which must agree; `type` must be "public-key" when given.
    static func credentialId(id: String, rawId: String, type: String?) throws(WebAuthnError) -> [UInt8] {
        if let type, type != "public-key" { throw .malformed("credential type \(type) is not public-key") }
        let identifier = try base64URL(id, "id")
        guard try base64URL(rawId, "rawId") == identifier else { throw .malformed("id and rawId differ") }
        guard !identifier.isEmpty else { throw .malformed("credential ID is empty") }
        return identifier
    }
}
