/// A CBOR data item (RFC 8949) of the kinds WebAuthn uses: integers, byte and text strings, arrays, maps, booleans and
/// null. Maps keep their encoded order.
public indirect enum CBOR: Hashable, Sendable {
    case unsigned(UInt64)
    /// The negative integer `-1 - n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([Pair])
    case bool(Bool)
    case null

    /// One map entry.
    public struct Pair: Hashable, Sendable {
        public var key: CBOR
        public var value: CBOR

        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// The integer, when it fits in an `Int`.
    public var integer: Int? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): value <= UInt64(Int.max) ? -1 - Int(value) : nil
        default: nil
        }
    }

    public var byteString: [UInt8]? {
        if case .bytes(let value) = self { value } else { nil }
    }

    public var textString: String? {
        if case .text(let value) = self { value } else { nil }
    }

    public var arrayItems: [CBOR]? {
        if case .array(let value) = self { value } else { nil }
    }

    public var mapEntries: [Pair]? {
        if case .map(let value) = self { value } else { nil }
    }

    /// The value stored under `key`, when this is a map holding it.
    public subscript(key: CBOR) -> CBOR? {
        mapEntries?.first { $0.key == key }?.value
    }

    /// The value stored under the integer `key` (COSE labels).
    public subscript(label: Int) -> CBOR? {
        self[label >= 0 ? .unsigned(UInt64(label)) : .negative(UInt64(-1 - label))]
    }

    /// The value stored under the text `key`.
    public subscript(name: String) -> CBOR? {
        self[.text(name)]
    }
}

/// Why CBOR input was refused, and at which byte offset.
public struct CBORError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int

    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict decoder: definite lengths only, no tags or floating point, no duplicate map keys, nesting at most
/// `maximumDepth` deep, and every length checked against the remaining input before anything is allocated.
public enum CBORDecoder {
    public static let maximumDepth = 16

    /// Decodes exactly one item filling all of `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(CBORError) -> CBOR {
        var reader = Reader(bytes: bytes[...])
        let item = try reader.item(depth: 0)
        guard reader.position == bytes.endIndex else {
            throw CBORError(reason: "trailing bytes after the CBOR item", offset: reader.position)
        }
        return item
    }

    /// Decodes the item at the start of `bytes` and returns it with the number of bytes it used.
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>) throws(CBORError) -> (item: CBOR, length: Int) {
        var reader = Reader(bytes: bytes)
        let item = try reader.item(depth: 0)
        return (item, reader.position - bytes.startIndex)
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            self.position = bytes.startIndex
        }

        var remaining: Int { bytes.endIndex - position }

        func error(_ reason: String, at offset: Int? = nil) -> CBORError {
            CBORError(reason: reason, offset: (offset ?? position) - bytes.startIndex)
        }

        mutating func byte() throws(CBORError) -> UInt8 {
            guard position < bytes.endIndex else { throw error("unexpected end of CBOR input") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func take(_ count: UInt64) throws(CBORError) -> ArraySlice<UInt8> {
            guard count <= UInt64(remaining) else {
                throw error("CBOR length \(count) exceeds the \(remaining) remaining bytes")
            }
            let start = position
            position += Int(count)
            return bytes[start..<position]
        }

        /// Reads the argument that follows an initial byte's additional information.
        mutating func argument(_ info: UInt8, start: Int) throws(CBORError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                var value: UInt64 = 0
                for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try byte()) }
                return value
            case 31: throw error("indefinite-length CBOR items are not supported", at: start)
            default: throw error("reserved CBOR additional information \(info)", at: start)
            }
        }

        mutating func item(depth: Int) throws(CBORError) -> CBOR {
            let start = position
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            if major == 7 { return try simple(info, start: start) }
            let argument = try argument(info, start: start)
            switch major {
            case 0: return .unsigned(argument)
            case 1: return .negative(argument)
            case 2: return .bytes(Array(try take(argument)))
            case 3:
                let utf8 = try take(argument)
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw error("CBOR text string is not valid UTF-8", at: start)
                }
                return .text(text)
            case 4:
                guard depth < maximumDepth else { throw error("CBOR nested deeper than \(maximumDepth)", at: start) }
                guard argument <= UInt64(remaining) else {
                    throw error("CBOR array of \(argument) items exceeds the \(remaining) remaining bytes", at: start)
                }
                var items = [CBOR]()
                items.reserveCapacity(Int(argument))
                for _ in 0..<argument { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard depth < maximumDepth else { throw error("CBOR nested deeper than \(maximumDepth)", at: start) }
                guard argument <= UInt64(remaining / 2) else {
                    throw error("CBOR map of \(argument) entries exceeds the \(remaining) remaining bytes", at: start)
                }
                var entries = [CBOR.Pair]()
                entries.reserveCapacity(Int(argument))
                var keys = Set<CBOR>()
                for _ in 0..<argument {
                    let keyStart = position
                    let key = try item(depth: depth + 1)
                    guard keys.insert(key).inserted else { throw error("duplicate CBOR map key", at: keyStart) }
                    entries.append(CBOR.Pair(key, try item(depth: depth + 1)))
                }
                return .map(entries)
            default:
                throw error("CBOR tags are not supported", at: start)
            }
        }

        func simple(_ info: UInt8, start: Int) throws(CBORError) -> CBOR {
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 25, 26, 27: throw error("CBOR floating-point values are not supported", at: start)
            case 31: throw error("unexpected CBOR break", at: start)
            default: throw error("unsupported CBOR simple value \(info)", at: start)
            }
        }
    }
}
