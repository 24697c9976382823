/// RFC 6238 TOTP with T0 = 0: HOTP over the number of whole periods since the Unix epoch.
public struct TOTP: Sendable, Equatable {
    /// Periods (seconds) this generator accepts.
    public static let allowedPeriods = 1...3600

    public let hotp: HOTP
    /// Length of one time step, in seconds.
    public let period: Int

    /// Throws like ``HOTP/init(secret:digits:algorithm:)``, or when `period` is outside ``allowedPeriods``.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: OTPAlgorithm = .sha1) throws(OTPError) {
        hotp = try HOTP(secret: secret, digits: digits, algorithm: algorithm)
        guard Self.allowedPeriods.contains(period) else { throw .invalidPeriod(period) }
        self.period = period
    }

    /// The time step containing `unixTime`: floor(unixTime / period), also for times before 1970.
    public func step(at unixTime: Int64) -> Int64 {
        let quotient = unixTime / Int64(period)
        return unixTime % Int64(period) < 0 ? quotient - 1 : quotient
    }

    /// The code of time step `step`. A negative step uses its 64-bit two's-complement pattern as the HOTP counter.
    public func code(step: Int64) -> String {
        hotp.code(counter: UInt64(bitPattern: step))
    }

    /// The code of time step `step` as a number (``HOTP/value(counter:)``).
    public func value(step: Int64) -> UInt64 {
        hotp.value(counter: UInt64(bitPattern: step))
    }

    /// The code valid at `unixTime`.
    public func code(at unixTime: Int64) -> String {
        code(step: step(at: unixTime))
    }

    /// Seconds until the step containing `unixTime` ends, in 1...period.
    public func secondsRemaining(at unixTime: Int64) -> Int {
        let remainder = unixTime % Int64(period)
        return period - Int(remainder < 0 ? remainder + Int64(period) : remainder)
    }
}
