import OTP

/// The RFC 4226 / RFC 6238 secrets (ASCII digits) and small helpers shared by the tests.
enum Fixtures {
    static let sha1Secret = Array("12345678901234567890".utf8)
    static let sha256Secret = Array("12345678901234567890123456789012".utf8)
    static let sha512Secret = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)
    static let sha1SecretBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    static func secret(for algorithm: OTPAlgorithm) -> [UInt8] {
        switch algorithm {
        case .sha1: sha1Secret
        case .sha256: sha256Secret
        case .sha512: sha512Secret
        }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255) }
    }

    /// The AWS-style default generator: SHA1, 6 digits, 30 s.
    static func defaultTOTP() throws -> TOTP {
        try TOTP(secret: sha1Secret)
    }
}
