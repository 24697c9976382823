/// Why and where `XMLReader` rejected its input.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input.
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "Invalid XML at byte \(offset): \(reason)" }
}

/// A small, strict XML reader for Query-protocol responses (client side).
///
/// Accepts UTF-8 documents with an optional `<?xml?>` declaration, elements, attributes, character data, the five
/// predefined entities, character references, CDATA sections, comments and processing instructions. Rejects DTDs
/// (and so any other entity), malformed or truncated markup, mismatched tags, invalid UTF-8 or XML characters,
/// nesting deeper than `maxDepth` and inputs over `maxBytes`. Whitespace-only text between child elements is
/// dropped (AWS pretty-prints); leaf text is kept exactly.
public enum XMLReader {
    public static let maxDepth = 64

    public static func parse(
        _ bytes: some Collection<UInt8>, maxBytes: Int = 1 << 20
    ) throws(XMLReadError) -> XMLElement {
        let size = bytes.count
        guard size <= maxBytes else {
            throw XMLReadError(
                offset: 0, reason: "the document is \(size) bytes long, more than the limit of \(maxBytes)")
        }
        var parser = XMLDocumentParser(bytes: Array(bytes))
        return try parser.parseDocument()
    }
}
