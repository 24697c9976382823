/// The `application/x-www-form-urlencoded` parameters of a Query request (POST body or GET query string).
///
/// Parsing is strict: `+` is a space, `%XX` escapes decode to bytes that must form UTF-8, names are unique and
/// non-empty, and the input size, parameter count and name length are bounded. Every failure is a
/// `MalformedQueryString` error that says what and where.
public struct QueryParameters: Sendable {
    /// The most parameters one request may carry.
    public static let maxParameterCount = 1000
    /// The longest parameter name accepted, in bytes.
    public static let maxNameLength = 256

    /// Parameter names in the order they first appeared.
    public private(set) var names: [String]
    private var values: [String: String]

    /// Parses form-encoded bytes (without a leading `?`); empty segments (`a=1&&b=2`, trailing `&`) are skipped and
    /// a segment without `=` is a parameter with an empty value. Inputs over `maxBytes` are rejected unread.
    public init(formEncoded bytes: some Collection<UInt8>, maxBytes: Int = 1 << 20) throws(AWSError) {
        let size = bytes.count
        guard size <= maxBytes else {
            throw .malformedQueryString(
                "The query string is \(size) bytes long, more than the limit of \(maxBytes) bytes")
        }
        let parsed =
            bytes.withContiguousStorageIfAvailable { buffer in Result { () throws(AWSError) in try Self.parse(buffer) }
            }
            ?? Array(bytes).withUnsafeBufferPointer { buffer in Result { () throws(AWSError) in try Self.parse(buffer) }
            }
        self = try parsed.get()
    }

    /// Parameters from already-decoded pairs (a later duplicate replaces the earlier value).
    public init(pairs: [(String, String)]) {
        names = []
        values = [:]
        for (name, value) in pairs {
            if values.updateValue(value, forKey: name) == nil { names.append(name) }
        }
    }

    private init(names: [String], values: [String: String]) {
        self.names = names
        self.values = values
    }

    /// The decoded value of parameter `name` (names are case-sensitive), or nil if absent.
    public subscript(name: String) -> String? { values[name] }

    /// The number of parameters.
    public var count: Int { names.count }

    /// The string list `Prefix.member.1`, `Prefix.member.2`, … in index order (empty if there is none).
    /// Indices must be positive decimal integers without leading zeros and must run from 1 without gaps.
    public func memberList(_ prefix: String) throws(AWSError) -> [String] {
        let marker = prefix + ".member."
        var byIndex: [Int: String] = [:]
        for name in names where name.utf8.starts(with: marker.utf8) {
            let suffix = Substring(name.utf8.dropFirst(marker.utf8.count))
            guard let index = Self.listIndex(suffix) else {
                throw .validation("Invalid list index '\(suffix)' in parameter '\(name)': expected a positive integer")
            }
            byIndex[index] = values[name]
        }
        return try Self.ordered(byIndex, list: marker)
    }

    /// The structure list `Prefix.member.N.Field` (e.g. `Tags.member.1.Key`, `Tags.member.1.Value`) as one
    /// `[Field: value]` dictionary per index, in index order, with the same index rules as `memberList`.
    public func memberStructs(_ prefix: String) throws(AWSError) -> [[String: String]] {
        let marker = prefix + ".member."
        var byIndex: [Int: [String: String]] = [:]
        for name in names where name.utf8.starts(with: marker.utf8) {
            let suffix = Substring(name.utf8.dropFirst(marker.utf8.count))
            guard let dot = suffix.utf8.firstIndex(of: UInt8(ascii: ".")) else {
                throw .validation("Parameter '\(name)' needs a field name after the index, as in '\(marker)1.Key'")
            }
            let indexText = suffix[..<dot]
            let field = String(suffix[suffix.utf8.index(after: dot)...])
            guard let index = Self.listIndex(indexText) else {
                throw .validation(
                    "Invalid list index '\(indexText)' in parameter '\(name)': expected a positive integer")
            }
            guard !field.isEmpty else {
                throw .validation("Parameter '\(name)' needs a field name after the index, as in '\(marker)1.Key'")
            }
            byIndex[index, default: [:]][field] = values[name]
        }
        return try Self.ordered(byIndex, list: marker)
    }

