import TestSupport
import Testing

@testable import WebAuthn

@Suite struct CBORTests {
    @Test func decodesEveryMajorTypeWebAuthnUses() throws {
        // {1: 2, 3: -7, -1: 1, "k": [h'0102', "é", true, false, null], 4: 4294967296}
        let bytes = hex("a5010203262001616b85420102" + "62c3a9" + "f5f4f6" + "041b0000000100000000")
        let item = try CBORDecoder.decode(bytes)
        #expect(item[1]?.integer == 2)
        #expect(item[3]?.integer == -7)
        #expect(item[-1]?.integer == 1)
        #expect(item["k"] == .array([.bytes([1, 2]), .text("é"), .bool(true), .bool(false), .null]))
        #expect(item[4]?.integer == 4_294_967_296)
        #expect(cbor(item) == bytes)
    }

    @Test func integerLimits() throws {
        #expect(try CBORDecoder.decode(hex("1bffffffffffffffff")) == .unsigned(.max))
        #expect(try CBORDecoder.decode(hex("3bffffffffffffffff")) == .negative(.max))
        #expect(try CBORDecoder.decode(hex("3bffffffffffffffff")).integer == nil)
        #expect(try CBORDecoder.decode(hex("3b7fffffffffffffff")).integer == Int.min)
        #expect(try CBORDecoder.decode(hex("1b7fffffffffffffff")).integer == Int.max)
    }

    @Test func acceptsNonMinimalHeads() throws {
        #expect(try CBORDecoder.decode(hex("1801")) == .unsigned(1))
        #expect(try CBORDecoder.decode(hex("5a0000000101")) == .bytes([1]))
    }

    @Test(arguments: [
        ("", "unexpected end of CBOR input at byte 0"),
        ("18", "unexpected end of CBOR input at byte 1"),
        ("1a0000", "unexpected end of CBOR input at byte 3"),
        ("4401", "CBOR length 4 exceeds the 1 remaining bytes at byte 1"),
        ("62c3", "CBOR length 2 exceeds the 1 remaining bytes at byte 1"),
        ("8118", "unexpected end of CBOR input at byte 2"),
        ("a10118", "unexpected end of CBOR input at byte 3"),
        ("8301", "CBOR array of 3 items exceeds the 1 remaining bytes at byte 0"),
        ("a101", "CBOR map of 1 entries exceeds the 1 remaining bytes at byte 0"),
    ])
    func rejectsTruncatedInput(input: String, message: String) {
        #expect(throws: CBORError.self) { try CBORDecoder.decode(hex(input)) }
        do { _ = try CBORDecoder.decode(hex(input)) } catch { #expect(error.description == message) }
    }

    @Test(arguments: [
        ("5f4101ff", "indefinite-length CBOR items are not supported at byte 0"),
        ("9fff", "indefinite-length CBOR items are not supported at byte 0"),
        ("bf01ff", "indefinite-length CBOR items are not supported at byte 0"),
        ("1c", "reserved CBOR additional information 28 at byte 0"),
        ("c240", "CBOR tags are not supported at byte 0"),
        ("f93c00", "CBOR floating-point values are not supported at byte 0"),
        ("fb3ff0000000000000", "CBOR floating-point values are not supported at byte 0"),
        ("f7", "unsupported CBOR simple value 23 at byte 0"),
        ("ff", "unexpected CBOR break at byte 0"),
        ("62c328", "CBOR text string is not valid UTF-8 at byte 0"),
        ("a2010201 03", "duplicate CBOR map key at byte 3"),
        ("a2616b01616b02", "duplicate CBOR map key at byte 4"),
        ("0102", "trailing bytes after the CBOR item at byte 1"),
    ])
    func rejectsMalformedInput(input: String, message: String) {
        do {
            _ = try CBORDecoder.decode(hex(input.filter { $0 != " " }))
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func checksLengthsBeforeAllocating() {
        // A byte string, an array and a map claiming 2^64-1 elements in a 9-byte input.
        for prefix in ["5b", "7b", "9b", "bb"] {
            #expect(throws: CBORError.self) { try CBORDecoder.decode(hex(prefix + "ffffffffffffffff")) }
        }
        // A map of 3 entries needs at least 6 more bytes.
        #expect(throws: CBORError(reason: "CBOR map of 3 entries exceeds the 4 remaining bytes", offset: 0)) {
            try CBORDecoder.decode(hex("a301020304"))
        }
    }

    @Test func limitsNestingDepth() throws {
        let sixteen = [UInt8](repeating: 0x81, count: 16) + [0x01]
        #expect(throws: Never.self) { try CBORDecoder.decode(sixteen) }
        let seventeen = [UInt8](repeating: 0x81, count: 17) + [0x01]
        #expect(throws: CBORError(reason: "CBOR nested deeper than 16", offset: 16)) {
            try CBORDecoder.decode(seventeen)
        }
        let deepMaps =
            [UInt8](repeating: 0xA1, count: 1) + [UInt8](repeating: 0x01, count: 1)
            + Array(repeating: [0xA1, 0x01], count: 100).flatMap { $0 } + [0x01]
        #expect(throws: CBORError.self) { try CBORDecoder.decode(deepMaps) }
        // 100 000 nested arrays must fail cleanly, not overflow the stack.
        #expect(throws: CBORError.self) { try CBORDecoder.decode([UInt8](repeating: 0x81, count: 100_000)) }
    }

    @Test func decodesAPrefixAndReportsItsLength() throws {
        let bytes: [UInt8] = [0xFF, 0xA1, 0x01, 0x02, 0xA0, 0x99]
        let (item, length) = try CBORDecoder.decodePrefix(bytes[1...])
        #expect(item == .map([.init(.int(1), .int(2))]))
        #expect(length == 3)
        #expect(throws: CBORError(reason: "unexpected end of CBOR input", offset: 1)) {
            try CBORDecoder.decodePrefix(bytes[5...])
        }
    }

    @Test func survivesRandomInput() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...24, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let item = try? CBORDecoder.decode(bytes) { #expect(cbor(item).count <= bytes.count) }
        }
    }
}

@Suite struct Base64URLTests {
    @Test(arguments: [
        ("", ""), ("66", "Zg"), ("666f", "Zm8"), ("666f6f", "Zm9v"), ("fbff", "-_8"), ("666f6f62", "Zm9vYg"),
    ])
    func roundTrips(bytes: String, text: String) {
        #expect(Base64URL.encode(hex(bytes)) == text)
        #expect(Base64URL.decode(text) == hex(bytes))
    }

    @Test func acceptsPadding() {
        #expect(Base64URL.decode("Zg==") == [0x66])
        #expect(Base64URL.decode("Zm8=") == [0x66, 0x6F])
    }

    @Test(arguments: ["Z", "Zg=", "Zg===", "Zh", "Zm9+", "Zm9/", "Zm 9v", "Zm9v\n", "=", "Zg==Zg"])
    func rejectsInvalid(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
