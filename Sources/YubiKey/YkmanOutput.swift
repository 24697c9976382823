/// Reads what ykman 5.9 printed: results on standard output, failures from its exit status and error text.
enum YkmanOutput {
    /// Longest first error line carried into ``YubiKeyError/Reason/failed(exitCode:stderrFirstLine:)``.
    static let maximumErrorLineLength = 300

    /// `ykman list --serials`: one decimal serial per line.
    static func serials(_ standardOutput: String) throws(YubiKeyError) -> [String] {
        let serials = lines(standardOutput)
        guard
            serials.allSatisfy({ (1...20).contains($0.utf8.count) && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
            )
        else {
            throw YubiKeyError(.failed(exitCode: 0, stderrFirstLine: "`ykman list --serials` printed a non-serial"))
        }
        return serials
    }

    /// `ykman oath accounts list`: one account id per line.
    static func accounts(_ standardOutput: String) -> [String] {
        lines(standardOutput)
    }

    /// `ykman oath accounts code --single`: the code alone on the last line (6 to 8 digits on a YubiKey).
    static func code(_ standardOutput: String) throws(YubiKeyError) -> String {
        guard let code = lines(standardOutput).last, (6...10).contains(code.utf8.count),
            code.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { throw YubiKeyError(.failed(exitCode: 0, stderrFirstLine: "ykman printed no numeric code")) }
        return code
    }

    /// `ykman oath accounts delete --force` exits 0 also when nothing matched.
    static func deleted(_ standardOutput: String, label: String) throws(YubiKeyError) {
        if standardOutput.contains("No matches, nothing to be done.") {
            throw YubiKeyError(.accountNotFound(label))
        }
        guard standardOutput.contains("Deleted \(label).") else {
            throw YubiKeyError(.failed(exitCode: 0, stderrFirstLine: "ykman did not confirm the deletion"))
        }
    }

    /// The error for a non-zero exit, from ykman's texts (ykman/_cli/__main__.py, oath.py, util.py; click).
    /// `serial` is the one asked for; `label` the account the command was about.
    static func failure(exitStatus: Int32, standardError: String, serial: String?, label: String?) -> YubiKeyError {
        let text = standardError
        if text.contains("No YubiKey detected") {
            return YubiKeyError(.noDevice)
        }
        if text.contains("Multiple YubiKeys detected") || text.contains("Use --device SERIAL") {
            return YubiKeyError(.severalDevices(listedSerials(text)))
        }
        if text.contains("Failed connecting to a YubiKey with serial")
            || text.contains("Failed connecting to the YubiKey")
            || text.contains("Failed to open device")
        {
            return YubiKeyError(.deviceNotFound(serial ?? "?"))
        }
        if text.contains("Authentication to the YubiKey failed") || text.contains("Enter the password") {
            return YubiKeyError(.passwordProtected)
        }
        if text.contains("Touch account timed out") {
            return YubiKeyError(.touchTimedOut)
        }
        if let label {
            if text.contains("No matching account found") {
                return YubiKeyError(.accountNotFound(label))
            }
            if text.contains("Multiple matches") {
                return YubiKeyError(.ambiguousLabel(label, matches: listedMatches(text)))
            }
            if text.contains("already exists on this YubiKey") {
                return YubiKeyError(.accountExists(label))
            }
        }
        if text.contains("Enter a secret key") {
            return YubiKeyError(.invalidSecret("ykman did not accept it as base32"))
        }
        return YubiKeyError(.failed(exitCode: exitStatus, stderrFirstLine: firstErrorLine(text)))
    }

    /// ykman's own "ERROR: …" line, else click's "Error: …" line, else the first non-empty line.
    static func firstErrorLine(_ standardError: String) -> String {
        let all = lines(standardError)
        let line =
            all.first(where: { $0.hasPrefix("ERROR: ") || $0.hasPrefix("Error: ") }).map { String($0.dropFirst(7)) }
            ?? all.first ?? "no error output"
        let printable = line.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }
            .joined()
        return String(printable.prefix(maximumErrorLineLength))
    }

    /// Serials from ykman's "- YubiKey 5 NFC (5.7.1) [OTP+FIDO+CCID] Serial: 12345678" lines.
    static func listedSerials(_ standardError: String) -> [String] {
        lines(standardError).compactMap { line in
            guard line.hasPrefix("- "), let range = line.ranges(of: " Serial: ").last else { return nil }
            let serial = line[range.upperBound...]
            return serial.utf8.allSatisfy({ (0x30...0x39).contains($0) }) && !serial.isEmpty ? String(serial) : nil
        }
    }

    /// The account ids ykman lists after "Error: Multiple matches, make the query more specific." and a blank line.
    static func listedMatches(_ standardError: String) -> [String] {
        let all = standardError.split(separator: "\n", omittingEmptySubsequences: false).map(trimmed)
        guard let start = all.firstIndex(where: { $0.contains("Multiple matches") }) else { return [] }
        return all[(start + 1)...].filter { !$0.isEmpty && !$0.hasPrefix("ERROR: ") }
    }

    /// Non-empty lines without surrounding whitespace (ykman ends lines with "\n"; "\r\n" on Windows).
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map(trimmed).filter { !$0.isEmpty }
    }

    private static func trimmed(_ line: Substring) -> String {
        String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
