/// Why an otpauth URI was rejected. Offsets are UTF-8 byte offsets into the URI.
public struct OTPAuthURIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// Longer than ``OTPAuthURI/maximumLength`` bytes.
        case tooLong(byteCount: Int)
        /// Not `otpauth://` (the scheme found, up to the first ':').
        case wrongScheme(String)
        /// A type other than totp or hotp.
        case unknownType(String)
        /// No '/' and label after the type.
        case missingLabel
        /// The label has no account name.
        case missingAccountName
        /// A '%' not followed by two hexadecimal digits.
        case malformedPercentEscape(offset: Int)
        /// The label part or parameter starting at `offset` decodes to invalid UTF-8 or contains control characters.
        case invalidText(offset: Int)
        /// A known parameter appears twice.
        case duplicateParameter(String)
        /// No (or an empty) secret parameter.
        case missingSecret
        /// The secret parameter is not base32.
        case invalidSecret(Base32Error)
        /// The secret is longer than ``HOTP/maximumSecretLength`` bytes.
        case secretTooLong(byteCount: Int)
        /// An algorithm other than SHA1, SHA256, SHA512.
        case invalidAlgorithm(String)
        /// Digits not a number in ``HOTP/allowedDigits``.
        case invalidDigits(String)
        /// Period not a number in ``TOTP/allowedPeriods``.
        case invalidPeriod(String)
        /// Counter not a decimal UInt64.
        case invalidCounter(String)
        /// An hotp URI without counter.
        case missingCounter
        /// The issuer parameter differs from the label's issuer prefix.
        case issuerMismatch(label: String, parameter: String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .tooLong(let byteCount): "otpauth URI is \(byteCount) bytes, more than \(OTPAuthURI.maximumLength)"
        case .wrongScheme(let scheme): "not an otpauth:// URI (scheme \(scheme.debugDescription))"
        case .unknownType(let type): "unknown otpauth type \(type.debugDescription) (expected totp or hotp)"
        case .missingLabel: "otpauth URI has no label"
        case .missingAccountName: "otpauth label has no account name"
        case .malformedPercentEscape(let offset): "malformed percent-escape at byte \(offset)"
        case .invalidText(let offset): "text starting at byte \(offset) is not UTF-8 or contains control characters"
        case .duplicateParameter(let name): "parameter \(name.debugDescription) appears more than once"
        case .missingSecret: "otpauth URI has no secret"
        case .invalidSecret(let error): "invalid secret: \(error)"
        case .secretTooLong(let byteCount): "secret is \(byteCount) bytes, more than \(HOTP.maximumSecretLength)"
        case .invalidAlgorithm(let text): "invalid algorithm \(text.debugDescription) (expected SHA1, SHA256 or SHA512)"
        case .invalidDigits(let text): "invalid digits \(text.debugDescription) (expected \(HOTP.allowedDigits))"
        case .invalidPeriod(let text): "invalid period \(text.debugDescription) (expected \(TOTP.allowedPeriods))"
        case .invalidCounter(let text): "invalid counter \(text.debugDescription) (expected a decimal number)"
        case .missingCounter: "hotp URI has no counter"
        case .issuerMismatch(let label, let parameter):
            "issuer parameter \(parameter.debugDescription) contradicts label issuer \(label.debugDescription)"
        }
    }
}
