import AWSProtocol
import Crypto
import Synchronization

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

    /// A request id in AWS's form, a version 4 UUID in lower case: 16 random bytes drawn once per process with a
    /// request counter mixed into the last eight, so ids are unique without a system call per request (`UUID()` opens
    /// and reads /dev/urandom on every call on Linux).
    public static func requestId() -> String {
        let base = requestIdBase
        let counter = requestCount.add(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 36) { output in
            var position = 0
            for index in 0..<16 {
                var byte = base[index]
                if index >= 8 { byte ^= UInt8(truncatingIfNeeded: counter >> (8 * (15 - index))) }
                if index == 6 { byte = byte & 0x0F | 0x40 }  // version 4
                if index == 8 { byte = byte & 0x3F | 0x80 }  // the RFC 4122 variant
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    output[position] = UInt8(ascii: "-")
                    position += 1
                }
                output[position] = Hex.lowerDigit(byte >> 4)
                output[position + 1] = Hex.lowerDigit(byte & 0x0F)
                position += 2
            }
            return position
        }
    }

    private static let requestIdBase = randomBytes(16)
    private static let requestCount = Atomic<UInt64>(0)

    /// Cryptographically random bytes, eight from each draw of the system generator (one system call).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// `length` characters drawn uniformly from `alphabet`, whose size is a power of two (32 or 64), so masking a random
    /// byte is unbiased.
    private static func randomString(length: Int, alphabet: [UInt8]) -> String {
        precondition(alphabet.count.nonzeroBitCount == 1 && alphabet.count <= 256)
        let mask = UInt8(truncatingIfNeeded: alphabet.count - 1)
        return String(decoding: randomBytes(length).map { alphabet[Int($0 & mask)] }, as: UTF8.self)
    }

    /// SHA-256 of a token, as stored.
    public static func tokenHash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