    // MARK: - Parsing

    private static func parse(_ input: UnsafeBufferPointer<UInt8>) throws(AWSError) -> QueryParameters {
        var names: [String] = []
        var values: [String: String] = [:]
        var segmentStart = 0
        var scratch: [UInt8] = []
        while segmentStart <= input.count {
            let segmentEnd = input[segmentStart...].firstIndex(of: UInt8(ascii: "&")) ?? input.count
            defer { segmentStart = segmentEnd + 1 }
            guard segmentEnd > segmentStart else { continue }
            let equals = input[segmentStart..<segmentEnd].firstIndex(of: UInt8(ascii: "=")) ?? segmentEnd
            guard equals > segmentStart else {
                throw .malformedQueryString("Empty parameter name at byte offset \(segmentStart)")
            }
            let name = try decode(
                input[segmentStart..<equals], scratch: &scratch,
                context: "a parameter name at byte offset \(segmentStart)")
            guard name.utf8.count <= maxNameLength else {
                throw .malformedQueryString(
                    "Parameter name '\(name.prefix(32))…' at byte offset \(segmentStart) is longer than \(maxNameLength) bytes"
                )
            }
            let valueBytes = equals < segmentEnd ? input[(equals + 1)..<segmentEnd] : input[segmentEnd..<segmentEnd]
            let value = try decode(valueBytes, scratch: &scratch, context: "the value of parameter '\(name)'")
            guard values.updateValue(value, forKey: name) == nil else {
                throw .malformedQueryString("Duplicate parameter '\(name)'")
            }
            names.append(name)
            guard names.count <= maxParameterCount else {
                throw .malformedQueryString("The request has more than \(maxParameterCount) parameters")
            }
        }
        return QueryParameters(names: names, values: values)
    }

    /// Form-decodes one name or value: `+` → space, `%XX` → byte, and the result must be UTF-8. `context` names the
    /// part in error messages.
    private static func decode(
        _ encoded: Slice<UnsafeBufferPointer<UInt8>>, scratch: inout [UInt8], context: @autoclosure () -> String
    ) throws(AWSError) -> String {
        let needsDecoding = encoded.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }
        if !needsDecoding {
            guard let string = String(validating: encoded, as: UTF8.self) else {
                throw .malformedQueryString("Invalid UTF-8 in \(context())")
            }
            return string
        }
        scratch.removeAll(keepingCapacity: true)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            switch byte {
            case UInt8(ascii: "+"):
                scratch.append(0x20)
                index += 1
            case UInt8(ascii: "%"):
                guard encoded.endIndex - index >= 3 else {
                    throw .malformedQueryString("Incomplete trailing escape % sequence in \(context())")
                }
                guard let high = Hex.value(encoded[index + 1]), let low = Hex.value(encoded[index + 2]) else {
                    let escape = String(decoding: encoded[index..<(index + 3)], as: UTF8.self)
                    throw .malformedQueryString("Illegal hex character in escape % pattern: \(escape) in \(context())")
                }
                scratch.append(high << 4 | low)
                index += 3
            default:
                scratch.append(byte)
                index += 1
            }
        }
        guard let string = String(validating: scratch, as: UTF8.self) else {
            throw .malformedQueryString("Invalid UTF-8 in \(context()) after percent-decoding")
        }
        return string
    }

    // MARK: - Lists

    /// A 1-based list index: 1–9 decimal digits, no leading zero.
    private static func listIndex(_ text: Substring) -> Int? {
        let utf8 = text.utf8
        guard (1...9).contains(utf8.count), utf8.first != UInt8(ascii: "0"),
            utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }

    private static func ordered<Element>(_ byIndex: [Int: Element], list: String) throws(AWSError) -> [Element] {
        guard !byIndex.isEmpty else { return [] }
        var result: [Element] = []
        result.reserveCapacity(byIndex.count)
        for index in 1...byIndex.count {
            guard let element = byIndex[index] else {
                let found = byIndex.keys.sorted().prefix(10).map(String.init).joined(separator: ", ")
                throw .validation(
                    "List '\(list)N' must be numbered 1, 2, 3, … without gaps, but index \(index) is missing (found \(found))"
                )
            }
            result.append(element)
        }
        return result
    }
}
