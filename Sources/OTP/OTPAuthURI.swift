/// Google Authenticator "Key Uri Format": `otpauth://TYPE/LABEL?PARAMETERS`, as put in provisioning QR codes.
public struct OTPAuthURI: Sendable {
    /// Time-based (with its period in seconds) or counter-based (with the next counter value).
    public enum Kind: Sendable, Equatable {
        case totp(period: Int)
        case hotp(counter: UInt64)
    }

    /// Longest accepted URI, in UTF-8 bytes.
    public static let maximumLength = 4096

    public var kind: Kind
    public var issuer: String?
    public var accountName: String
    public var secret: [UInt8]
    public var algorithm: OTPAlgorithm
    public var digits: Int

    /// A URI from its parts; nothing is validated here (``totp()`` and ``hotp()`` validate).
    public init(
        kind: Kind = .totp(period: 30), issuer: String?, accountName: String, secret: [UInt8],
        algorithm: OTPAlgorithm = .sha1, digits: Int = 6
    ) {
        self.kind = kind
        self.issuer = issuer
        self.accountName = accountName
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
    }

    /// Canonical form: `otpauth://TYPE/<pct(issuer)>:<pct(account)>?secret=<BASE32, no padding>&issuer=<pct(issuer)>`,
    /// then `algorithm`, `digits`, `period` only when not the defaults (SHA1, 6, 30) and `counter` for hotp. Text is
    /// percent-encoded except RFC 3986 unreserved characters and '@'. A nil or empty issuer leaves out the label prefix
    /// and the issuer parameter (so an account name containing ':' then reads back as issuer:account).
    public var uriString: String {
        var label = PercentEncoding.encode(accountName)
        var parameters = ["secret=" + Base32.encode(secret)]
        if let issuer, !issuer.isEmpty {
            label = PercentEncoding.encode(issuer) + ":" + label
            parameters.append("issuer=" + PercentEncoding.encode(issuer))
        }
        if algorithm != .sha1 { parameters.append("algorithm=" + algorithm.rawValue) }
        if digits != 6 { parameters.append("digits=\(digits)") }
        let type: String
        switch kind {
        case .totp(let period):
            type = "totp"
            if period != 30 { parameters.append("period=\(period)") }
        case .hotp(let counter):
            type = "hotp"
            parameters.append("counter=\(counter)")
        }
        return "otpauth://\(type)/\(label)?" + parameters.joined(separator: "&")
    }

    /// The time-based generator of a totp URI. Throws ``OTPError/notTimeBased`` for an hotp URI, and the
    /// generator's own errors for a secret, digits or period it does not accept.
    public func totp() throws(OTPError) -> TOTP {
        guard case .totp(let period) = kind else { throw .notTimeBased }
        return try TOTP(secret: secret, digits: digits, period: period, algorithm: algorithm)
    }

    /// The HOTP generator with this URI's secret, digits and algorithm (for a totp URI, the one under its ``TOTP``).
    public func hotp() throws(OTPError) -> HOTP {
        try HOTP(secret: secret, digits: digits, algorithm: algorithm)
    }
}

extension OTPAuthURI: Equatable {
    /// Equal when all parts are equal, the secret compared in constant time.
    public static func == (lhs: OTPAuthURI, rhs: OTPAuthURI) -> Bool {
        lhs.kind == rhs.kind && lhs.issuer == rhs.issuer && lhs.accountName == rhs.accountName
            && lhs.algorithm == rhs.algorithm && lhs.digits == rhs.digits && constantTimeEquals(lhs.secret, rhs.secret)
    }
}
