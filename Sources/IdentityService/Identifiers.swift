import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Random identifiers in AWS's shapes.
public enum Identifiers {
    private static let upperAlphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `prefix` followed by random upper-case letters and digits 2–7, e.g. `AKIA` + 16 → an access key id.
    public static func make(prefix: String, length: Int) -> String {
        prefix + randomString(length: length, alphabet: upperAlphanumeric)
    }

    /// A 40-character secret access key.
    public static func secretAccessKey() -> String {
        randomString(length: 40, alphabet: secretAlphabet)
    }

    /// An opaque session token.
    public static func sessionToken() -> String {
        "VgSt" + Data(randomBytes(96)).base64EncodedString()
    }

    /// A 12-digit account id that does not start with 0.
    public static func accountId() -> String {
        var digits = String(Int.random(in: 1...9))
        for _ in 0..<11 { digits += String(Int.random(in: 0...9)) }
        return digits
    }

    /// A request id in AWS's UUID form.
    public static func requestId() -> String {
        UUID().uuidString.lowercased()
    }

    /// Cryptographically random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func randomString(length: Int, alphabet: [UInt8]) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// SHA-256 of a token, as stored.
    public static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
