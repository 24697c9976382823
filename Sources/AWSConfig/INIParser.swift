/// One physical line: its text and the line break that ended it (empty for a last line without one).
struct INILine: Sendable, Equatable {
    var content: String
    var ending: String
}

/// A `key = value` entry with its continuation lines, valued as configparser values it.
struct INIOption: Sendable, Equatable {
    /// Lower-cased, as configparser stores keys.
    var key: String
    /// The stripped value with its continuation lines joined by `\n` (what botocore reads without sub-sections).
    var value: String
    /// The sub-section when the value is an empty first line followed by indented `name = value` lines.
    var nested: [String: String]?
    /// The key's line through its last continuation line (0-based line indexes).
    var lines: ClosedRange<Int>
}

/// A `[name]` header and the entries under it.
struct INISection: Sendable, Equatable {
    var name: String
    var headerLine: Int
    var options: [INIOption]
    /// Option position by lower-cased key (exact code points, as Python compares).
    var optionIndex: [[UInt8]: Int]

    func option(_ key: String) -> INIOption? {
        optionIndex[Array(key.lowercased().utf8)].map { options[$0] }
    }
}

/// Reads INI text the way botocore does (Python's `configparser.RawConfigParser` with its defaults, then
/// botocore's one level of indented sub-sections), rejecting what botocore rejects plus a few things it would
/// silently misread (NUL bytes, lines that start with `[` but are not section headers).
enum INIParser {
    /// Configuration files larger than this are rejected.
    static let maxBytes = 1 << 20
    /// configparser's section whose entries every other section inherits.
    static let defaultSection = "DEFAULT"

