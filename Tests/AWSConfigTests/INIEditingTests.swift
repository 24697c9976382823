import AWSConfig
import Testing

/// Edits change only the lines they must; everything else stays byte for byte.
@Suite struct INIEditingTests {
    static let sample = """
        # AWS config — hand edited
        [default]
        region = us-east-1 ; keep
        output=json

        ; the dev profile
        [profile dev]
          role_arn   =   arn:aws:iam::123456789012:role/dev
          s3 =
            max_concurrent_requests = 20
          source_profile = default

        [services local]
        iam =
          endpoint_url = http://localhost:4566

        """

    func parse(_ text: String) throws -> INIDocument {
        try INIDocument(parsing: text, fileName: "config")
    }

    func edited(_ text: String, _ edit: (inout INIDocument) throws -> Void) throws -> String {
        var document = try parse(text)
        try edit(&document)
        return document.text
    }

    @Test func updateKeepsTheLinesSpacingAndEverythingElse() throws {
        let text = try edited(Self.sample) {
            try $0.set("role_arn", "arn:aws:iam::123456789012:role/x", in: "profile dev")
        }
        #expect(text == Self.sample.replacingOccurrences("role/dev", "role/x"))
        let compact = try edited(Self.sample) { try $0.set("OUTPUT", "text", in: "default") }
        #expect(compact == Self.sample.replacingOccurrences("output=json", "output=text"))
    }

    @Test func updateOfAnEmptyValueMirrorsTheSpacingBeforeTheDelimiter() throws {
        #expect(try edited("[a]\nk =\nj=\n") { try $0.set("k", "1", in: "a") } == "[a]\nk = 1\nj=\n")
        #expect(try edited("[a]\nk =\nj=\n") { try $0.set("j", "2", in: "a") } == "[a]\nk =\nj=2\n")
        #expect(try edited("[a]\nk = 1  \n") { try $0.set("k", "", in: "a") } == "[a]\nk =  \n")
    }

