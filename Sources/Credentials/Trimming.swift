extension StringProtocol {
    /// The text without leading and trailing white space and line breaks: what Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` removes.
    public func trimmingWhitespaceAndNewlines() -> String {
        String(self).trimmingScalars { $0.isSpaceOrTab || $0.isNewline }
    }

    /// The text without leading and trailing spaces and tabs (line breaks stay): what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` removes.
    public func trimmingWhitespace() -> String {
        String(self).trimmingScalars { $0.isSpaceOrTab }
    }
}

extension String {
    fileprivate func trimmingScalars(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        guard let start = unicodeScalars.firstIndex(where: { !trimmed($0) }),
            let end = unicodeScalars.lastIndex(where: { !trimmed($0) })
        else { return "" }
        return String(unicodeScalars[start...end])
    }
}

extension Unicode.Scalar {
    /// Foundation's `CharacterSet.whitespaces`: Unicode general category Zs, the tab and the zero width space.
    fileprivate var isSpaceOrTab: Bool {
        self == "\t" || value == 0x200B || properties.generalCategory == .spaceSeparator
    }

    /// Foundation's `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028 and U+2029.
    fileprivate var isNewline: Bool { (0x0A...0x0D).contains(value) || [0x85, 0x2028, 0x2029].contains(value) }
}
