import Testing

@testable import YubiKey

/// Error output of ykman 5.9.2, as its sources print it: CliFail messages go through ykman's logger as
/// "ERROR: <message>" (ykman/_cli/__main__.py `main`, `_DefaultFormatter`); other lines are click echoes.
enum Ykman592 {
    static let noDevice = "ERROR: No YubiKey detected!\n"
    static let severalDevices = """
        Multiple YubiKeys detected:
        - YubiKey 5 NFC (5.7.1) [OTP+FIDO+CCID] Serial: 111
        - YubiKey 5C Nano (5.4.3) [OTP+FIDO+CCID] Serial: 222
        ERROR: Use --device SERIAL to specify which one to use.

        """
    static let wrongSerial = """
        ERROR: Failed connecting to a YubiKey with serial: 333.
        Make sure the application has the required permissions.

        """
    static let wrongPassword = "ERROR: Authentication to the YubiKey failed. Wrong password?\n"
    /// click's hidden prompt without a terminal (getpass falls back to stdin), then end of input.
    static let passwordPromptAborted = """
        Warning: Password input may be echoed.
        Enter the password: 
        Aborted!

        """
    static let touchPrompt = "Touch your YubiKey...\n"
    static let touchTimedOut = "Touch your YubiKey...\nERROR: Touch account timed out!\n"
    static let noMatchingAccount = "ERROR: No matching account found.\n"
    static let multipleMatches = """
        Error: Multiple matches, make the query more specific.

        alice
        alice2

        """
    static let accountExists =
        "An account called bob already exists on this YubiKey. Do you want to overwrite it? [y/N]: Aborted!\n"
    static let secretPromptAborted = "Enter a secret key (base32): Aborted!\n"
    static let usageError = """
        Usage: ykman oath accounts add [OPTIONS] NAME [SECRET]
        Try 'ykman oath accounts add --help' for help.

        Error: Invalid value for '-d' / '--digits': '9' is not one of '6', '7', '8'.

        """
    static let failedToConnect = "ERROR: Failed to connect to YubiKey.\n"
}

struct YkmanOutputTests {
    func failure(_ text: String, status: Int32 = 1, serial: String? = nil, label: String? = "bob") -> YubiKeyError {
        YkmanOutput.failure(exitStatus: status, standardError: text, serial: serial, label: label)
    }

    @Test("ykman 5.9.2's device errors map to noDevice, severalDevices with the listed serials, deviceNotFound")
    func deviceErrors() {
        #expect(failure(Ykman592.noDevice) == YubiKeyError(.noDevice))
        #expect(failure(Ykman592.severalDevices) == YubiKeyError(.severalDevices(["111", "222"])))
        #expect(failure(Ykman592.wrongSerial, serial: "333") == YubiKeyError(.deviceNotFound("333")))
        #expect(
            failure("ERROR: Failed connecting to the YubiKey.\n", serial: "9") == YubiKeyError(.deviceNotFound("9")))
        #expect(
            failure(Ykman592.failedToConnect)
                == YubiKeyError(.failed(exitCode: 1, stderrFirstLine: "Failed to connect to YubiKey.")))
    }

    @Test("a wrong or missing OATH password maps to passwordProtected")
    func passwordErrors() {
        #expect(failure(Ykman592.wrongPassword) == YubiKeyError(.passwordProtected))
        #expect(failure(Ykman592.passwordPromptAborted) == YubiKeyError(.passwordProtected))
    }

    @Test("account errors map to touchTimedOut, accountNotFound, ambiguousLabel, accountExists, invalidSecret")
    func accountErrors() {
        #expect(failure(Ykman592.touchTimedOut) == YubiKeyError(.touchTimedOut))
        #expect(failure(Ykman592.noMatchingAccount) == YubiKeyError(.accountNotFound("bob")))
        #expect(
            failure(Ykman592.multipleMatches, label: "ali")
                == YubiKeyError(.ambiguousLabel("ali", matches: ["alice", "alice2"])))
        #expect(failure(Ykman592.accountExists) == YubiKeyError(.accountExists("bob")))
        #expect(
            failure(Ykman592.secretPromptAborted) == YubiKeyError(.invalidSecret("ykman did not accept it as base32")))
    }

    @Test("anything else is failed(exit status, the ERROR:/Error: line or the first line)")
    func otherErrors() {
        #expect(
            failure(Ykman592.usageError, status: 2)
                == YubiKeyError(
                    .failed(
                        exitCode: 2,
                        stderrFirstLine: "Invalid value for '-d' / '--digits': '9' is not one of '6', '7', '8'.")))
        #expect(failure("", status: 3) == YubiKeyError(.failed(exitCode: 3, stderrFirstLine: "no error output")))
        #expect(
            failure("Traceback (most recent call last):\n  File x\n", status: 1)
                == YubiKeyError(.failed(exitCode: 1, stderrFirstLine: "Traceback (most recent call last):")))
        let long = String(repeating: "x", count: 5000)
        guard case .failed(_, let line) = failure("ERROR: \(long)\u{1B}[0m\n").reason else {
            Issue.record("expected failed")
            return
        }
        #expect(line.count == YkmanOutput.maximumErrorLineLength)
    }

    @Test("stdout: serials, account ids, the code; malformed output is refused")
    func standardOutput() throws {
        #expect(try YkmanOutput.serials("111\n22222222\n") == ["111", "22222222"])
        #expect(try YkmanOutput.serials("") == [])
        #expect(throws: YubiKeyError.self) { try YkmanOutput.serials("YubiKey 5 NFC (5.7.1) Serial: 1\n") }
        #expect(YkmanOutput.accounts("AWS:alice\r\n60/AWS:bob\n\n") == ["AWS:alice", "60/AWS:bob"])
        #expect(try YkmanOutput.code("081804\n") == "081804")
        #expect(try YkmanOutput.code("12345678\n") == "12345678")
        for bad in ["", "12345\n", "12a456\n", "AWS:alice  123456\n", String(repeating: "1", count: 11)] {
            #expect(throws: YubiKeyError.self) { try YkmanOutput.code(bad) }
        }
        #expect(throws: YubiKeyError(.accountNotFound("x"))) {
            try YkmanOutput.deleted("No matches, nothing to be done.\n", label: "x")
        }
        try YkmanOutput.deleted("Deleted AWS:x.\n", label: "AWS:x")
        #expect(throws: YubiKeyError.self) { try YkmanOutput.deleted("Deletion aborted by user.\n", label: "x") }
    }
}
