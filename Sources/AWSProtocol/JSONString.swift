/// JSON string literals for the small JSON documents the tools print or send (credential_process output, the console
/// federation's Session parameter), without a JSON encoder's start-up cost.
public enum JSONString {
    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`, everything else as is.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
