/// RFC 4648 base32 (the alphabet `A–Z2–7`), as used for OTP secrets.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// RFC 4648 base32, upper case; `padding` adds '=' up to a multiple of 8 characters.
    public static func encode(_ bytes: some Collection<UInt8>, padding: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt16 = 0
        var bufferedBits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt16(byte)
            bufferedBits += 8
            while bufferedBits >= 5 {
                bufferedBits -= 5
                output.append(alphabet[Int(buffer >> UInt16(bufferedBits) & 0x1F)])
            }
        }
        if bufferedBits > 0 {
            output.append(alphabet[Int(buffer << UInt16(5 - bufferedBits) & 0x1F)])
        }
        if padding {
            while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base32 text: case-insensitive; spaces anywhere and any number of trailing '=' are ignored.
    /// Throws on any other character (naming it and its offset in characters), on a symbol after padding,
    /// and on a symbol count no byte string encodes to (1, 3 or 6 modulo 8). Unused trailing bits are ignored.
    public static func decode(_ text: String) throws(Base32Error) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt16 = 0
        var bufferedBits = 0
        var symbolCount = 0
        var paddingOffset: Int?
        for (offset, character) in text.enumerated() {
            if character == " " { continue }
            if character == "=" {
                paddingOffset = paddingOffset ?? offset
                continue
            }
            guard let value = symbolValue(character) else {
                throw Base32Error(.invalidCharacter(character, offset: offset))
            }
            if let paddingOffset {
                throw Base32Error(.symbolAfterPadding(paddingOffset: paddingOffset, symbolOffset: offset))
            }
            symbolCount += 1
            buffer = buffer << 5 | UInt16(value)
            bufferedBits += 5
            if bufferedBits >= 8 {
                bufferedBits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt16(bufferedBits)))
            }
        }
        guard ![1, 3, 6].contains(symbolCount % 8) else {
            throw Base32Error(.impossibleLength(symbolCount: symbolCount))
        }
        return output
    }

    private static func symbolValue(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return ascii - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return ascii - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): return ascii - UInt8(ascii: "2") + 26
        default: return nil
        }
    }
}

/// Why base32 text could not be decoded. Offsets count characters from 0.
public struct Base32Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A character outside the base32 alphabet, '=' and ' '.
        case invalidCharacter(Character, offset: Int)
        /// A base32 symbol after '=' padding had started.
        case symbolAfterPadding(paddingOffset: Int, symbolOffset: Int)
        /// A number of symbols (1, 3 or 6 modulo 8) that no byte string encodes to.
        case impossibleLength(symbolCount: Int)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .invalidCharacter(let character, let offset):
            return "invalid base32 character \(describe(character)) at offset \(offset)"
        case .symbolAfterPadding(let paddingOffset, let symbolOffset):
            return "base32 symbol at offset \(symbolOffset) after padding that starts at offset \(paddingOffset)"
        case .impossibleLength(let symbolCount):
            return "\(symbolCount) base32 symbols cannot encode whole bytes"
        }
    }

    /// `"x" (U+0078)` for printable ASCII, only the code points otherwise (so control characters are never echoed).
    private func describe(_ character: Character) -> String {
        let codePoints = character.unicodeScalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }.joined(separator: " ")
        guard let ascii = character.asciiValue, (0x21...0x7E).contains(ascii) else { return codePoints }
        return "\"\(character)\" (\(codePoints))"
    }
}
