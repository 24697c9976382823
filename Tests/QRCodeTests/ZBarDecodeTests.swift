import Foundation
import Testing

@testable import QRCode

/// Every symbol is rendered to PNG and read back with the real decoder `zbarimg` (zbar-tools).
@Suite struct ZBarDecodeTests {
    static let otpauthURIs: [String] = (0..<4).map { seed in
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var state = UInt64(seed) &+ 0x9E37_79B9_7F4A_7C15
        let secret = String(
            (0..<64).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 59)]
            })
        return "otpauth://totp/Vegas:alice@123456789012?secret=\(secret)&issuer=Vegas"
    }

    static let texts: [String] =
        otpauthURIs + [
            "",
            "0",
            "0123456789",
            "31415926535897932384626433832795028841971693993751",
            "HELLO WORLD",
            "ABC $%*+-./: XYZ 0123",
            "hello, world",
            "Grüße aus Köln — 世界 🌍",
            "line one\nline two\ttab",
        ]

    @Test(arguments: texts, QRErrorCorrection.allCases)
    func textRoundTripsThroughZBar(text: String, level: QRErrorCorrection) throws {
        let code = try QRCode(text: text, errorCorrection: level)
        #expect(try ExternalTools.zbarDecode(png: code.png()) == Array(text.utf8))
    }

    /// Printable ASCII with lower case (so byte mode), varied so every block carries different data.
    static func asciiText(count: Int, seed: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_/?=&")
        return String((0..<count).map { alphabet[($0 * 7 + $0 / 13 + seed) % alphabet.count] })
    }

    /// Each version 1...40 filled to its byte capacity, the level rotating so every level meets many versions.
    @Test(arguments: 1...40)
    func everyVersionAtFullByteCapacityDecodes(version: Int) throws {
        let level = QRErrorCorrection.allCases[version % 4]
        let text = Self.asciiText(count: CapacityTests.byteCapacities[level]![version - 1], seed: version)
        let code = try QRCode(text: text, errorCorrection: level)
        #expect(code.version == version)
        #expect(try ExternalTools.zbarDecode(png: code.png(scale: 4)) == Array(text.utf8))
    }

    @Test(arguments: CapacityTests.largestInputs.map(\.0))
    func largestNumericAndAlphanumericInputsDecode(level: QRErrorCorrection) throws {
        let limits = CapacityTests.largestInputs.first { $0.0 == level }!
        let digits = String((0..<limits.numeric).map { Character(String($0 * 7 % 10)) })
        let characters = String(
            (0..<limits.alphanumeric).map { Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")[$0 * 11 % 45] })
        for text in [digits, characters] {
            let code = try QRCode(text: text, errorCorrection: level)
            #expect(code.version == 40)
            #expect(try ExternalTools.zbarDecode(png: code.png(scale: 3)) == Array(text.utf8))
        }
    }

    @Test func byteInitialiserRoundTripsUTF8() throws {
        let text = "Vegas MFA ✓ – ключ"
        let code = try QRCode(bytes: Array(text.utf8), errorCorrection: .quartile)
        #expect(try ExternalTools.zbarDecode(png: code.png()) == Array(text.utf8))
    }
}
