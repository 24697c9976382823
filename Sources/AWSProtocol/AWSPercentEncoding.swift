/// AWS's URI encoding (RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay literal, everything else is `%XX` with
/// upper-case hex over UTF-8), and form bodies built with it, for clients.
public enum AWSPercentEncoding {
    /// Percent-encodes `string`; `encodeSlash: false` keeps `/` literal (for URI paths).
    public static func encode(_ string: String, encodeSlash: Bool = true) -> String {
        var bytes: [UInt8] = []
        append(string.utf8, encodeSlash: encodeSlash, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` body `k1=v1&k2=v2` in the given order, each side encoded with `encode`.
    public static func formBody(_ pairs: [(String, String)]) -> String {
        var bytes: [UInt8] = []
        for (index, (name, value)) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            append(name.utf8, encodeSlash: true, to: &bytes)
            bytes.append(UInt8(ascii: "="))
            append(value.utf8, encodeSlash: true, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(_ source: some Sequence<UInt8>, encodeSlash: Bool, to bytes: inout [UInt8]) {
        for byte in source {
            if isUnreserved(byte) || (!encodeSlash && byte == UInt8(ascii: "/")) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(Hex.upperDigits[Int(byte >> 4)])
                bytes.append(Hex.upperDigits[Int(byte & 0x0F)])
            }
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

/// Hexadecimal digits.
public enum Hex {
    static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes` (SigV4 hashes and signatures), appended to `output`.
    static func appendLower(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
        for byte in bytes {
            output.append(lowerDigits[Int(byte >> 4)])
            output.append(lowerDigits[Int(byte & 0x0F)])
        }
    }

    /// Lower-case hex of `bytes`, e.g. of a SHA-256 digest.
    public static func lower(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        appendLower(bytes, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of one hex digit (either case), or nil.
    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
