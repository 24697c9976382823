/// Thrown when the input does not fit even the largest QR code (version 40) at the chosen level.
public struct QRCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the input would have been encoded.
    public enum Mode: Sendable, Equatable {
        case numeric, alphanumeric, byte
    }

    /// The mode the input needed; `length` and `capacity` count digits, characters or bytes accordingly.
    public let mode: Mode
    /// The length of the input in the unit of `mode`.
    public let length: Int
    /// The most that fits a version-40 symbol in `mode` at `errorCorrection`.
    public let capacity: Int
    /// The level that was asked for.
    public let errorCorrection: QRErrorCorrection

    public var description: String {
        let unit =
            switch mode {
            case .numeric: "digits"
            case .alphanumeric: "alphanumeric characters"
            case .byte: "bytes"
            }
        return "data too long for a QR code: \(length) \(unit) exceed the \(capacity) \(unit) that fit "
            + "version 40 at error-correction level \(errorCorrection.letter)"
    }
}
