/// The scrypt cost: N = 2^log2N, block size r, parallelism p. Stored in each vault's header.
public struct ScryptParameters: Sendable, Equatable, Codable {
    public var log2N: Int
    public var r: Int
    public var p: Int

    public init(log2N: Int, r: Int, p: Int) {
        self.log2N = log2N
        self.r = r
        self.p = p
    }

    /// N = 2^15, r = 8, p = 1: 32 MiB and roughly 50–100 ms per derivation.
    public static let standard = ScryptParameters(log2N: 15, r: 8, p: 1)

    public static let log2NBounds = 1...20
    public static let rBounds = 1...16
    public static let pBounds = 1...16
    /// Most memory accepted for scrypt's 128·r·N-byte table (1 GiB).
    public static let maximumMemory = 1 << 30

    /// True when each value is within its bounds, the table fits in ``maximumMemory`` and N < 2^(16·r) (RFC 7914).
    /// Checked before any key is derived, so a crafted header cannot make opening a vault take absurd time or memory.
    /// (r stops at 16 because swift-crypto 4.5.2 ignores its `maxMemory` argument, and its default limit is too small
    /// for p = 1 with r > 16 on 4 KiB pages.)
    public var isWithinBounds: Bool {
        guard Self.log2NBounds.contains(log2N), Self.rBounds.contains(r), Self.pBounds.contains(p) else { return false }
        return 128 * (r << log2N) <= Self.maximumMemory && log2N < 16 * r
    }

    var boundsDescription: String {
        "scrypt parameters log2N=\(log2N), r=\(r), p=\(p) are outside the accepted bounds (log2N \(Self.log2NBounds), "
            + "r \(Self.rBounds), p \(Self.pBounds), 128·r·N at most 1 GiB, N < 2^(16·r))"
    }
}
