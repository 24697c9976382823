/// The few pieces of Python's text semantics that botocore's INI reading (configparser, shlex) depends on, so that
/// this module reads a file exactly as the AWS CLI does.
enum PythonText {
    /// `str.isspace()` (also what `\s` matches in Python's `re`): Unicode White_Space plus U+001C…U+001F.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// `str.splitlines()` boundaries: `\r\n` counts as one, the others are single characters.
    static func isLineBoundary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x1C...0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `str.strip()`.
    static func strip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        rstrip(lstrip(text))
    }

    static func strip(_ text: some StringProtocol) -> String {
        String(strip(Substring(text).unicodeScalars))
    }

    static func lstrip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        text.drop(while: isWhitespace)
    }

    static func rstrip(_ text: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView {
        var end = text.endIndex
        while end > text.startIndex, isWhitespace(text[text.index(before: end)]) {
            end = text.index(before: end)
        }
        return text[..<end]
    }

    static func rstrip(_ text: String) -> String {
        String(rstrip(Substring(text).unicodeScalars))
    }

    /// The number of leading whitespace characters (configparser's indentation level).
    static func indentation(_ text: Substring.UnicodeScalarView) -> Int {
        text.prefix(while: isWhitespace).count
    }

    /// `str.splitlines()` (without the line ends).
    static func splitLines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            guard isLineBoundary(scalar) else {
                index = scalars.index(after: index)
                continue
            }
            lines.append(Substring(scalars[start..<index]))
            index = scalars.index(after: index)
            if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" {
                index = scalars.index(after: index)
            }
            start = index
        }
        if start < scalars.endIndex {
            lines.append(Substring(scalars[start...]))
        }
        return lines
    }

    /// `shlex.split(text)` in POSIX mode, or nil where Python raises (unclosed quote, trailing backslash).
    static func shellSplit(_ text: String) -> [String]? {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var escaped = false
        var escapedInDoubleQuotes = false
        for scalar in text.unicodeScalars {
            if escaped {
                // Inside double quotes a backslash escapes only `"` and `\`; elsewhere it keeps the next character.
                if escapedInDoubleQuotes, scalar != "\"", scalar != "\\" { word.append("\\") }
                word.append(scalar)
                escaped = false
            } else if let open = quote {
                if scalar == open {
                    quote = nil
                } else if scalar == "\\", open == "\"" {
                    escaped = true
                    escapedInDoubleQuotes = true
                } else {
                    word.append(scalar)
                }
            } else if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                if inWord { words.append(String(word)) }
                word = String.UnicodeScalarView()
                inWord = false
            } else {
                inWord = true
                if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == "\\" {
                    escaped = true
                    escapedInDoubleQuotes = false
                } else {
                    word.append(scalar)
                }
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(String(word)) }
        return words
    }
}
