import AWSConfig
import Testing

/// How INIDocument reads values: botocore's rules, each shown on a small file.
@Suite struct INIReadingTests {
    func parse(_ text: String) throws -> INIDocument {
        try INIDocument(parsing: text, fileName: "config")
    }

    @Test func commentsAreWholeLinesOnlyAndValuesAreTrimmed() throws {
        let document = try parse(
            "# leading comment\n; another\n[default]\n  # indented comment\nregion   =   us-east-1   \n"
                + "output=json # not a comment\nempty =")
        #expect(document.value("region", in: "default") == "us-east-1")
        #expect(document.value("output", in: "default") == "json # not a comment")
        #expect(document.value("empty", in: "default") == "")
        #expect(document.value("missing", in: "default") == nil)
        #expect(document.value("region", in: "nowhere") == nil)
    }

    @Test func colonIsADelimiterTooAndTheFirstDelimiterWins() throws {
        let document = try parse("[s]\nmfa_serial: arn:aws:iam::123456789012:mfa/me\nurl = http://h:1/?a=b\n")
        #expect(document.value("mfa_serial", in: "s") == "arn:aws:iam::123456789012:mfa/me")
        #expect(document.value("url", in: "s") == "http://h:1/?a=b")
    }

    @Test func keysAreCaseInsensitiveAndSectionNamesAreNot() throws {
        let document = try parse("[Profile Dev]\nAWS_Access_Key_ID = AKIA\n")
        #expect(document.value("aws_access_key_id", in: "Profile Dev") == "AKIA")
        #expect(document.value("AWS_ACCESS_KEY_ID", in: "Profile Dev") == "AKIA")
        #expect(document.value("aws_access_key_id", in: "profile dev") == nil)
        #expect(document.entries(in: "Profile Dev").map(\.key) == ["aws_access_key_id"])
    }

    @Test func sectionNamesAreRawAndTextAfterTheLastBracketIsIgnored() throws {
        let document = try parse("[default]\n[profile  spaced ]\n[ x ] ; note\n[a]b] trailing\n\t[services s]\n")
        #expect(document.sectionNames == ["default", "profile  spaced ", " x ", "a]b", "services s"])
    }

    @Test func indentedLinesContinueTheValue() throws {
        let document = try parse("[s]\nkey = first\n    second\n\n  third\nnext = 1\n")
        #expect(document.value("key", in: "s") == "first\nsecond\n\nthird")
        #expect(document.value("next", in: "s") == "1")
    }

    @Test func nestedSubSectionsSkipBlankAndCommentLines() throws {
        let document = try parse(
            """
            [default]
            s3 =
              max_concurrent_requests = 20

              # a comment inside
            \tsignature_version=s3v4
              Addressing_Style = path
            region = eu-west-1
            """)
        #expect(
            document.nested("s3", in: "default")
                == ["max_concurrent_requests": "20", "signature_version": "s3v4", "Addressing_Style": "path"])
        #expect(
            document.value("s3", in: "default")
                == "\nmax_concurrent_requests = 20\n\nsignature_version=s3v4\nAddressing_Style = path")
        #expect(document.isNested("s3", in: "default"))
        #expect(!document.isNested("region", in: "default"))
        #expect(document.nested("region", in: "default") == [:])
    }

    @Test func servicesSectionsHoldNestedEndpoints() throws {
        let document = try parse(
            "[services local]\niam =\n  endpoint_url = http://localhost:4566\nsts =\n  endpoint_url = http://s\n")
        #expect(document.nested("iam", in: "services local") == ["endpoint_url": "http://localhost:4566"])
        #expect(document.nested("sts", in: "services local")["endpoint_url"] == "http://s")
    }

    @Test func defaultSectionIsInheritedByEverySection() throws {
        let document = try parse("[DEFAULT]\nregion = r\noutput = o\n[a]\noutput = mine\nx = 1\n")
        #expect(document.value("region", in: "a") == "r")
        #expect(document.value("output", in: "a") == "mine")
        #expect(document.entries(in: "a").map { "\($0.key)=\($0.value)" } == ["output=mine", "x=1", "region=r"])
        #expect(document.value("region", in: "absent") == nil)
        #expect(document.entries(in: "absent").isEmpty)
    }

    @Test func lineEndingsMayBeCRLFOrLoneCR() throws {
        let document = try parse("[a]\r\nk = 1\r\n  more\rj = 2\r")
        #expect(document.value("k", in: "a") == "1\nmore")
        #expect(document.value("j", in: "a") == "2")
    }

    @Test func unchangedTextRoundTripsByteForByte() throws {
        let texts = [
            "", "\n", "# only a comment", "[a]", "[a]\nk=v", "[a]\r\nk = v\r\n\r\n", "[a]\rk=v\r",
            "\u{3000}# odd space\n[a]\n k\t=\tv \t\n\n\n s3 =\n   x = 1\n\t\n[b]\n", "[a]\nk = v\r\nj=w\n\r",
        ]
        for text in texts {
            #expect(try parse(text).text == text)
            #expect(try INIDocument(parsing: Array(text.utf8), fileName: "f").text == text)
        }
    }
}
