/// A QR code symbol (ISO/IEC 18004, model 2) in the smallest version that holds the input at the chosen level,
/// with the mask of lowest penalty.
public struct QRCode: Sendable, Equatable {
    /// 1...40.
    public let version: Int
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    /// The level the symbol was encoded at.
    public let errorCorrection: QRErrorCorrection
    /// The mask pattern (0...7) that was applied.
    public let mask: Int
    /// Row-major, true = dark.
    private let modules: [Bool]

    /// Encodes `text` in the most compact single mode that holds all of it:
    /// numeric (digits only), alphanumeric (0–9, A–Z, space and `$%*+-./:`), otherwise UTF-8 bytes.
    public init(text: String, errorCorrection: QRErrorCorrection = .medium) throws(QRCodeError) {
        try self.init(segment: Segment(text: text), errorCorrection: errorCorrection)
    }

    /// Encodes `bytes` in byte mode.
    public init(bytes: [UInt8], errorCorrection: QRErrorCorrection = .medium) throws(QRCodeError) {
        try self.init(segment: Segment(bytes: bytes), errorCorrection: errorCorrection)
    }

    private init(segment: Segment, errorCorrection level: QRErrorCorrection) throws(QRCodeError) {
        let version = try Codewords.smallestVersion(for: segment, level: level)
        let data = Codewords.dataCodewords(for: segment, version: version, level: level)
        var matrix = ModuleMatrix(version: version)
        matrix.placeCodewords(Codewords.interleaved(data: data, version: version, level: level))

        var bestMask = 0
        var bestPenalty = Int.max
        for mask in 0..<8 {
            matrix.applyMask(mask)
            matrix.drawFormatBits(level: level, mask: mask)
            let penalty = matrix.penalty()
            if penalty < bestPenalty {
                bestMask = mask
                bestPenalty = penalty
            }
            matrix.applyMask(mask)
        }
        matrix.applyMask(bestMask)
        matrix.drawFormatBits(level: level, mask: bestMask)

        self.version = version
        self.size = matrix.size
        self.errorCorrection = level
        self.mask = bestMask
        self.modules = matrix.modules
    }

    /// Whether the module at column `x`, row `y` is dark; false outside the symbol (the quiet zone is light).
    public subscript(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
