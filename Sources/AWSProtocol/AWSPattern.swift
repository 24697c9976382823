/// A string-constraint pattern from an AWS service model: its source text (quoted in validation messages) and a
/// character-level matcher (no regular-expression engine). As in AWS's Java validators, `\w` is `[A-Za-z0-9_]`
/// and `\d` is `[0-9]`.
public struct AWSPattern: Sendable, Equatable {
    public let source: String
    private let rule: Rule

    private enum Rule: Sendable, Equatable {
        /// One character class repeated: `[…]+` or `[…]*`.
        case repeated(CharacterClass, allowsEmpty: Bool)
        /// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`: "/" alone, or "/…/" of printable ASCII.
        case slashDelimitedPath
        /// `\u002F[\u0021-\u007F]*`: "/" followed by printable ASCII.
        case slashPrefixed
        /// `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`: lower-case letters, digits and single hyphens inside.
        case accountAlias
    }

    private init(_ source: String, _ rule: Rule) {
        self.source = source
        self.rule = rule
    }

    /// A pattern `[<ASCII characters>]+` (or `*` with `allowsEmpty`), `wordCharacters` adding `\w`.
    public init(source: String, asciiCharacters: String, wordCharacters: Bool = false, allowsEmpty: Bool = false) {
        self.init(
            source, .repeated(CharacterClass(word: wordCharacters, ascii: asciiCharacters), allowsEmpty: allowsEmpty))
    }

    /// Whether the whole of `value` matches.
    public func matches(_ value: String) -> Bool {
        switch rule {
        case .repeated(let characters, let allowsEmpty):
            if value.isEmpty { return allowsEmpty }
            return value.unicodeScalars.allSatisfy(characters.contains)
        case .slashDelimitedPath:
            let utf8 = value.utf8
            return utf8.first == UInt8(ascii: "/") && utf8.last == UInt8(ascii: "/") && utf8.count != 2
                && utf8.allSatisfy { (0x21...0x7E).contains($0) }
        case .slashPrefixed:
            return value.utf8.first == UInt8(ascii: "/") && value.utf8.allSatisfy { (0x21...0x7F).contains($0) }
        case .accountAlias:
            let utf8 = Array(value.utf8)
            func alphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
            guard utf8.count >= 3, alphanumeric(utf8.first!), alphanumeric(utf8.last!) else { return false }
            return zip(utf8, utf8.dropFirst()).allSatisfy { pair in
                (alphanumeric(pair.0) || pair.0 == 0x2D) && !(pair.0 == 0x2D && pair.1 == 0x2D)
            }
        }
    }