    @Test func updateReplacesContinuationLines() throws {
        let text = try edited(Self.sample) { try $0.set("s3", "plain", in: "profile dev") }
        #expect(
            text == Self.sample.replacingOccurrences("  s3 =\n    max_concurrent_requests = 20\n", "  s3 = plain\n"))
    }

    @Test func insertGoesAfterTheSectionsLastKeyInThatKeysStyle() throws {
        let text = try edited(Self.sample) { try $0.set("mfa_serial", "arn:aws:iam::1:mfa/me", in: "profile dev") }
        #expect(
            text
                == Self.sample.replacingOccurrences(
                    "  source_profile = default\n", "  source_profile = default\n  mfa_serial = arn:aws:iam::1:mfa/me\n"
                ))
        let afterNested = try edited(Self.sample) { try $0.set("sts", "x", in: "services local") }
        #expect(afterNested == Self.sample + "sts = x\n")
        let defaults = try edited(Self.sample) { try $0.set("region", "eu-west-1", in: "DEFAULT") }
        #expect(defaults == Self.sample + "\n[DEFAULT]\nregion = eu-west-1\n")
    }

    @Test func insertIntoASectionWithoutKeysGoesRightAfterItsHeader() throws {
        #expect(try edited("[a]\n# c\n\n[b]\n") { try $0.set("k", "v", in: "a") } == "[a]\nk = v\n# c\n\n[b]\n")
        // The next header is indented: the new key is indented as deep so that the header stays a header.
        let indented = try edited("[a]\n  [b]\nx = 1\n") { try $0.set("k", "v", in: "a") }
        #expect(indented == "[a]\n  k = v\n  [b]\nx = 1\n")
        #expect(try parse(indented).value("x", in: "b") == "1")
    }

    @Test func newSectionIsAppendedAfterOneBlankLine() throws {
        #expect(try edited("") { try $0.set("k", "v", in: "profile x") } == "[profile x]\nk = v\n")
        var fresh = INIDocument(fileName: "/h/.aws/config")
        try fresh.set("mfa_serial", "arn:aws:iam::1:mfa/me", in: "default")
        #expect(fresh.text == "[default]\nmfa_serial = arn:aws:iam::1:mfa/me\n")
        #expect(fresh == (try INIDocument(parsing: fresh.text, fileName: "/h/.aws/config")))
        #expect(try edited("[a]\nk=1\n") { try $0.set("k", "v", in: "b") } == "[a]\nk=1\n\n[b]\nk = v\n")
        #expect(try edited("[a]\nk=1\n\n") { try $0.set("k", "v", in: "b") } == "[a]\nk=1\n\n[b]\nk = v\n")
        #expect(try edited("[a]\nk=1") { try $0.set("k", "v", in: "b") } == "[a]\nk=1\n\n[b]\nk = v\n")
        #expect(try edited("# c") { try $0.set("k", "v", in: "b") } == "# c\n\n[b]\nk = v\n")
    }

    @Test func fileWithoutFinalLineBreakKeepsHavingNone() throws {
        #expect(try edited("[a]\nk = 1") { try $0.set("j", "2", in: "a") } == "[a]\nk = 1\nj = 2")
        #expect(try edited("[a]\nk = 1") { try $0.set("k", "2", in: "a") } == "[a]\nk = 2")
        #expect(try edited("[a]\nk =\n  x = 1") { try $0.set("k", "2", in: "a") } == "[a]\nk = 2")
        #expect(try edited("[a]\nk = 1\nj = 2") { $0.remove("j", in: "a") } == "[a]\nk = 1")
        #expect(try edited("[a]") { try $0.set("k", "v", in: "a") } == "[a]\nk = v")
    }

    @Test func crlfIsKeptOnEditedLinesAndUsedForNewOnes() throws {
        let crlf = Self.sample.replacingOccurrences("\n", "\r\n")
        let updated = try edited(crlf) { try $0.set("output", "text", in: "default") }
        #expect(updated == crlf.replacingOccurrences("output=json", "output=text"))
        let inserted = try edited(crlf) { try $0.set("x", "1", in: "default") }
        #expect(inserted == crlf.replacingOccurrences("output=json\r\n", "output=json\r\nx=1\r\n"))
        let appended = try edited(crlf) { try $0.set("k", "v", in: "new") }
        #expect(appended == crlf + "\r\n[new]\r\nk = v\r\n")
        // Mixed endings: the edited line keeps its own.
        #expect(try edited("[a]\nk = 1\r\nj = 2\n") { try $0.set("k", "3", in: "a") } == "[a]\nk = 3\r\nj = 2\n")
    }

    @Test func removeTakesTheKeyAndItsContinuationLinesOnly() throws {
        let text = try edited(Self.sample) { $0.remove("s3", in: "profile dev") }
        #expect(text == Self.sample.replacingOccurrences("  s3 =\n    max_concurrent_requests = 20\n", ""))
        let region = try edited(Self.sample) { $0.remove("REGION", in: "default") }
        #expect(region == Self.sample.replacingOccurrences("region = us-east-1 ; keep\n", ""))
        #expect(try edited(Self.sample) { $0.remove("absent", in: "default") } == Self.sample)
        #expect(try edited(Self.sample) { $0.remove("region", in: "absent") } == Self.sample)
    }

    @Test func removeLeavesInheritedDefaultKeys() throws {
        var document = try parse("[DEFAULT]\nregion = r\n[a]\nregion = mine\n")
        document.remove("region", in: "a")
        #expect(document.value("region", in: "a") == "r")
        #expect(document.text == "[DEFAULT]\nregion = r\n[a]\n")
    }

    @Test func removeSectionKeepsTheCommentAboveTheNextHeader() throws {
        let text = try edited(Self.sample) { $0.removeSection("default") }
        #expect(
            text
                == Self.sample.replacingOccurrences(
                    "[default]\nregion = us-east-1 ; keep\noutput=json\n\n", ""))
        let last = try edited(Self.sample) { $0.removeSection("services local") }
        #expect(
            last
                == Self.sample.replacingOccurrences(
                    "\n[services local]\niam =\n  endpoint_url = http://localhost:4566\n", ""))
        #expect(try edited(Self.sample) { $0.removeSection("nope") } == Self.sample)
        #expect(try edited("[a]\nk=1\n# old: j=2\n\n[b]\n") { $0.removeSection("a") } == "[b]\n")
        #expect(try edited("[a]\nk=1\n\n[b]\nx=1") { $0.removeSection("b") } == "[a]\nk=1")
    }

    @Test func appendingThenRemovingASectionRestoresTheText() throws {
        var document = try parse(Self.sample)
        try document.set("aws_access_key_id", "AKIAEXAMPLE", in: "profile new")
        document.removeSection("profile new")
        #expect(document.text == Self.sample)
        try document.set("region", "eu-west-1", in: "profile dev")
        document.remove("region", in: "profile dev")
        #expect(document.text == Self.sample)
    }

    @Test func removeSectionUnindentsANextHeaderThatWouldBecomeAContinuation() throws {
        let text = try edited("[r]\nk = 1\n[s]\n    m = 2\n  [t]\nz = 3\n") { $0.removeSection("s") }
        #expect(text == "[r]\nk = 1\n[t]\nz = 3\n")
        let document = try parse(text)
        #expect(document.sectionNames == ["r", "t"])
        #expect(document.value("k", in: "r") == "1")
    }

    @Test func removeSectionRemovesEveryDefaultSection() throws {
        let text = try edited("[DEFAULT]\na = 1\n\n[x]\n\n[DEFAULT]\nb = 2\n") { $0.removeSection("DEFAULT") }
        #expect(text == "[x]\n")
    }

    @Test func setRejectsWhatCouldNotBeReadBack() throws {
        var document = try parse("[a]\n")
        let cases: [(String, String, String, String)] = [
            ("", "v", "a", "config: empty key"),
            ("k", "v", "", "config: empty section name"),
            ("k\nx", "v", "a", "config: key contains a line break or NUL"),
            (" k", "v", "a", "config: key ' k' has leading or trailing whitespace"),
            ("a=b", "v", "a", "config: key 'a=b' contains '=' or ':'"),
            ("a:b", "v", "a", "config: key 'a:b' contains '=' or ':'"),
            ("#k", "v", "a", "config: key '#k' starts with '#', ';' or '['"),
            ("[k", "v", "a", "config: key '[k' starts with '#', ';' or '['"),
            ("k", "v\ncredential_process = evil", "a", "config: value for 'k' contains a line break or NUL"),
            ("k", "v\r", "a", "config: value for 'k' contains a line break or NUL"),
            ("k", "v ", "a", "config: value for 'k' has leading or trailing whitespace, which the AWS CLI would drop"),
            ("k", "v", "a]\n[b", "config: section name contains a line break or NUL"),
        ]
        for (key, value, section, message) in cases {
            let error = #expect(throws: INIError.self) { try document.set(key, value, in: section) }
            #expect(error?.description == message)
        }
        #expect(document.text == "[a]\n")
    }

    @Test func valuesWithDelimitersAndHashesReadBack() throws {
        var document = try parse("[a]\n")
        for value in ["arn:aws:iam::1:mfa/me", "a = b", "x # y", "; z", "[q]", "ünï cödé", "tab\tin"] {
            try document.set("k", value, in: "a")
            #expect(try parse(document.text).value("k", in: "a") == value)
        }
    }
}

extension String {
    /// Plain substring replacement (no Foundation needed).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
