import Testing

@testable import YubiKey

struct YkmanCommandTests {
    static let secret = "JBSWY3DPEHPK3PXP"

    func account(
        name: String = "bob", issuer: String? = "AWS", touch: Bool = true, digits: Int = 6, algorithm: String = "SHA1",
        period: Int = 30, overwrite: Bool = false
    ) -> OATHAccount {
        OATHAccount(
            name: name, issuer: issuer, touch: touch, digits: digits, algorithm: algorithm, period: period,
            overwrite: overwrite)
    }

    @Test("add: options before --, the name after it, the secret only on stdin (one line)")
    func add() throws {
        let command = try YkmanCommand.add(serial: "123", account: account(), secretBase32: Self.secret)
        #expect(
            command.arguments == [
                "--device", "123", "oath", "accounts", "add", "--oath-type", "TOTP", "--digits", "6", "--algorithm",
                "SHA1", "--period", "30", "--issuer", "AWS", "--touch", "--", "bob",
            ])
        #expect(command.input == Array((Self.secret + "\n").utf8))
        let plain = try YkmanCommand.add(
            serial: nil, account: account(name: "-x", issuer: nil, touch: false, overwrite: true),
            secretBase32: Self.secret)
        #expect(plain.arguments.suffix(4) == ["30", "--force", "--", "-x"])
        #expect(!plain.arguments.contains("--device"))
    }

    @Test("code, delete and list take the label after -- and --device first")
    func otherCommands() throws {
        #expect(
            try YkmanCommand.code(serial: "7", label: "-AWS:bob").arguments
                == ["--device", "7", "oath", "accounts", "code", "--single", "--", "-AWS:bob"])
        #expect(
            try YkmanCommand.delete(serial: nil, label: "bob").arguments
                == ["oath", "accounts", "delete", "--force", "--", "bob"])
        #expect(try YkmanCommand.listAccounts(serial: nil).arguments == ["oath", "accounts", "list", "--show-hidden"])
        #expect(YkmanCommand.listSerials.arguments == ["list", "--serials"])
    }

    @Test("serials must be decimal; labels non-empty, bounded, without control characters")
    func argumentValidation() {
        for serial in ["", "12a", "-1", "1 2", String(repeating: "9", count: 21)] {
            #expect(throws: YubiKeyError.self) { try YkmanCommand.code(serial: serial, label: "bob") }
        }
        for label in ["", "a\nb", "a\u{0}b", String(repeating: "a", count: YkmanCommand.maximumLabelBytes + 1)] {
            #expect(throws: YubiKeyError.self) { try YkmanCommand.code(serial: nil, label: label) }
        }
        #expect(throws: YubiKeyError.self) {
            try YkmanCommand.add(
                serial: nil, account: account(name: String(repeating: "n", count: 65)), secretBase32: Self.secret)
        }
        for (digits, algorithm, period) in [(5, "SHA1", 30), (9, "SHA1", 30), (6, "MD5", 30), (6, "SHA1", 0)] {
            #expect(throws: YubiKeyError.self) {
                try YkmanCommand.add(
                    serial: nil, account: account(digits: digits, algorithm: algorithm, period: period),
                    secretBase32: Self.secret)
            }
        }
    }

    @Test(
        "secrets: what ykman's parse_b32_key accepts passes (lowercase, spaces, partial padding); the rest is refused")
    func secrets() throws {
        for good in [
            "JBSWY3DPEHPK3PXP", "jbsw y3dp ehpk 3pxp", "MZXW6===", "MZXW6", "MZXW6=", "GEZDGNBVGY3TQOJQGEZA====",
        ] {
            try YkmanCommand.validateSecret(good)
        }
        let bad = [
            "", "    ", "MZ", "A", "MZXW6YQ=X", "MZXW6====", "MZXW61", "MZXW6\n", "MZXÄW6",
            String(repeating: "A", count: YkmanCommand.maximumSecretLength + 8),
        ]
        for secret in bad {
            #expect(throws: YubiKeyError.self) { try YkmanCommand.validateSecret(secret) }
        }
    }

    @Test("secret validation agrees with Python's base32 decoding as ykman uses it, for many inputs")
    func secretsAgainstPython() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ab =1")
        var candidates: [String] = []
        for length in 0..<24 {
            candidates.append(String((0..<length).map { _ in alphabet.randomElement()! }))
        }
        for length in 0..<12 {
            candidates.append(
                String(repeating: "A", count: length) + String(repeating: "=", count: Int.random(in: 0...8)))
        }
        let script = """
            import base64, sys
            for key in sys.stdin.read().split("\\n")[:-1]:
                try:
                    k = key.upper().replace(" ", ""); k += "=" * (-len(k) % 8)
                    print("ok" if len(base64.b32decode(k)) >= 2 else "short")
                except Exception:
                    print("bad")
            """
        let verdicts = try runTool(["python3", "-c", script], input: candidates.map { $0 + "\n" }.joined())
            .split(separator: "\n").map(String.init)
        #expect(verdicts.count == candidates.count)
        for (candidate, verdict) in zip(candidates, verdicts) {
            let accepted = (try? YkmanCommand.validateSecret(candidate)) != nil
            #expect(accepted == (verdict == "ok"), "\(candidate.debugDescription): python says \(verdict)")
        }
    }

    @Test("accountLabel is yubikit's credential id: [PERIOD/][ISSUER:]NAME")
    func accountLabel() {
        #expect(YkmanOATH.accountLabel(name: "alice", issuer: "AWS") == "AWS:alice")
        #expect(YkmanOATH.accountLabel(name: "alice", issuer: nil) == "alice")
        #expect(YkmanOATH.accountLabel(name: "alice", issuer: "") == "alice")
        #expect(YkmanOATH.accountLabel(name: "alice", issuer: "AWS", period: 60) == "60/AWS:alice")
    }

    @Test("PATH lookup: first executable match in order, empty entry is the current directory, a path is used as is")
    func executableLookup() {
        let executables: Set<String> = ["/b/ykman", "/c/ykman", "./ykman", "/opt/ykman"]
        let lookup = { (name: String, path: String?) in
            ExecutableLookup.resolve(name, searchPath: path, isExecutable: executables.contains)
        }
        #expect(lookup("ykman", "/a:/b:/c") == "/b/ykman")
        #expect(lookup("ykman", "/a/:/c/") == "/c/ykman")
        #expect(lookup("ykman", "/a::/c") == "./ykman")
        #expect(lookup("ykman", "/a") == nil)
        #expect(lookup("ykman", nil) == nil)
        #expect(lookup("/opt/ykman", "/a") == "/opt/ykman")
        #expect(lookup("/opt/none", "/b") == nil)
        #expect(lookup("", "/b") == nil)
        #expect(ExecutableLookup.isExecutableFile("/bin/sh"))
        #expect(!ExecutableLookup.isExecutableFile("/bin"))
        #expect(!ExecutableLookup.isExecutableFile("/etc/passwd"))
    }
}