    /// Splits bytes into lines at `\n`, `\r\n` and `\r` (Python's universal newlines), checking size and encoding.
    static func lines(_ input: some Collection<UInt8>, fileName: String) throws(INIError) -> [INILine] {
        let count = input.count
        guard count <= maxBytes else {
            throw INIError(fileName: fileName, line: nil, message: "file is \(count) bytes, over the 1 MiB limit")
        }
        let bytes = Array(input)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw INIError(
                fileName: fileName, line: 1,
                message: "file starts with a UTF-8 byte order mark, which the AWS CLI rejects")
        }
        var lines: [INILine] = []
        var start = 0
        var index = 0
        func appendLine(upTo end: Int, ending: String) throws(INIError) {
            let lineNumber = lines.count + 1
            guard let content = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw INIError(fileName: fileName, line: lineNumber, message: "invalid UTF-8")
            }
            lines.append(INILine(content: content, ending: ending))
        }
        while index < bytes.count {
            switch bytes[index] {
            case 0:
                throw INIError(fileName: fileName, line: lines.count + 1, message: "NUL byte")
            case UInt8(ascii: "\n"):
                try appendLine(upTo: index, ending: "\n")
                index += 1
                start = index
            case UInt8(ascii: "\r"):
                let crlf = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n")
                try appendLine(upTo: index, ending: crlf ? "\r\n" : "\r")
                index += crlf ? 2 : 1
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count { try appendLine(upTo: bytes.count, ending: "") }
        return lines
    }

    /// The sections of already split lines.
    static func sections(_ lines: [INILine], fileName: String) throws(INIError) -> [INISection] {
        var reader = Reader(fileName: fileName)
        for (index, line) in lines.enumerated() {
            try reader.read(line.content, at: index)
        }
        try reader.finishOption()
        return reader.sections
    }

    /// configparser's `_read` loop, one line at a time.
    private struct Reader {
        let fileName: String
        var sections: [INISection] = []
        var sectionByName: [[UInt8]: Int] = [:]
        /// Keys of every `[DEFAULT]` section (configparser checks duplicates across them), with their line index.
        var defaultKeys: [[UInt8]: Int] = [:]
        var indentLevel = 0
        /// The stripped value pieces of the current option (blank lines included), with their line index.
        var pieces: [(text: Substring, line: Int)] = []
        var inOption = false

        init(fileName: String) {
            self.fileName = fileName
        }

        mutating func read(_ content: String, at index: Int) throws(INIError) {
            let scalars = Substring(content).unicodeScalars
            let stripped = PythonText.strip(scalars)
            if stripped.first == "#" || stripped.first == ";" { return }
            if stripped.isEmpty {
                if inOption { pieces.append(("", index)) }
                return
            }
            let indent = PythonText.indentation(scalars)
            if inOption, indent > indentLevel {
                pieces.append((Substring(stripped), index))
                sections[sections.count - 1].options[sections[sections.count - 1].options.count - 1].lines =
                    pieces[0].line...index
                return
            }
            indentLevel = indent
            try finishOption()
            if stripped.first == "[" {
                try readHeader(stripped, at: index)
            } else {
                try readOption(stripped, at: index)
            }
        }

        private func error(_ index: Int, _ message: String) -> INIError {
            INIError(fileName: fileName, line: index + 1, message: message)
        }

        private mutating func readHeader(_ text: Substring.UnicodeScalarView, at index: Int) throws(INIError) {
            let afterBracket = text.index(after: text.startIndex)
            guard let close = text.lastIndex(of: "]"), close > text.startIndex else {
                throw error(index, "unterminated section header (no closing ']')")
            }
            guard close > afterBracket else { throw error(index, "empty section name") }
            let name = String(text[afterBracket..<close])
            let nameKey = Array(name.utf8)
            if name != INIParser.defaultSection, let first = sectionByName[nameKey] {
                throw error(index, "duplicate section [\(name)] (first on line \(sections[first].headerLine + 1))")
            }
            sectionByName[nameKey] = sections.count
            sections.append(INISection(name: name, headerLine: index, options: [], optionIndex: [:]))
        }

        private mutating func readOption(_ text: Substring.UnicodeScalarView, at index: Int) throws(INIError) {
            guard let section = sections.indices.last else {
                throw error(index, "text before the first section header")
            }
            guard let delimiter = text.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw error(index, "key without '=' (expected key = value)")
            }
            let rawKey = PythonText.rstrip(text[..<delimiter])
            guard !rawKey.isEmpty else { throw error(index, "missing key before '\(text[delimiter])'") }
            let key = String(rawKey).lowercased()
            let keyBytes = Array(key.utf8)
            let sectionName = sections[section].name
            let isDefault = sectionName == INIParser.defaultSection
            let firstLine = isDefault ? defaultKeys[keyBytes] : sections[section].option(key)?.lines.lowerBound
            if let firstLine {
                throw error(index, "duplicate key '\(key)' in [\(sectionName)] (first on line \(firstLine + 1))")
            }
            if isDefault { defaultKeys[keyBytes] = index }
            let value = PythonText.strip(text[text.index(after: delimiter)...])
            sections[section].optionIndex[keyBytes] = sections[section].options.count
            sections[section].options.append(INIOption(key: key, value: "", nested: nil, lines: index...index))
            pieces = [(Substring(value), index)]
            inOption = true
        }

        /// Joins the current option's pieces as configparser does and parses a botocore sub-section.
        mutating func finishOption() throws(INIError) {
            guard inOption else { return }
            inOption = false
            let value = PythonText.rstrip(pieces.map(\.text).joined(separator: "\n"))
            let section = sections.count - 1
            let option = sections[section].options.count - 1
            sections[section].options[option].value = value
            guard pieces[0].text.isEmpty, value.unicodeScalars.first == "\n" else { return }
            var nested: [String: String] = [:]
            for piece in pieces.dropFirst() {
                for fragment in PythonText.splitLines(String(piece.text)) {
                    let entry = PythonText.strip(fragment)
                    if entry.isEmpty { continue }
                    guard let equals = entry.firstIndex(of: "=") else {
                        let key = sections[section].options[option].key
                        throw error(piece.line, "sub-setting of '\(key)' without '=' (expected name = value)")
                    }
                    nested[PythonText.strip(entry[..<equals])] = PythonText.strip(entry[entry.index(after: equals)...])
                }
            }
            sections[section].options[option].nested = nested
        }
    }
}
