/// An INI document as the AWS CLI reads its config and credentials files, that round-trips byte for byte when
/// unchanged and keeps every comment, blank line and spacing it does not edit.
///
/// Reading follows botocore (Python's `configparser` defaults): `#` and `;` start whole-line comments only (a `#`
/// after a value is part of the value); `=` or `:` separates key and value, whichever comes first; keys are
/// case-insensitive; values are trimmed; lines indented deeper than their key continue its value, and a key with
/// an empty first line followed by indented `name = value` lines is a sub-section (`nested`); entries of a
/// `[DEFAULT]` section are inherited by every section. Duplicate sections or keys are errors, as in botocore.
public struct INIDocument: Sendable, Equatable {
    /// The name used in error messages (usually the file's path).
    public let fileName: String
    let lines: [INILine]
    let sections: [INISection]
    /// Section positions by exact name (only `[DEFAULT]` may appear more than once).
    private let sectionPositions: [[UInt8]: [Int]]

    /// An empty document, for a file that does not exist yet.
    public init(fileName: String) {
        self.fileName = fileName
        self.lines = []
        self.sections = []
        self.sectionPositions = [:]
    }

    /// Parses UTF-8 text (at most 1 MiB, no NUL, no byte order mark).
    public init(parsing text: String, fileName: String) throws(INIError) {
        try self.init(parsing: text.utf8, fileName: fileName)
    }

    /// Parses the bytes of a file (at most 1 MiB of valid UTF-8, no NUL, no byte order mark).
    public init(parsing bytes: some Collection<UInt8>, fileName: String) throws(INIError) {
        let lines = try INIParser.lines(bytes, fileName: fileName)
        try self.init(lines: lines, fileName: fileName)
    }

    init(lines: [INILine], fileName: String) throws(INIError) {
        self.fileName = fileName
        self.lines = lines
        let sections = try INIParser.sections(lines, fileName: fileName)
        self.sections = sections
        self.sectionPositions = Dictionary(grouping: sections.indices) { Array(sections[$0].name.utf8) }
    }

    /// The document's text, identical to the parsed text where nothing was changed.
    public var text: String {
        var text = ""
        for line in lines {
            text += line.content
            text += line.ending
        }
        return text
    }

    /// The raw section names in file order, each once: "default", "profile dev", "sso-session x", "services s".
    public var sectionNames: [String] {
        sections.indices.filter { sectionPositions[Array(sections[$0].name.utf8)]?.first == $0 }.map {
            sections[$0].name
        }
    }

    /// Whether a section of this exact name exists.
    public func hasSection(_ section: String) -> Bool {
        !sectionIndexes(section).isEmpty
    }

    /// The trimmed value of a key (case-insensitive), falling back to `[DEFAULT]` as botocore does; nil when the
    /// section or key is absent. Continuation lines are joined with `\n`, so a sub-section's value is returned raw
    /// (starting with `\n`).
    public func value(_ key: String, in section: String) -> String? {
        option(key, in: section)?.value
    }

    /// The section's entries as botocore sees them: its own keys (lower-cased) in file order, then the `[DEFAULT]`
    /// keys it does not override. Empty when the section is absent.
    public func entries(in section: String) -> [(key: String, value: String)] {
        let own = ownOptions(in: section)
        guard !own.isEmpty || hasSection(section) else { return [] }
        var seen = Set(own.map { Array($0.key.utf8) })
        var result = own.map { (key: $0.key, value: $0.value) }
        if section != INIParser.defaultSection {
            for option in ownOptions(in: INIParser.defaultSection) where seen.insert(Array(option.key.utf8)).inserted {
                result.append((key: option.key, value: option.value))
            }
        }
        return result
    }

    /// The sub-section under a key, e.g. `s3 =` followed by `  max_concurrent_requests = 20`, or a services
    /// section's `iam =` followed by `  endpoint_url = …`. Sub-keys keep their case; empty when the key is absent or
    /// not a sub-section.
    public func nested(_ key: String, in section: String) -> [String: String] {
        option(key, in: section)?.nested ?? [:]
    }

    /// Whether the key's value is a sub-section.
    public func isNested(_ key: String, in section: String) -> Bool {
        option(key, in: section)?.nested != nil
    }

    func sectionIndexes(_ section: String) -> [Int] {
        sectionPositions[Array(section.utf8)] ?? []
    }

    func ownOptions(in section: String) -> [INIOption] {
        sectionIndexes(section).flatMap { sections[$0].options }
    }

    /// Where the key is defined in the section itself (not inherited): section index and option index.
    func ownOptionPosition(_ key: String, in section: String) -> (section: Int, option: Int)? {
        let keyBytes = Array(key.lowercased().utf8)
        for index in sectionIndexes(section) {
            if let option = sections[index].optionIndex[keyBytes] { return (index, option) }
        }
        return nil
    }

    func option(_ key: String, in section: String) -> INIOption? {
        if let position = ownOptionPosition(key, in: section) {
            return sections[position.section].options[position.option]
        }
        guard section != INIParser.defaultSection, hasSection(section),
            let inherited = ownOptionPosition(key, in: INIParser.defaultSection)
        else { return nil }
        return sections[inherited.section].options[inherited.option]
    }
}