    /// `[\w+=,.@-]+` (IAM user names, virtual MFA device names).
    public static let userName = AWSPattern(source: #"[\w+=,.@-]+"#, asciiCharacters: "+=,.@-", wordCharacters: true)
    /// `[\w+=,.@-]+`.
    public static let virtualMFADeviceName = userName
    /// `[\w+=/:,.@-]+` (IAM `serialNumberType`).
    public static let serialNumber = AWSPattern(
        source: #"[\w+=/:,.@-]+"#, asciiCharacters: "+=/:,.@-", wordCharacters: true)
    /// `[\w+=/:,.@-]*` (STS `serialNumberType`).
    public static let stsSerialNumber = AWSPattern(
        source: #"[\w+=/:,.@-]*"#, asciiCharacters: "+=/:,.@-", wordCharacters: true, allowsEmpty: true)
    /// `[\d]+` (IAM `authenticationCodeType`).
    public static let digits = AWSPattern(source: #"[\d]+"#, asciiCharacters: "0123456789")
    /// `[\d]*` (STS `tokenCodeType`).
    public static let stsDigits = AWSPattern(source: #"[\d]*"#, asciiCharacters: "0123456789", allowsEmpty: true)
    /// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)` (IAM `pathType`).
    public static let path = AWSPattern(#"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#, .slashDelimitedPath)
    /// `[\w+=,.@-]*` (STS `roleSessionNameType`).
    public static let roleSessionName = AWSPattern(
        source: #"[\w+=,.@-]*"#, asciiCharacters: "+=,.@-", wordCharacters: true, allowsEmpty: true)
    /// `[\w+=,.@-]*` (STS `sourceIdentityType`).
    public static let sourceIdentity = roleSessionName
    /// `[\w+=,.@:\/-]*` (STS `externalIdType`).
    public static let externalId = AWSPattern(
        source: #"[\w+=,.@:\/-]*"#, asciiCharacters: "+=,.@:/-", wordCharacters: true, allowsEmpty: true)
    /// `[\w]+` (`accessKeyIdType`).
    public static let accessKeyId = AWSPattern(source: #"[\w]+"#, asciiCharacters: "", wordCharacters: true)
    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]+` (IAM `tagKeyType`).
    public static let tagKey = AWSPattern(
        #"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"#,
        .repeated(
            CharacterClass(word: true, ascii: " _.:/=+-@", nonASCII: .lettersSeparatorsNumbers), allowsEmpty: false))
    /// `[\p{L}\p{Z}\p{N}_.:/=+\-@]*` (IAM `tagValueType`).
    public static let tagValue = AWSPattern(
        #"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#,
        .repeated(
            CharacterClass(word: true, ascii: " _.:/=+-@", nonASCII: .lettersSeparatorsNumbers), allowsEmpty: true))
    /// `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+` (`arnType`).
    public static let arn = AWSPattern(
        #"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"#,
        .repeated(
            CharacterClass(word: true, ascii: "\t\n\r !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~", nonASCII: .xmlText),
            allowsEmpty: false))
    /// `\u002F[\u0021-\u007F]*` (IAM `pathPrefixType`).
    public static let pathPrefix = AWSPattern(#"\u002F[\u0021-\u007F]*"#, .slashPrefixed)
    /// `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$` (IAM `accountAliasType`).
    public static let accountAlias = AWSPattern(#"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"#, .accountAlias)
    /// `[\u0009\u000A\u000D\u0020-\u00FF]+` (IAM `passwordType`).
    public static let password = AWSPattern(
        #"[\u0009\u000A\u000D\u0020-\u00FF]+"#,
        .repeated(
            CharacterClass(word: true, ascii: "\t\n\r !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~", nonASCII: .latin1),
            allowsEmpty: false))
    /// `[\u0009\u000A\u000D\u0020-\u00FF]+` (IAM `policyDocumentType`).
    public static let policyDocument = password
    /// `[\u0020-\u00FF]+` (IAM `markerType`).
    public static let marker = AWSPattern(
        #"[\u0020-\u00FF]+"#,
        .repeated(
            CharacterClass(word: true, ascii: " !\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~", nonASCII: .latin1),
            allowsEmpty: false))
}

/// A set of Unicode scalars: an ASCII bitmap plus a rule for non-ASCII scalars.
private struct CharacterClass: Sendable, Equatable {
    enum NonASCII: Sendable, Equatable {
        case none
        /// `\p{L}\p{Z}\p{N}` beyond ASCII (their ASCII members are letters, digits and space).
        case lettersSeparatorsNumbers
        /// U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
        case xmlText
        /// U+0080–U+00FF.
        case latin1
    }

    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private let nonASCII: NonASCII

    init(word: Bool, ascii: String, nonASCII: NonASCII = .none) {
        self.nonASCII = nonASCII
        let wordCharacters = word ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_" : ""
        for byte in (ascii + wordCharacters).utf8 where byte < 0x80 {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 64 { return low & (1 << UInt64(value)) != 0 }
        if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
        switch nonASCII {
        case .none: return false
        case .latin1: return value <= 0xFF
        case .xmlText:
            return value == 0x85 || (0xA0...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value)
                || value >= 0x10000
        case .lettersSeparatorsNumbers:
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spaceSeparator,
                .lineSeparator, .paragraphSeparator, .decimalNumber, .letterNumber, .otherNumber:
                return true
            default: return false
            }
        }
    }
}
