/// One XML attribute.
public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An XML element tree, for writing Query-protocol responses and reading them back (no mixed content: an element
/// has child elements or text).
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [XMLAttribute]
    public var children: [XMLElement]
    /// The character data of a leaf element; nil when it has none (`<Name/>` or `<Name></Name>`).
    public var text: String?

    /// A leaf element, e.g. `XMLElement("UserName", "alice")`.
    public init(_ name: String, _ text: String? = nil, attributes: [XMLAttribute] = []) {
        self.name = name
        self.attributes = attributes
        self.children = []
        self.text = text
    }

    /// An element with child elements.
    public init(_ name: String, attributes: [XMLAttribute] = [], children: [XMLElement]) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = nil
    }

    /// A Query-protocol list: `<Name><member>…</member>…</Name>`, one `member` per entry (`<Name/>` when empty).
    public static func list(_ name: String, members: [[XMLElement]]) -> XMLElement {
        XMLElement(name, children: members.map { XMLElement("member", children: $0) })
    }

    /// The first child element named `name`.
    public func first(named name: String) -> XMLElement? { children.first { $0.name == name } }

    /// All child elements named `name`, in order.
    public func all(named name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element reached by following child names, e.g. `find("GetSessionTokenResult", "Credentials")`.
    public func find(_ path: String...) -> XMLElement? {
        var element = self
        for name in path {
            guard let child = element.first(named: name) else { return nil }
            element = child
        }
        return element
    }

    /// The value of attribute `name`.
    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// The element as compact UTF-8 XML (no declaration, no whitespace between elements).
    public var xmlBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(to: &output)
        return output
    }

    /// Appends the element as compact XML. Text and attribute values escape `& < > " '`; characters XML 1.0 cannot
    /// carry (control characters other than tab, newline and carriage return, U+FFFE, U+FFFF) become U+FFFD.
    public func write(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: name.utf8)
        for attribute in attributes {
            output.append(0x20)
            output.append(contentsOf: attribute.name.utf8)
            output.append(contentsOf: #"=""#.utf8)
            XMLEscaping.append(attribute.value, inAttribute: true, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        if children.isEmpty && text == nil {
            output.append(contentsOf: "/>".utf8)
            return
        }
        output.append(UInt8(ascii: ">"))
        if let text { XMLEscaping.append(text, inAttribute: false, to: &output) }
        for child in children { child.write(to: &output) }
        output.append(contentsOf: "</".utf8)
        output.append(contentsOf: name.utf8)
        output.append(UInt8(ascii: ">"))
    }
}

/// XML character escaping for the writer.
enum XMLEscaping {
    static func append(_ string: String, inAttribute: Bool, to output: inout [UInt8]) {
        let utf8 = string.utf8
        if !utf8.contains(where: needsAttention) {
            output.append(contentsOf: utf8)
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x26: output.append(contentsOf: "&amp;".utf8)
            case 0x3C: output.append(contentsOf: "&lt;".utf8)
            case 0x3E: output.append(contentsOf: "&gt;".utf8)
            case 0x22: output.append(contentsOf: "&quot;".utf8)
            case 0x27: output.append(contentsOf: "&apos;".utf8)
            case 0x0D: output.append(contentsOf: "&#xD;".utf8)
            case 0x09 where inAttribute: output.append(contentsOf: "&#x9;".utf8)
            case 0x0A where inAttribute: output.append(contentsOf: "&#xA;".utf8)
            case 0x09, 0x0A: output.append(UInt8(scalar.value))
            case 0x00..<0x20, 0xFFFE, 0xFFFF: output.append(contentsOf: "\u{FFFD}".utf8)
            default: UTF8.encode(scalar) { output.append($0) }
            }
        }
    }

    /// Bytes that may need escaping or replacing (0xEF starts U+FFFE/U+FFFF).
    private static func needsAttention(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, 0x22, 0x26, 0x27, 0x3C, 0x3E, 0xEF: true
        default: false
        }
    }
}
