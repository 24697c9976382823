#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
                bytes.append(Hex.upperDigit(byte >> 4))
                bytes.append(Hex.upperDigit(byte & 0x0F))
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
    /// The upper-case hex digit of `nibble` (0–15).
    static func upperDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") - 10 + nibble
    }

    /// The lower-case hex digit of `nibble` (0–15).
    public static func lowerDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// Lower-case hex of `bytes` (SigV4 hashes and signatures), appended to `output`.
    static func appendLower(_ bytes: some ContiguousBytes, to output: inout [UInt8]) {
        bytes.withUnsafeBytes { raw in
            for byte in raw {
                output.append(lowerDigit(byte >> 4))
                output.append(lowerDigit(byte & 0x0F))
            }
        }
    }

    /// Lower-case hex of `bytes`, e.g. of a SHA-256 digest.
    public static func lower(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: 2 * raw.count) { output in
                for (index, byte) in raw.enumerated() {
                    output[2 * index] = lowerDigit(byte >> 4)
                    output[2 * index + 1] = lowerDigit(byte & 0x0F)
                }
                return 2 * raw.count
            }
        }
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
