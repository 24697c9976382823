import AWSProtocol

/// Keeps secrets out of error messages: the signing secret, the session token, MFA codes and passwords sent with a
/// request, and the contents of the secret-bearing elements of AWS responses.
struct SecretRedactor: Sendable {
    /// What replaces a redacted value.
    static let mask = "***"
    /// Request parameters whose values are secrets.
    static let secretParameters: Set<String> = [
        "TokenCode", "AuthenticationCode1", "AuthenticationCode2", "Password", "NewPassword", "OldPassword",
    ]
    /// Response elements whose text is a secret.
    static let secretElements = ["SecretAccessKey", "SessionToken", "Base32StringSeed", "QRCodePNG", "Password"]

    private let secrets: [[UInt8]]

    init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }.sorted { $0.count > $1.count }
    }

    /// The secrets of a request signed with `credentials` and carrying `parameters`.
    init(credentials: AWSCredentials, parameters: [(String, String)]) {
        self.init(
            secrets: [credentials.secretAccessKey, credentials.sessionToken ?? ""]
                + parameters.filter { Self.secretParameters.contains($0.0) }.map(\.1))
    }

    /// Secrets at least this long are masked wherever they occur; shorter ones (codes) only as whole words.
    static let alwaysMaskedLength = 16

    /// `text` with every secret masked. Short ones (MFA codes) are masked only where they stand as a whole word (not
    /// inside a longer run of letters and digits), so that a code "123456" is hidden in "Value '123456'" but an
    /// account id "123456789012" is left alone.
    func redact(_ text: String) -> String {
        String(decoding: redact(Array(text.utf8)), as: UTF8.self)
    }

    func redact(_ bytes: [UInt8]) -> [UInt8] {
        guard !secrets.isEmpty else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        scan: while index < bytes.count {
            for secret in secrets where bytes[index...].starts(with: secret) {
                let end = index + secret.count
                let standsAlone =
                    secret.count >= Self.alwaysMaskedLength
                    || (index == 0 || !Self.isWordByte(bytes[index - 1]) || !Self.isWordByte(secret[0]))
                        && (end == bytes.count || !Self.isWordByte(bytes[end])
                            || !Self.isWordByte(secret[secret.count - 1]))
                if standsAlone {
                    output.append(contentsOf: Self.mask.utf8)
                    index = end
                    continue scan
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return output
    }

    /// `bytes` with the text of every secret element (`<SecretAccessKey>…<`) masked, also when truncated.
    static func redactSecretElements(_ bytes: [UInt8]) -> [UInt8] {
        var output = bytes
        for name in secretElements {
            let open = Array("<\(name)>".utf8)
            var searchFrom = 0
            while let start = firstIndex(of: open, in: output, from: searchFrom) {
                let contentStart = start + open.count
                let contentEnd = output[contentStart...].firstIndex(of: UInt8(ascii: "<")) ?? output.count
                output.replaceSubrange(contentStart..<contentEnd, with: Array(mask.utf8))
                searchFrom = contentStart + mask.utf8.count
            }
        }
        return output
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard pattern.count <= bytes.count - start else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: false
        }
    }
}
