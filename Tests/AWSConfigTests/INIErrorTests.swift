import AWSConfig
import Testing

/// Malformed files are rejected with the file name, the line and what is wrong.
@Suite struct INIErrorTests {
    func error(_ bytes: [UInt8]) -> String? {
        do {
            _ = try INIDocument(parsing: bytes, fileName: "/home/me/.aws/config")
            return nil
        } catch {
            return error.description
        }
    }

    func error(_ text: String) -> String? {
        error(Array(text.utf8))
    }

    @Test func structuralErrorsNameTheLine() {
        let path = "/home/me/.aws/config"
        let cases: [(String, String)] = [
            ("[default]\nregion\n", "2: key without '=' (expected key = value)"),
            ("region = us-east-1\n", "1: text before the first section header"),
            ("# comment\n\n  k = v\n[a]\n", "3: text before the first section header"),
            ("[profile dev\nk = 1\n", "1: unterminated section header (no closing ']')"),
            ("[a]\n  [b\n", "2: unterminated section header (no closing ']')"),
            ("[a]\n[]\n", "2: empty section name"),
            ("[a]\n= v\n", "2: missing key before '='"),
            ("[a]\n  : v\n", "2: missing key before ':'"),
            ("[a]\nk = 1\n[b]\n[a]\n", "4: duplicate section [a] (first on line 1)"),
            ("[a]\nRegion = 1\n\nregion = 2\n", "4: duplicate key 'region' in [a] (first on line 2)"),
            ("[DEFAULT]\nk = 1\n[x]\n[DEFAULT]\nK = 2\n", "5: duplicate key 'k' in [DEFAULT] (first on line 2)"),
            ("[a]\ns3 =\n  x = 1\n\n  oops\n", "5: sub-setting of 's3' without '=' (expected name = value)"),
            ("[a]\r\n\r\nbad\r\n", "3: key without '=' (expected key = value)"),
            ("[a]\rk = 1\rbad\r", "3: key without '=' (expected key = value)"),
            ("[a]\nk = v\0w\n", "2: NUL byte"),
        ]
        for (text, message) in cases {
            #expect(error(text) == "\(path):\(message)", "\(text.debugDescription)")
        }
    }

    @Test func encodingErrors() {
        #expect(
            error([0x5B, 0x61, 0x5D, 0x0A, 0x6B, 0x3D, 0xC3, 0xA9, 0x0A, 0x6A, 0x3D, 0xFF])
                == "/home/me/.aws/config:3: invalid UTF-8")
        #expect(error([0x5B, 0x61, 0x5D, 0x0A, 0x6B, 0x3D, 0xC3]) == "/home/me/.aws/config:2: invalid UTF-8")
        #expect(error([0xED, 0xA0, 0x80]) == "/home/me/.aws/config:1: invalid UTF-8")  // an encoded surrogate
        #expect(
            error([0xEF, 0xBB, 0xBF] + Array("[a]\n".utf8))
                == "/home/me/.aws/config:1: file starts with a UTF-8 byte order mark, which the AWS CLI rejects")
    }

    @Test func oversizedInputIsRejectedBeforeParsing() throws {
        let limit = 1 << 20
        var text = "[a]\n"
        var index = 0
        while text.utf8.count < limit - 32 {
            text += "key\(index) = value\(index)\n"
            index += 1
        }
        text += String(repeating: "#", count: limit - text.utf8.count)
        #expect(text.utf8.count == limit)
        let document = try INIDocument(parsing: text, fileName: "big")
        #expect(document.value("key0", in: "a") == "value0")
        #expect(document.value("key\(index - 1)", in: "a") == "value\(index - 1)")
        #expect(document.text == text)
        #expect(error(text + "#") == "/home/me/.aws/config: file is 1048577 bytes, over the 1 MiB limit")
        #expect(
            error([UInt8](repeating: 0, count: 5 << 20))
                == "/home/me/.aws/config: file is 5242880 bytes, over the 1 MiB limit")
    }

    /// Inputs at the size limit shaped for the worst case (a section per line, one long continued value, one long
    /// line) parse and resolve in linear time.
    @Test(.timeLimit(.minutes(1))) func largestInputsStayLinear() throws {
        let limit = 1 << 20
        var headers = ""
        var count = 0
        while headers.utf8.count < limit - 16 {
            headers += "[s\(count)]\n"
            count += 1
        }
        let many = try INIDocument(parsing: headers, fileName: "credentials")
        #expect(many.sectionNames.count == count)
        let profiles = AWSProfiles(config: nil, credentials: many, environment: [:])
        #expect(profiles.profileNames.count == count)
        #expect(profiles.setting("region", profile: "s\(count - 1)") == nil)
        let continued = "[a]\nk =\n" + String(repeating: "  x = 1\n", count: (limit - 16) / 8)
        #expect(try INIDocument(parsing: continued, fileName: "c").nested("k", in: "a") == ["x": "1"])
        let longLine = "[a]\nk = " + String(repeating: "v", count: limit - 16)
        #expect(try INIDocument(parsing: longLine, fileName: "c").value("k", in: "a")?.utf8.count == limit - 16)
    }

    @Test func errorDescriptions() {
        #expect(INIError(fileName: "f", line: 3, message: "m").description == "f:3: m")
        #expect(INIError(fileName: "f", line: nil, message: "m").description == "f: m")
    }
}
