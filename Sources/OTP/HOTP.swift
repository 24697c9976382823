/// RFC 4226 HOTP: an HMAC-based one-time password generator.
public struct HOTP: Sendable {
    /// Code lengths this generator accepts.
    public static let allowedDigits = 6...10
    /// Longest accepted secret, in bytes.
    public static let maximumSecretLength = 1024

    public let secret: [UInt8]
    public let digits: Int
    public let algorithm: OTPAlgorithm

    /// Throws when `secret` is empty or longer than ``maximumSecretLength``, or `digits` is outside ``allowedDigits``.
    public init(secret: [UInt8], digits: Int = 6, algorithm: OTPAlgorithm = .sha1) throws(OTPError) {
        guard !secret.isEmpty else { throw .emptySecret }
        guard secret.count <= Self.maximumSecretLength else { throw .secretTooLong(secret.count) }
        guard Self.allowedDigits.contains(digits) else { throw .invalidDigits(digits) }
        self.secret = secret
        self.digits = digits
        self.algorithm = algorithm
    }

    /// The code for `counter`: dynamic truncation of HMAC(secret, big-endian counter), zero-padded to `digits`.
    public func code(counter: UInt64) -> String {
        let message = (0..<8).reversed().map { UInt8(truncatingIfNeeded: counter >> (8 * $0)) }
        let mac = algorithm.authenticationCode(for: message, key: secret)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated = mac[offset..<offset + 4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(truncated % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }
}

extension HOTP: Equatable {
    /// Equal when digits, algorithm and (compared in constant time) secret are equal.
    public static func == (lhs: HOTP, rhs: HOTP) -> Bool {
        lhs.digits == rhs.digits && lhs.algorithm == rhs.algorithm && constantTimeEquals(lhs.secret, rhs.secret)
    }
}
