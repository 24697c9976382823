import AWSConfig
import Foundation
import TestSupport
import Testing

/// Cross-checks INIDocument against botocore (`botocore.configloader.raw_config_parse`, i.e. Python's configparser
/// plus botocore's sub-sections) on generated files full of oddities: `#`/`;` comments, spacing and tabs around `=`
/// and `:`, continuation lines, nested sub-sections with blank and comment lines, `[DEFAULT]`, odd section names,
/// CRLF and lone-CR line ends, empty values, Unicode whitespace, and one injected error in a quarter of the files.
/// Both must accept or reject the same files; accepted files must give the same sections, entries and sub-sections;
/// rejected ones the same line where configparser reports one.
@Suite struct BotocoreINITests {
    struct Parse: Decodable {
        struct Section: Decodable {
            var name: String
            var entries: [[String]]
            var nested: [String: [String: String]]
        }
        var error: String?
        var line: Int?
        var sections: [Section]?
    }

    static let script = #"""
        import configparser, json, sys
        import botocore.configloader as loader
        from botocore.exceptions import ConfigParseError
        results = []
        for path in sys.argv[1:]:
            try:
                parsed = loader.raw_config_parse(path)
                raw = loader.raw_config_parse(path, parse_subsections=False)
            except ConfigParseError as e:
                error = e.kwargs.get('error')
                line = getattr(error, 'lineno', None)
                if line is None and isinstance(error, configparser.ParsingError):
                    line = error.errors[0][0]
                results.append({'error': type(error).__name__, 'line': line})
                continue
            results.append({'sections': [
                {'name': name, 'entries': [[k, v] for k, v in options.items()],
                 'nested': {k: v for k, v in parsed[name].items() if isinstance(v, dict)}}
                for name, options in raw.items()]})
        print(json.dumps(results))
        """#

    static let handWritten: [String] = [
        "[default]\nregion = us-east-1\n",
        "# c\n; c\n[profile  spaced ]\nk\t=\tv\t\n",
        "[a]\r\nk = 1\r\ns3 =\r\n  x = 1\r\n\r\n  y=2\r\n",
        "[a]\rk = 1\r  more\r",
        "[a]\nk =\n\n\n",
        "[a]\nk = 1\n  [b]\nz = 2\n",
        "[DEFAULT]\nregion = r\n[a]\nx = 1\n[DEFAULT]\noutput = o\n",
        "[a]\nnested =\n  a = 1\u{0B}b = 2\n  c = 3\u{85}d = 4\n",
        "[a]\nk = \u{3000}v\u{3000}\n\u{1C}j = 2\n",
        "[a]\nk = 1\n\u{A0}\u{A0}j = 2\n",
        "[a]\nkey with spaces  :  v : w\n",
        "[a]\nk = 1\n\n#c\n  cont\n",
        "[a]\ns3 =\n  # only comments\n\n",
        "[a]\ns3 =\n  = x\n",
        "[x]y] junk\nk=v\n",
        "",
        "\n\n# nothing\n",
        "[a]\nk=1\nK=2\n",
        "k=1\n[a]\n",
        "[a]\nk\n",
        "[a]\n=1\n",
        "[a]\ns3 =\n  oops\n",
        "[a]\n[b]\n[a]\n",
    ]

    @Test func generatedFilesParseAsBotocoreParsesThem() throws {
        var generator = ConfigGenerator(random: SeededGenerator(state: 20_250_617))
        let files = Self.handWritten.map { Array($0.utf8) } + (0..<400).map { _ in generator.file() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try files.enumerated().map { try directory.write($0.element, named: "config\($0.offset)") }
        let output = try Python.run(Self.script, arguments: paths)
        let expected = try JSONDecoder().decode([Parse].self, from: output)
        try #require(expected.count == files.count)
        var accepted = 0
        for (index, file) in files.enumerated() {
            let context = "file \(index): \(String(decoding: file, as: UTF8.self).debugDescription)"
            compare(file, with: expected[index], context: context)
            if expected[index].error == nil { accepted += 1 }
        }
        #expect(accepted > files.count / 2, "most generated files should be valid")
        #expect(accepted < files.count, "some generated files should be invalid")
    }

    func compare(_ file: [UInt8], with expected: Parse, context: String) {
        let document: INIDocument
        do {
            document = try INIDocument(parsing: file, fileName: "f")
        } catch {
            #expect(expected.error != nil, "we rejected, botocore accepted: \(error) — \(context)")
            let kind = Self.configparserKind(of: error)
            if kind == "ValueError", expected.error != "ValueError" {
                // botocore parses sub-sections only after configparser read the whole file without error.
                #expect((expected.line ?? 0) > (error.line ?? 0), "\(error) — \(context)")
            } else {
                #expect(kind == expected.error, "\(error) — \(context)")
                if let line = expected.line { #expect(error.line == line, "\(error) — \(context)") }
            }
            return
        }
        #expect(document.text == String(decoding: file, as: UTF8.self), "\(context)")
        guard let sections = expected.sections else {
            Issue.record("botocore rejected (\(expected.error ?? "")), we accepted — \(context)")
            return
        }
        #expect(document.sectionNames.filter { $0 != "DEFAULT" } == sections.map(\.name), "\(context)")
        for section in sections {
            let entries = document.entries(in: section.name).map { [$0.key, $0.value] }
            #expect(entries == section.entries, "\(context)")
            for entry in section.entries {
                #expect(document.value(entry[0], in: section.name) == entry[1], "\(context)")
                #expect(
                    document.isNested(entry[0], in: section.name) == (section.nested[entry[0]] != nil), "\(context)")
                #expect(document.nested(entry[0], in: section.name) == section.nested[entry[0]] ?? [:], "\(context)")
            }
        }
    }

    /// The Python exception botocore wraps for the same problem.
    static func configparserKind(of error: INIError) -> String {
        let kinds = [
            ("text before the first section", "MissingSectionHeaderError"), ("key without", "ParsingError"),
            ("missing key", "ParsingError"), ("duplicate section", "DuplicateSectionError"),
            ("duplicate key", "DuplicateOptionError"), ("sub-setting", "ValueError"),
        ]
        return kinds.first { error.message.hasPrefix($0.0) }?.1 ?? error.message
    }

    /// Where we are deliberately stricter than botocore: it reads these, we reject them.
    @Test func stricterThanBotocore() throws {
        let files = ["[a]\nk = v\0w\n", "[a]\n[b = c\n"]
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try files.enumerated().map { try directory.write(Array($0.element.utf8), named: "s\($0.offset)") }
        let expected = try JSONDecoder().decode([Parse].self, from: Python.run(Self.script, arguments: paths))
        #expect(expected.allSatisfy { $0.error == nil })
        for file in files {
            #expect(throws: INIError.self) { try INIDocument(parsing: file, fileName: "f") }
        }
    }
}

/// Generates config files from the pieces people (and tools) actually write, plus odd ones.
struct ConfigGenerator {
    var random: SeededGenerator

    static let sectionNames = [
        "default", "profile dev", "profile  spaced ", "profile \"quoted name\"", "sso-session corp", "services local",
        "DEFAULT", "preview", " default ", "profile a b", "profiles x", "Profile Dev", "profile ünï", "x]y",
    ]
    static let keys = [
        "region", "output", "aws_access_key_id", "Aws_Secret_Access_Key", "mfa_serial", "endpoint_url",
        "key with spaces", "tab\tkey", "s3", "services", "ünï", "x.y-z",
    ]
    static let values = [
        "us-east-1", "", "value # not a comment", "a=b:c", "ünïcödé", "http://localhost:4566",
        "arn:aws:iam::123456789012:mfa/me", "tab\tinside", "  padded  ", "; semi", "[bracket]",
        "\u{3000}ideographic\u{3000}", "x\u{85}nel",
    ]
    static let delimiters = [" = ", "=", "\t=\t", " : ", ":", "  =  ", " =", "= "]
    static let nestedLines = [
        "max_concurrent_requests = 20", "signature_version=s3v4", "Addressing_Style : path = x",
        "endpoint_url = http://h:1",
        "a = 1\u{0B}b = 2", "k =", "# comment inside", "", "dup = 1",
    ]
    static let fillers = ["# comment", "; comment", "   # indented comment", "#", "", "   ", "\t"]

    enum Injected: CaseIterable {
        case noDelimiter, keyBeforeSection, duplicateKey, duplicateSection, nestedWithoutEquals, emptyKey
    }

    mutating func file() -> [UInt8] {
        var lines: [String] = []
        for _ in 0..<Int.random(in: 0...2, using: &random) { lines.append(random.pick(Self.fillers)) }
        let names = Self.sectionNames.shuffled(using: &random).prefix(Int.random(in: 1...5, using: &random))
        var keyLines: [Int] = []
        for name in names {
            let header = "[\(name)]"
            lines.append(random.chance(10) ? "  " + header : random.chance(20) ? header + " ; note" : header)
            for key in Self.keys.shuffled(using: &random).prefix(Int.random(in: 0...5, using: &random)) {
                let indent = random.chance(15) ? " " : ""
                keyLines.append(lines.count)
                if random.chance(20) {
                    lines.append(indent + key + random.pick([" =", "=", " = "]))
                    for _ in 0..<Int.random(in: 1...3, using: &random) {
                        let line = random.pick(Self.nestedLines)
                        lines.append(line.isEmpty ? "" : indent + random.pick(["  ", "\t", "    "]) + line)
                    }
                } else {
                    lines.append(indent + key + random.pick(Self.delimiters) + random.pick(Self.values))
                    if random.chance(10) { lines.append(indent + "    continued value") }
                }
                if random.chance(20) { lines.append(random.pick(Self.fillers)) }
            }
            if random.chance(50) { lines.append("") }
        }
        if random.chance(25) { inject(random.pick(Injected.allCases), into: &lines, keyLines: keyLines, names: names) }
        return Array(join(lines).utf8)
    }

    private mutating func inject(
        _ kind: Injected, into lines: inout [String], keyLines: [Int], names: ArraySlice<String>
    ) {
        switch kind {
        case .noDelimiter: lines.append("just some words")
        case .keyBeforeSection: lines.insert("region = us-east-1", at: 0)
        case .duplicateKey:
            if let line = keyLines.last {
                let key = lines[line].prefix { $0 != "=" && $0 != ":" }.trimmingCharacters(in: .whitespaces)
                lines.append(key.uppercased() + " = again")
            }
        case .duplicateSection: lines.append("[\(names.first!)]")
        case .nestedWithoutEquals: lines += ["nested_block =", "  oops"]
        case .emptyKey: lines.append("= value")
        }
    }

    private mutating func join(_ lines: [String]) -> String {
        let style = random.pick(["\n", "\n", "\r\n", "\r", "mixed"])
        var text = ""
        for (index, line) in lines.enumerated() {
            text += line
            if index < lines.count - 1 || random.chance(80) {
                text += style == "mixed" ? random.pick(["\n", "\r\n", "\r"]) : style
            }
        }
        return text
    }
}
