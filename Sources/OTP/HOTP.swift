/// RFC 4226 HOTP: an HMAC-based one-time password generator.
public struct HOTP: Sendable {
    /// Code lengths this generator accepts.
    public static let allowedDigits = 6...10
    /// Longest accepted secret, in bytes.
    public static let maximumSecretLength = 1024

    public let secret: [UInt8]
    public let digits: Int
    public let algorithm: OTPAlgorithm
    private let mac: KeyedHMAC
    /// 10^digits.
    private let modulus: UInt64

    /// Throws when `secret` is empty or longer than ``maximumSecretLength``, or `digits` is outside ``allowedDigits``.
    public init(secret: [UInt8], digits: Int = 6, algorithm: OTPAlgorithm = .sha1) throws(OTPError) {
        guard !secret.isEmpty else { throw .emptySecret }
        guard secret.count <= Self.maximumSecretLength else { throw .secretTooLong(secret.count) }
        guard Self.allowedDigits.contains(digits) else { throw .invalidDigits(digits) }
        self.secret = secret
        self.digits = digits
        self.algorithm = algorithm
        mac = KeyedHMAC(algorithm: algorithm, key: secret)
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        self.modulus = modulus
    }

    /// The code for `counter` as a number: dynamic truncation of HMAC(secret, big-endian counter), modulo 10^digits.
    public func value(counter: UInt64) -> UInt64 {
        let message = (0..<8).reversed().map { UInt8(truncatingIfNeeded: counter >> (8 * $0)) }
        let truncated = mac.withAuthenticationCode(for: message) { digest in
            let offset = Int(digest[digest.count - 1] & 0x0F)
            return digest[offset..<offset + 4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF
        }
        return truncated % modulus
    }

    /// The code for `counter`: ``value(counter:)`` zero-padded to `digits`.
    public func code(counter: UInt64) -> String {
        let number = String(value(counter: counter))
        return String(repeating: "0", count: digits - number.count) + number
    }
}

extension HOTP: Equatable {
    /// Equal when digits, algorithm and (compared in constant time) secret are equal.
    public static func == (lhs: HOTP, rhs: HOTP) -> Bool {
        lhs.digits == rhs.digits && lhs.algorithm == rhs.algorithm && constantTimeEquals(lhs.secret, rhs.secret)
    }
}
