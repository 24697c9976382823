#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// CollectedClientData (WebAuthn §5.8.1) as the browser serialised it into `clientDataJSON`.
struct CollectedClientData: Decodable {
    var type: String
    var challenge: String
    var origin: String
    var crossOrigin: Bool?
    var topOrigin: String?

    /// Parses `json` and checks type, challenge (in constant time), origin (exact match) and that the ceremony did
    /// not run cross-origin (registration steps 2–6, authentication steps 8–13).
    static func verify(
        _ json: [UInt8], type expectedType: String, challenge: [UInt8], origins: [String]
    ) throws(WebAuthnError) {
        let body = json.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(json.dropFirst(3)) : json
        let clientData = try JSONInput.decode(CollectedClientData.self, from: body, "clientDataJSON")
        guard clientData.type == expectedType else { throw .typeMismatch }
        guard constantTimeEqual(Array(clientData.challenge.utf8), Array(Base64URL.encode(challenge).utf8)) else {
            throw .challengeMismatch
        }
        guard origins.contains(clientData.origin) else { throw .originMismatch(clientData.origin) }
        guard clientData.crossOrigin != true, clientData.topOrigin == nil else { throw .crossOriginNotAllowed }
    }
}

/// Compares without stopping at the first difference (the lengths are not secret).
func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
