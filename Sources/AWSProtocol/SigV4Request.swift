/// Credentials that sign requests: a long-term access key, or temporary ones with a session token.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// One HTTP request as SigV4 sees it: the raw (still percent-encoded) path and query, the headers in order
/// (names in any case, repeats allowed) and the exact body bytes.
public struct SigV4Request: Sendable {
    public var method: String
    /// The raw request path, not decoded (e.g. `/` or `/a%20b`).
    public var path: String
    /// The raw query string without the leading `?` (empty if none).
    public var rawQuery: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, path: String = "/", rawQuery: String = "", headers: [(name: String, value: String)],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }

    /// The values of every header named `name` (ASCII case-insensitive), in request order.
    public func headerValues(_ name: String) -> [String] {
        headers.lazy.filter { ASCII.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// The first value of header `name` (ASCII case-insensitive), or nil.
    public func header(_ name: String) -> String? {
        headers.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }
}

/// ASCII helpers for header names and whitespace.
enum ASCII {
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
    }

    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && zip(lhs.utf8, rhs.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// `string` with ASCII upper-case letters lowered (header names).
    static func lowercased(_ string: String) -> String {
        guard string.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return string }
        return String(decoding: string.utf8.map { lowercased($0) }, as: UTF8.self)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// The parts of `string` between occurrences of the ASCII `separator`, empty parts included. Works on the UTF-8
    /// bytes: splitting by `Character` would check grapheme boundaries at every position of every header.
    static func split(_ string: Substring, on separator: UInt8) -> [Substring] {
        var parts: [Substring] = []
        var start = string.startIndex
        let utf8 = string.utf8
        var index = utf8.startIndex
        while index < utf8.endIndex {
            if utf8[index] == separator {
                parts.append(string[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        parts.append(string[start...])
        return parts
    }

    /// `string` without leading and trailing ASCII whitespace.
    static func trimmed(_ string: Substring) -> Substring {
        let utf8 = string.utf8
        guard let first = utf8.firstIndex(where: { !isWhitespace($0) }),
            let last = utf8.lastIndex(where: { !isWhitespace($0) })
        else { return string[string.endIndex...] }
        return string[first...last]
    }
}
