/// The whole input encoded in one mode, without mode indicator and character count.
struct Segment {
    let mode: QRCodeError.Mode
    /// Digits, characters or bytes, per `mode`.
    let length: Int
    let payload: BitBuffer

    private static let alphanumericCharacters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The value (0...44) of an alphanumeric-mode character, or nil.
    private static let alphanumericValues: [Int?] = {
        var table = [Int?](repeating: nil, count: 256)
        for (value, character) in alphanumericCharacters.enumerated() { table[Int(character)] = value }
        return table
    }()

    /// Chooses the most compact single mode that holds all of `text`: numeric, alphanumeric, else UTF-8 bytes.
    init(text: String) {
        let utf8 = Array(text.utf8)
        if utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            self.init(digits: utf8)
        } else if let values = Self.alphanumericValues(utf8) {
            self.init(alphanumericValues: values)
        } else {
            self.init(bytes: utf8)
        }
    }

    init(bytes: [UInt8]) {
        var payload = BitBuffer()
        for byte in bytes { payload.append(Int(byte), width: 8) }
        self.init(mode: .byte, length: bytes.count, payload: payload)
    }

    private init(mode: QRCodeError.Mode, length: Int, payload: BitBuffer) {
        self.mode = mode
        self.length = length
        self.payload = payload
    }

    /// Groups of three digits in 10 bits; a trailing pair in 7, a single digit in 4.
    private init(digits: [UInt8]) {
        var payload = BitBuffer()
        var start = 0
        while start < digits.count {
            let group = digits[start..<min(start + 3, digits.count)]
            let value = group.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            payload.append(value, width: group.count * 3 + 1)
            start += 3
        }
        self.init(mode: .numeric, length: digits.count, payload: payload)
    }

    /// Pairs of characters in 11 bits (45·first + second); a trailing character in 6.
    private init(alphanumericValues values: [Int]) {
        var payload = BitBuffer()
        var start = 0
        while start + 1 < values.count {
            payload.append(values[start] * 45 + values[start + 1], width: 11)
            start += 2
        }
        if start < values.count { payload.append(values[start], width: 6) }
        self.init(mode: .alphanumeric, length: values.count, payload: payload)
    }

    private static func alphanumericValues(_ utf8: [UInt8]) -> [Int]? {
        var values: [Int] = []
        values.reserveCapacity(utf8.count)
        for byte in utf8 {
            guard let value = alphanumericValues[Int(byte)] else { return nil }
            values.append(value)
        }
        return values
    }

    /// The four-bit mode indicator.
    var modeIndicator: Int {
        switch mode {
        case .numeric: 0b0001
        case .alphanumeric: 0b0010
        case .byte: 0b0100
        }
    }

    /// Width of the character-count field, which grows at versions 10 and 27.
    func characterCountWidth(version: Int) -> Int {
        let widths =
            switch mode {
            case .numeric: (10, 12, 14)
            case .alphanumeric: (9, 11, 13)
            case .byte: (8, 16, 16)
            }
        return version <= 9 ? widths.0 : version <= 26 ? widths.1 : widths.2
    }

    /// Bits needed at `version`, or nil when the length overflows the character-count field.
    func encodedBitCount(version: Int) -> Int? {
        let countWidth = characterCountWidth(version: version)
        guard length < 1 << countWidth else { return nil }
        return 4 + countWidth + payload.count
    }

    /// The longest input of this mode that fits `dataBits` at `version`.
    func capacity(dataBits: Int, version: Int) -> Int {
        let available = dataBits - 4 - characterCountWidth(version: version)
        switch mode {
        case .numeric:
            let tail = available % 10
            return available / 10 * 3 + (tail >= 7 ? 2 : tail >= 4 ? 1 : 0)
        case .alphanumeric:
            return available / 11 * 2 + (available % 11 >= 6 ? 1 : 0)
        case .byte:
            return available / 8
        }
    }
}
