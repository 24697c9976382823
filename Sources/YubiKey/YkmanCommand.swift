/// One `ykman` invocation: its arguments (never a secret) and the bytes for its standard input.
struct YkmanCommand: Sendable, Equatable {
    var arguments: [String]
    var input: [UInt8] = []

    /// Longest label or issuer passed on (ykman's own limit for a name is 64 bytes).
    static let maximumLabelBytes = 256
    /// Longest base32 secret accepted (ykman reads it as one line from a pipe).
    static let maximumSecretLength = 1024
    /// Digits ykman's `--digits` accepts.
    static let allowedDigits = 6...8
    /// Periods (seconds) passed on; the OTP module's TOTP accepts the same range.
    static let allowedPeriods = 1...3600
    static let allowedAlgorithms = ["SHA1", "SHA256", "SHA512"]

    /// `ykman list --serials` (ykman refuses `--device` here).
    static let listSerials = YkmanCommand(arguments: ["list", "--serials"])

    /// `ykman [--device S] oath accounts list --show-hidden`.
    static func listAccounts(serial: String?) throws(YubiKeyError) -> YkmanCommand {
        YkmanCommand(arguments: try deviceArguments(serial) + ["oath", "accounts", "list", "--show-hidden"])
    }

    /// `ykman [--device S] oath accounts code --single -- LABEL`.
    static func code(serial: String?, label: String) throws(YubiKeyError) -> YkmanCommand {
        try validateText(label, what: "the account label", maximumBytes: maximumLabelBytes)
        return YkmanCommand(
            arguments: try deviceArguments(serial) + ["oath", "accounts", "code", "--single", "--", label])
    }

    /// `ykman [--device S] oath accounts delete --force -- LABEL`.
    static func delete(serial: String?, label: String) throws(YubiKeyError) -> YkmanCommand {
        try validateText(label, what: "the account label", maximumBytes: maximumLabelBytes)
        return YkmanCommand(
            arguments: try deviceArguments(serial) + ["oath", "accounts", "delete", "--force", "--", label])
    }

    /// `ykman [--device S] oath accounts add … -- NAME` with the secret as one line on standard input.
    static func add(serial: String?, account: OATHAccount, secretBase32: String) throws(YubiKeyError) -> YkmanCommand {
        try validateText(account.name, what: "the account name", maximumBytes: 64)
        if let issuer = account.issuer {
            try validateText(issuer, what: "the issuer", maximumBytes: maximumLabelBytes)
        }
        guard allowedDigits.contains(account.digits) else {
            throw YubiKeyError(.invalidArgument("a YubiKey account has 6, 7 or 8 digits, not \(account.digits)"))
        }
        guard allowedAlgorithms.contains(account.algorithm) else {
            throw YubiKeyError(.invalidArgument("the algorithm must be SHA1, SHA256 or SHA512"))
        }
        guard allowedPeriods.contains(account.period) else {
            throw YubiKeyError(.invalidArgument("the period must be 1...3600 seconds, not \(account.period)"))
        }
        try validateSecret(secretBase32)
        var arguments = try deviceArguments(serial) + ["oath", "accounts", "add", "--oath-type", "TOTP"]
        arguments += ["--digits", String(account.digits), "--algorithm", account.algorithm]
        arguments += ["--period", String(account.period)]
        if let issuer = account.issuer {
            arguments += ["--issuer", issuer]
        }
        if account.touch {
            arguments.append("--touch")
        }
        if account.overwrite {
            arguments.append("--force")
        }
        arguments += ["--", account.name]
        return YkmanCommand(arguments: arguments, input: Array(secretBase32.utf8) + [0x0A])
    }

    /// `--device SERIAL` when a serial is given; ykman takes only a decimal number there.
    static func deviceArguments(_ serial: String?) throws(YubiKeyError) -> [String] {
        guard let serial else { return [] }
        guard (1...20).contains(serial.utf8.count), serial.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw YubiKeyError(.invalidArgument("the YubiKey serial must be a decimal number"))
        }
        return ["--device", serial]
    }

    /// Non-empty, at most `maximumBytes` UTF-8 bytes, no control characters (they cannot cross argv intact).
    static func validateText(_ text: String, what: String, maximumBytes: Int) throws(YubiKeyError) {
        guard !text.isEmpty else { throw YubiKeyError(.invalidArgument("\(what) is empty")) }
        guard text.utf8.count <= maximumBytes else {
            throw YubiKeyError(.invalidArgument("\(what) is longer than \(maximumBytes) bytes"))
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw YubiKeyError(.invalidArgument("\(what) contains a control character"))
        }
    }

    /// Accepts what ykman's `parse_b32_key` accepts (case-insensitive, spaces ignored, optional `=` padding) and
    /// what its `add` then requires: at least 2 bytes. Errors never quote the secret.
    static func validateSecret(_ secret: String) throws(YubiKeyError) {
        guard secret.utf8.count <= maximumSecretLength else {
            throw YubiKeyError(.invalidSecret("it is longer than \(maximumSecretLength) characters"))
        }
        let symbols = secret.utf8.filter { $0 != 0x20 }
        let padding = symbols.reversed().prefix { $0 == 0x3D }.count
        let data = symbols.dropLast(padding)
        let isBase32Symbol: (UInt8) -> Bool = { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x32...0x37).contains(byte)
        }
        guard data.allSatisfy(isBase32Symbol) else {
            throw YubiKeyError(.invalidSecret("it contains a character that is not base32 (A-Z, 2-7)"))
        }
        guard [0, 2, 4, 5, 7].contains(data.count % 8), padding <= (8 - data.count % 8) % 8 else {
            throw YubiKeyError(.invalidSecret("its length or padding is not valid base32"))
        }
        guard data.count * 5 / 8 >= 2 else {
            throw YubiKeyError(.invalidSecret("it is shorter than 2 bytes"))
        }
    }
}

/// The settings of an OATH account to add (the secret travels separately, on ykman's standard input).
struct OATHAccount: Sendable, Equatable {
    var name: String
    var issuer: String?
    var touch: Bool
    var digits: Int
    var algorithm: String
    var period: Int
    var overwrite: Bool
}
