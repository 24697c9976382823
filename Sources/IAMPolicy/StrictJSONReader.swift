/// A strict RFC 8259 reader: rejects duplicate object keys, nesting deeper than `maximumDepth`, lone surrogates,
/// control characters in strings and anything after the top-level value.
struct StrictJSONReader {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0

    static func parse(_ text: String, maximumDepth: Int) throws(PolicyError) -> JSONValue {
        var reader = StrictJSONReader(bytes: Array(text.utf8), maximumDepth: maximumDepth)
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.bytes.count else { throw .syntax }
        return value
    }

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private mutating func readValue(depth: Int) throws(PolicyError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw .syntax }
        switch byte {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw .syntax
        }
    }

    private mutating func readObject(depth: Int) throws(PolicyError) -> JSONValue {
        guard depth <= maximumDepth else { throw .nestedTooDeeply }
        index += 1
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object([]) }
        var members: [JSONMember] = []
        var keys: Set<String> = []
        repeat {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw .syntax }
            let key = try readString()
            guard keys.insert(key).inserted else { throw .duplicateKey(key) }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw .syntax }
            members.append(JSONMember(key: key, value: try readValue(depth: depth)))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw .syntax }
        return .object(members)
    }

    private mutating func readArray(depth: Int) throws(PolicyError) -> JSONValue {
        guard depth <= maximumDepth else { throw .nestedTooDeeply }
        index += 1
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array([]) }
        var items: [JSONValue] = []
        repeat {
            items.append(try readValue(depth: depth))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw .syntax }
        return .array(items)
    }

    private mutating func readString() throws(PolicyError) -> String {
        index += 1
        var utf8: [UInt8] = []
        while let byte = next() {
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &utf8)
            case 0..<0x20:
                throw .syntax
            default:
                utf8.append(byte)
            }
        }
        throw .syntax
    }

    private mutating func readEscape(into utf8: inout [UInt8]) throws(PolicyError) {
        guard let byte = next() else { throw .syntax }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try readUnicodeEscape()
            UTF8.encode(scalar) { utf8.append($0) }
        default: throw .syntax
        }
    }

    /// Reads the hex digits after `\u`, joining a surrogate pair written as two escapes.
    private mutating func readUnicodeEscape() throws(PolicyError) -> Unicode.Scalar {
        let first = try readHexQuad()
        switch first {
        case 0xD800...0xDBFF:
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else { throw .syntax }
            let second = try readHexQuad()
            guard (0xDC00...0xDFFF).contains(second) else { throw .syntax }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw .syntax }
            return scalar
        case 0xDC00...0xDFFF:
            throw .syntax
        default:
            guard let scalar = Unicode.Scalar(first) else { throw .syntax }
            return scalar
        }
    }

    private mutating func readHexQuad() throws(PolicyError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next(), let digit = Self.hexValue(byte) else { throw .syntax }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func readNumber() throws(PolicyError) -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if !consume(UInt8(ascii: "0")) {
            guard readDigits() > 0 else { throw .syntax }
        }
        if consume(UInt8(ascii: ".")) {
            guard readDigits() > 0 else { throw .syntax }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard readDigits() > 0 else { throw .syntax }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func readDigits() -> Int {
        let start = index
        while let byte = peek(), byte.isASCIIDigit { index += 1 }
        return index - start
    }

    private mutating func expectLiteral(_ literal: String) throws(PolicyError) {
        for byte in literal.utf8 {
            guard consume(byte) else { throw .syntax }
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\t")
        {
            index += 1
        }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func next() -> UInt8? {
        guard let byte = peek() else { return nil }
        index += 1
        return byte
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }
}
