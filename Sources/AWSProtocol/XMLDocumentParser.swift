/// The recursive-descent parser behind `XMLReader` (one instance per document).
struct XMLDocumentParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Document

    mutating func parseDocument() throws(XMLReadError) -> XMLElement {
        try validateCharacters()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        if startsWith("<?xml"), position + 5 < bytes.count, isWhitespace(bytes[position + 5]) {
            try parseDeclaration()
        }
        try skipMisc()
        guard position < bytes.count else { throw error("the document has no root element") }
        guard bytes[position] == UInt8(ascii: "<") else { throw error("text is not allowed before the root element") }
        let root = try parseElement(depth: 1)
        try skipMisc()
        guard position == bytes.count else { throw error("only comments and whitespace may follow the root element") }
        return root
    }

    /// Whitespace, comments and processing instructions outside the root element; rejects DTDs.
    mutating func skipMisc() throws(XMLReadError) {
        while position < bytes.count {
            if isWhitespace(bytes[position]) {
                position += 1
            } else if startsWith("<!--") {
                try skipComment()
            } else if startsWith("<!DOCTYPE") {
                throw error("DTDs (<!DOCTYPE …>) are not allowed")
            } else if startsWith("<?") {
                try skipProcessingInstruction()
            } else if startsWith("<!") {
                throw error("unexpected markup declaration")
            } else {
                return
            }
        }
    }

    mutating func parseDeclaration() throws(XMLReadError) {
        let start = position
        position += 5
        guard let end = find("?>") else { throw error("unterminated XML declaration", at: start) }
        var sawVersion = false
        while true {
            skipWhitespace()
            if position >= end { break }
            let name = try parseName()
            skipWhitespace()
            try expect("=")
            skipWhitespace()
            let valueStart = position + 1
            guard position < end, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'"),
                let close = bytes[valueStart..<end].firstIndex(of: bytes[position])
            else { throw error("expected a quoted value in the XML declaration") }
            let value = String(decoding: bytes[valueStart..<close], as: UTF8.self)
            position = close + 1
            switch name {
            case "version" where !sawVersion:
                guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy(\.isASCII),
                    value.dropFirst(2).allSatisfy(\.isNumber)
                else { throw error("unsupported XML version '\(value)'", at: valueStart) }
                sawVersion = true
            case "encoding" where sawVersion:
                guard value.lowercased() == "utf-8" else {
                    throw error("unsupported encoding '\(value)' (only UTF-8 is read)", at: valueStart)
                }
            case "standalone" where sawVersion:
                guard value == "yes" || value == "no" else {
                    throw error("invalid standalone value '\(value)'", at: valueStart)
                }
            default:
                throw error("unexpected '\(name)' in the XML declaration")
            }
        }
        guard sawVersion else { throw error("the XML declaration lacks a version", at: start) }
        position = end + 2
    }

    // MARK: Elements

    mutating func parseElement(depth: Int) throws(XMLReadError) -> XMLElement {
        let start = position
        position += 1
        let name = try parseName()
        var attributes: [XMLAttribute] = []
        while true {
            let hadWhitespace = skipWhitespace()
            guard position < bytes.count else { throw error("unterminated start tag <\(name)>", at: start) }
            if startsWith("/>") {
                position += 2
                return XMLElement(name, attributes: attributes, children: [])
            }
            if bytes[position] == UInt8(ascii: ">") {
                position += 1
                break
            }
            guard hadWhitespace else { throw error("expected whitespace, '>' or '/>' in the start tag <\(name)>") }
            let attributeStart = position
            let attributeName = try parseName()
            skipWhitespace()
            try expect("=")
            skipWhitespace()
            let value = try parseAttributeValue()
            guard !attributes.contains(where: { $0.name == attributeName }) else {
                throw error("duplicate attribute '\(attributeName)' in <\(name)>", at: attributeStart)
            }
            attributes.append(XMLAttribute(attributeName, value))
        }
        var children: [XMLElement] = []
        var text: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw error("unexpected end of input inside <\(name)> (opened at byte \(start))")
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                if startsWith("</") {
                    let closeStart = position
                    position += 2
                    let closeName = try parseName()
                    skipWhitespace()
                    try expect(">")
                    guard closeName == name else {
                        throw error(
                            "mismatched closing tag </\(closeName)>: expected </\(name)> (opened at byte \(start))",
                            at: closeStart)
                    }
                    break
                } else if startsWith("<!--") {
                    try skipComment()
                } else if startsWith("<![CDATA[") {
                    let cdataStart = position
                    position += 9
                    guard let end = find("]]>") else { throw error("unterminated CDATA section", at: cdataStart) }
                    appendNormalizingNewlines(bytes[position..<end], to: &text)
                    position = end + 3
                } else if startsWith("<?") {
                    try skipProcessingInstruction()
                } else if startsWith("<!") {
                    throw error("unexpected markup declaration inside <\(name)>")
                } else {
                    guard depth < XMLReader.maxDepth else {
                        throw error("elements are nested deeper than \(XMLReader.maxDepth) levels")
                    }
                    children.append(try parseElement(depth: depth + 1))
                }
            } else if byte == UInt8(ascii: "&") {
                try appendReference(to: &text)
            } else {
                if startsWith("]]>") { throw error("']]>' is not allowed in character data") }
                let runEnd =
                    bytes[position...].firstIndex { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") } ?? bytes.count
                let run = bytes[position..<runEnd]
                if let close = find("]]>", in: run) { throw error("']]>' is not allowed in character data", at: close) }
                appendNormalizingNewlines(run, to: &text)
                position = runEnd
            }
        }
        var element = XMLElement(name, attributes: attributes, children: children)
        if !text.isEmpty, children.isEmpty || !text.allSatisfy(isWhitespace) {
            element.text = String(decoding: text, as: UTF8.self)
        }
        return element
    }

    mutating func parseAttributeValue() throws(XMLReadError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'")
        else {
            throw error("expected a quoted attribute value")
        }
        let start = position
        let quote = bytes[position]
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("unterminated attribute value", at: start) }
            let byte = bytes[position]
            switch byte {
            case quote:
                position += 1
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "<"):
                throw error("'<' is not allowed in an attribute value")
            case UInt8(ascii: "&"):
                try appendReference(to: &value)
            case 0x0D:
                value.append(0x20)
                position += position + 1 < bytes.count && bytes[position + 1] == 0x0A ? 2 : 1
            case 0x09, 0x0A:
                value.append(0x20)
                position += 1
            default:
                value.append(byte)
                position += 1
            }
        }
    }

    /// `&amp; &lt; &gt; &quot; &apos;` and `&#N;` / `&#xH;` references; anything else would need a DTD.
    mutating func appendReference(to output: inout [UInt8]) throws(XMLReadError) {
        let start = position
        guard let semicolon = bytes[position..<min(bytes.count, position + 12)].firstIndex(of: UInt8(ascii: ";")) else {
            throw error("unterminated or overlong entity reference")
        }
        let body = bytes[(position + 1)..<semicolon]
        position = semicolon + 1
        switch String(decoding: body, as: UTF8.self) {
        case "amp": output.append(UInt8(ascii: "&"))
        case "lt": output.append(UInt8(ascii: "<"))
        case "gt": output.append(UInt8(ascii: ">"))
        case "quot": output.append(UInt8(ascii: "\""))
        case "apos": output.append(UInt8(ascii: "'"))
        case let reference where reference.hasPrefix("#"):
            let isHex = reference.hasPrefix("#x")
            let digits = reference.dropFirst(isHex ? 2 : 1)
            guard !digits.isEmpty, digits.allSatisfy({ isHex ? $0.isHexDigit : ($0.isASCII && $0.isNumber) }),
                let value = UInt32(digits, radix: isHex ? 16 : 10), let scalar = Unicode.Scalar(value),
                isXMLCharacter(value)
            else { throw error("'&\(reference);' is not a valid character reference", at: start) }
            UTF8.encode(scalar) { output.append($0) }
        case let name:
            throw error("undefined entity '&\(name);' (only the five predefined entities are allowed)", at: start)
        }
    }

    mutating func skipComment() throws(XMLReadError) {
        let start = position
        position += 4
        guard let end = find("--") else { throw error("unterminated comment", at: start) }
        guard end + 2 < bytes.count, bytes[end + 2] == UInt8(ascii: ">") else {
            throw error("'--' is not allowed inside a comment", at: end)
        }
        position = end + 3
    }

    mutating func skipProcessingInstruction() throws(XMLReadError) {
        let start = position
        position += 2
        let target = try parseName()
        guard target.lowercased() != "xml" else {
            throw error("the XML declaration is only allowed at the very start", at: start)
        }
        guard let end = find("?>") else { throw error("unterminated processing instruction", at: start) }
        position = end + 2
    }

    // MARK: Lexical helpers

    mutating func parseName() throws(XMLReadError) -> String {
        let start = position
        guard position < bytes.count, isNameStart(bytes[position]) else { throw error("expected a name") }
        position += 1
        while position < bytes.count, isNameStart(bytes[position]) || isNameContinuation(bytes[position]) {
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func expect(_ character: Unicode.Scalar) throws(XMLReadError) {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else {
            throw error("expected '\(character)'")
        }
        position += 1
    }

    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
        return position > start
    }

    func startsWith(_ literal: String) -> Bool {
        bytes[position...].starts(with: literal.utf8)
    }

    /// The offset of the next occurrence of `literal` at or after the current position.
    func find(_ literal: String) -> Int? { find(literal, in: bytes[position...]) }

    func find(_ literal: String, in range: ArraySlice<UInt8>) -> Int? {
        let pattern = Array(literal.utf8)
        var index = range.startIndex
        while let candidate = range[index...].firstIndex(of: pattern[0]) {
            if range[candidate...].starts(with: pattern) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    /// Appends character data with XML's line-end normalization (CR LF and lone CR become LF).
    func appendNormalizingNewlines(_ run: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard run.contains(0x0D) else {
            output.append(contentsOf: run)
            return
        }
        var previousWasCR = false
        for byte in run {
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0D
            output.append(byte == 0x0D ? 0x0A : byte)
        }
    }

    func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    func isNameStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"), 0x80...0xFF:
            true
        default: false
        }
    }

    func isNameContinuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// The whole input must be UTF-8 made of XML 1.0 characters.
    func validateCharacters() throws(XMLReadError) {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                guard isXMLCharacter(UInt32(lead)) else {
                    throw error(
                        "control character 0x\(String(lead, radix: 16, uppercase: true)) is not allowed in XML",
                        at: index)
                }
                index += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            var value: UInt32
            switch lead {
            case 0xC2...0xDF: (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0F))
            case 0xF0...0xF4: (length, minimum, value) = (4, 0x10000, UInt32(lead & 0x07))
            default: throw error("invalid UTF-8 byte 0x\(String(lead, radix: 16, uppercase: true))", at: index)
            }
            guard index + length <= bytes.count else { throw error("truncated UTF-8 sequence", at: index) }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { throw error("invalid UTF-8 sequence", at: index) }
                value = value << 6 | UInt32(continuation & 0x3F)
            }
            guard value >= minimum, isXMLCharacter(value) else {
                throw error(
                    value < minimum || (0xD800...0xDFFF).contains(value) || value > 0x10FFFF
                        ? "invalid UTF-8 sequence"
                        : "character U+\(String(value, radix: 16, uppercase: true)) is not allowed in XML",
                    at: index)
            }
            index += length
        }
    }

    func error(_ reason: String, at offset: Int? = nil) -> XMLReadError {
        XMLReadError(offset: offset ?? position, reason: reason)
    }
}
