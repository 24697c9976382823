/// The error-correction level of a QR code: how much of the symbol may be damaged and still decode
/// (roughly 7 %, 15 %, 25 % and 30 % of the codewords).
public enum QRErrorCorrection: Sendable, CaseIterable {
    case low, medium, quartile, high

    /// The two format-information bits that name the level (ISO/IEC 18004, table 12).
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The row of the version tables that belongs to this level.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }

    /// The single letter the standard uses for the level.
    var letter: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }
}
