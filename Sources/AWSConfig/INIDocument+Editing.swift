extension INIDocument {
    /// Sets a key's value: updates the key's line in place (keeping its indentation, spacing and line ending, and
    /// dropping its continuation lines), else inserts a line after the section's last key in that key's style,
    /// else appends the section at the end of the document (after one blank line).
    ///
    /// Throws, changing nothing, when the key, value or section name could not be read back as written: an empty
    /// key or section name, a key with `=`, `:`, surrounding whitespace or a leading `#`, `;` or `[`, a value with
    /// surrounding whitespace, or a line break or NUL anywhere.
    public mutating func set(_ key: String, _ value: String, in section: String) throws(INIError) {
        try validate(key: key, value: value, section: section)
        var edited = lines
        if let position = ownOptionPosition(key, in: section) {
            let option = sections[position.section].options[position.option]
            let first = option.lines.lowerBound
            if let keyLine = INIKeyLine(lines[first].content) {
                edited[first].content = keyLine.replacingValue(with: value)
            }
            if option.lines.count > 1 {
                if lines[option.lines.upperBound].ending.isEmpty { edited[first].ending = "" }
                edited.removeSubrange(first + 1...option.lines.upperBound)
            }
        } else if let index = sectionIndexes(section).last {
            let (after, content) = newKeyLine(key: key, value: value, inSection: index)
            insert(content, after: after, into: &edited)
        } else {
            appendSection(section, keyLine: "\(key) = \(value)", to: &edited)
        }
        let updated = try INIDocument(lines: edited, fileName: fileName)
        guard updated.value(key, in: section) == value else {
            throw INIError(fileName: fileName, line: nil, message: "setting '\(key)' in [\(section)] did not read back")
        }
        self = updated
    }

    /// Removes a key (and its continuation lines) from the section itself; inherited `[DEFAULT]` keys stay.
    /// Does nothing when the key is absent.
    public mutating func remove(_ key: String, in section: String) {
        guard let position = ownOptionPosition(key, in: section) else { return }
        var edited = lines
        removeLines(sections[position.section].options[position.option].lines, from: &edited)
        // Keys of a section never indent deeper than the key before them, so the rest reads as before.
        if let updated = try? INIDocument(lines: edited, fileName: fileName) { self = updated }
    }

    /// Removes a section: its header, entries and the comments and blank lines inside it. Comment lines directly
    /// above the next section's header stay with that header. Does nothing when the section is absent.
    public mutating func removeSection(_ section: String) {
        while let index = sectionIndexes(section).first {
            let range = rangeToRemove(section: index)
            var edited = lines
            unindentNextHeader(afterRemoving: index, in: &edited)
            removeLines(range, from: &edited)
            // Only a whole section went, and the next header was unindented where it would have read as a value.
            guard let updated = try? INIDocument(lines: edited, fileName: fileName) else { return }
            self = updated
        }
    }

    // MARK: - Helpers

    private func validate(key: String, value: String, section: String) throws(INIError) {
        func fail(_ message: String) -> INIError { INIError(fileName: fileName, line: nil, message: message) }
        func hasBreakOrNUL(_ text: String) -> Bool {
            text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\0" }
        }
        func hasSurroundingWhitespace(_ text: String) -> Bool {
            text.unicodeScalars.first.map(PythonText.isWhitespace) == true
                || text.unicodeScalars.last.map(PythonText.isWhitespace) == true
        }
        guard !section.isEmpty else { throw fail("empty section name") }
        guard !hasBreakOrNUL(section) else { throw fail("section name contains a line break or NUL") }
        guard !key.isEmpty else { throw fail("empty key") }
        guard !hasBreakOrNUL(key) else { throw fail("key contains a line break or NUL") }
        guard !hasSurroundingWhitespace(key) else { throw fail("key '\(key)' has leading or trailing whitespace") }
        guard !key.unicodeScalars.contains(where: { $0 == "=" || $0 == ":" }) else {
            throw fail("key '\(key)' contains '=' or ':'")
        }
        guard let first = key.unicodeScalars.first, first != "#", first != ";", first != "[" else {
            throw fail("key '\(key)' starts with '#', ';' or '['")
        }
        guard !hasBreakOrNUL(value) else { throw fail("value for '\(key)' contains a line break or NUL") }
        guard !hasSurroundingWhitespace(value) else {
            throw fail("value for '\(key)' has leading or trailing whitespace, which the AWS CLI would drop")
        }
    }

    /// The line ending new lines get: the document's first one, else `\n`.
    private var lineEnding: String {
        lines.first { !$0.ending.isEmpty }?.ending ?? "\n"
    }

    /// Where a new key line goes in a section and its text, styled like the section's last key line.
    private func newKeyLine(key: String, value: String, inSection index: Int) -> (after: Int, content: String) {
        let section = sections[index]
        if let last = section.options.last, let style = INIKeyLine(lines[last.lines.lowerBound].content) {
            return (last.lines.upperBound, style.styled(key: key, value: value))
        }
        // No keys yet: indent like the header, or like the next header if that is deeper, so that the next header
        // does not read as a continuation of the new key.
        func indent(_ line: Int) -> Substring {
            Substring(Substring(lines[line].content).unicodeScalars.prefix(while: PythonText.isWhitespace))
        }
        var indentation = indent(section.headerLine)
        if index + 1 < sections.count {
            let next = indent(sections[index + 1].headerLine)
            if next.unicodeScalars.count > indentation.unicodeScalars.count { indentation = next }
        }
        let separator = value.isEmpty ? "" : " "
        return (section.headerLine, "\(indentation)\(key) =\(separator)\(value)")
    }

    /// Inserts a line after another, taking its line ending; a last line without one gets the document's.
    private func insert(_ content: String, after line: Int, into edited: inout [INILine]) {
        let ending = edited[line].ending
        if ending.isEmpty { edited[line].ending = lineEnding }
        edited.insert(INILine(content: content, ending: ending), at: line + 1)
    }

    private func appendSection(_ section: String, keyLine: String, to edited: inout [INILine]) {
        let ending = lineEnding
        if let last = edited.indices.last {
            if edited[last].ending.isEmpty { edited[last].ending = ending }
            if !PythonText.strip(edited[last].content).isEmpty { edited.append(INILine(content: "", ending: ending)) }
        }
        edited.append(INILine(content: "[\(section)]", ending: ending))
        edited.append(INILine(content: keyLine, ending: ending))
    }

    /// Removes lines; when they ran to the end of a file without a final line break, the new last line loses its.
    private func removeLines(_ range: ClosedRange<Int>, from edited: inout [INILine]) {
        if range.upperBound == edited.count - 1, edited[range.upperBound].ending.isEmpty, range.lowerBound > 0 {
            edited[range.lowerBound - 1].ending = ""
        }
        edited.removeSubrange(range)
    }

    /// A section's lines: from its header up to the next header, less the comment lines directly above that
    /// header; for the last section, also the blank lines that separated it from the text before.
    private func rangeToRemove(section index: Int) -> ClosedRange<Int> {
        let header = sections[index].headerLine
        func isBlank(_ line: Int) -> Bool { PythonText.strip(lines[line].content).isEmpty }
        func isComment(_ line: Int) -> Bool {
            let first = PythonText.strip(lines[line].content).first
            return first == "#" || first == ";"
        }
        guard index + 1 < sections.count else {
            var start = header
            while start > 0, isBlank(start - 1) { start -= 1 }
            return start...(lines.count - 1)
        }
        var end = sections[index + 1].headerLine - 1
        while end > header, isComment(end) { end -= 1 }
        return header...end
    }

    /// After a section's removal, the next header follows the previous section's last key: if that header is
    /// indented deeper than the key, it would read as the key's continuation, so its indentation goes.
    private func unindentNextHeader(afterRemoving index: Int, in edited: inout [INILine]) {
        guard index > 0, index + 1 < sections.count,
            let lastKey = sections[index - 1].options.last?.lines.lowerBound
        else { return }
        let nextHeader = sections[index + 1].headerLine
        let headerScalars = Substring(edited[nextHeader].content).unicodeScalars
        let keyIndent = PythonText.indentation(Substring(lines[lastKey].content).unicodeScalars)
        if PythonText.indentation(headerScalars) > keyIndent {
            edited[nextHeader].content = String(PythonText.lstrip(headerScalars))
        }
    }
}
