/// Why an HOTP/TOTP generator cannot be built.
public enum OTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The shared secret has no bytes.
    case emptySecret
    /// The shared secret is longer than ``HOTP/maximumSecretLength`` bytes (the byte count).
    case secretTooLong(Int)
    /// The number of digits is outside ``HOTP/allowedDigits``.
    case invalidDigits(Int)
    /// The TOTP period (seconds) is outside ``TOTP/allowedPeriods``.
    case invalidPeriod(Int)
    /// A time-based generator was asked of a counter-based (hotp) otpauth URI.
    case notTimeBased

    public var description: String {
        switch self {
        case .emptySecret: "the OTP secret is empty"
        case .secretTooLong(let count):
            "the OTP secret is \(count) bytes long, more than the \(HOTP.maximumSecretLength) allowed"
        case .invalidDigits(let digits):
            "\(digits) digits is not allowed (\(HOTP.allowedDigits.lowerBound)...\(HOTP.allowedDigits.upperBound))"
        case .invalidPeriod(let period):
            "a period of \(period) s is not allowed (\(TOTP.allowedPeriods.lowerBound)...\(TOTP.allowedPeriods.upperBound))"
        case .notTimeBased: "the otpauth URI describes a counter-based (hotp) generator, not a time-based one"
        }
    }
}
