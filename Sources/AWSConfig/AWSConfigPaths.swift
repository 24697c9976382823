extension AWSProfiles {
    /// The config file's path: `AWS_CONFIG_FILE`, else `~/.aws/config`, expanded as botocore does (`$VAR`,
    /// `${VAR}`, then a leading `~`).
    public static func configPath(environment: [String: String], home: String) -> String {
        expandPath(nonEmpty(environment["AWS_CONFIG_FILE"]) ?? "~/.aws/config", environment: environment, home: home)
    }

    /// The credentials file's path: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`, expanded likewise.
    public static func credentialsPath(environment: [String: String], home: String) -> String {
        let path = nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials"
        return expandPath(path, environment: environment, home: home)
    }

    /// Python's `os.path.expanduser(os.path.expandvars(path))` on POSIX; `~user` is left as is (no lookup).
    static func expandPath(_ path: String, environment: [String: String], home: String) -> String {
        let expanded = expandVariables(path, environment: environment)
        guard expanded.hasPrefix("~") else { return expanded }
        let rest = expanded.dropFirst()
        guard rest.isEmpty || rest.hasPrefix("/") else { return expanded }
        var base = Substring(home)
        while base.hasSuffix("/") { base = base.dropLast() }
        let result = base + rest
        return result.isEmpty ? "/" : String(result)
    }

    /// `$NAME` and `${NAME}` (NAME of ASCII letters, digits and `_`, or anything but `}` in braces) replaced where
    /// the variable is set, as Python's `posixpath.expandvars`.
    private static func expandVariables(_ path: String, environment: [String: String]) -> String {
        let bytes = Array(path.utf8)
        func isNameByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                true
            default: false
            }
        }
        /// The variable name after the `$` at `dollar`, and where its reference ends.
        func variable(at dollar: Int) -> (name: String, end: Int)? {
            let start = dollar + 1
            guard start < bytes.count else { return nil }
            if bytes[start] == UInt8(ascii: "{") {
                guard let close = bytes[(start + 1)...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                return (String(decoding: bytes[(start + 1)..<close], as: UTF8.self), close + 1)
            }
            let end = bytes[start...].firstIndex { !isNameByte($0) } ?? bytes.count
            return end > start ? (String(decoding: bytes[start..<end], as: UTF8.self), end) : nil
        }
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), let reference = variable(at: index) {
                output += environment[reference.name].map { Array($0.utf8) } ?? Array(bytes[index..<reference.end])
                index = reference.end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// The value, unless it is nil or empty (empty environment variables count as unset).
func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}
