/// A `key = value` line cut into its parts, so that an edit can change the value and keep the line's spacing.
struct INIKeyLine {
    var indent: Substring
    var key: Substring
    /// Whitespace between the key and the delimiter.
    var beforeDelimiter: Substring
    var delimiter: Substring
    /// Whitespace between the delimiter and the value.
    var afterDelimiter: Substring
    var value: Substring
    var trailing: Substring

    /// Cuts a line the parser read as a key line (it has a delimiter); nil otherwise.
    init?(_ content: String) {
        let scalars = Substring(content).unicodeScalars
        let keyStart = scalars.firstIndex { !PythonText.isWhitespace($0) } ?? scalars.endIndex
        guard let delimiter = scalars[keyStart...].firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        let afterDelimiter = scalars.index(after: delimiter)
        let keyEnd = PythonText.rstrip(scalars[keyStart..<delimiter]).endIndex
        let valueStart = PythonText.lstrip(scalars[afterDelimiter...]).startIndex
        let valueEnd = max(valueStart, PythonText.rstrip(scalars[valueStart...]).endIndex)
        self.indent = Substring(scalars[..<keyStart])
        self.key = Substring(scalars[keyStart..<keyEnd])
        self.beforeDelimiter = Substring(scalars[keyEnd..<delimiter])
        self.delimiter = Substring(scalars[delimiter..<afterDelimiter])
        self.afterDelimiter = Substring(scalars[afterDelimiter..<valueStart])
        self.value = Substring(scalars[valueStart..<valueEnd])
        self.trailing = Substring(scalars[valueEnd...])
    }

    /// The spacing to put after the delimiter: the line's own, else a mirror of the spacing before it.
    private var valueSeparator: Substring {
        if !afterDelimiter.isEmpty { return afterDelimiter }
        return beforeDelimiter.isEmpty ? "" : " "
    }

    /// This line with another value, everything else kept.
    func replacingValue(with newValue: String) -> String {
        let separator = newValue.isEmpty ? "" : valueSeparator
        return "\(indent)\(key)\(beforeDelimiter)\(delimiter)\(separator)\(newValue)\(trailing)"
    }

    /// A new `key = value` line in this line's style (indentation and spacing around the delimiter).
    func styled(key newKey: String, value newValue: String) -> String {
        let separator = newValue.isEmpty ? "" : valueSeparator
        return "\(indent)\(newKey)\(beforeDelimiter)=\(separator)\(newValue)"
    }
}
