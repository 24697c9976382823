import Testing

@testable import QRCode

/// Function patterns, format and version information against ISO/IEC 18004 (annexes C, D, E).
@Suite struct SymbolStructureTests {
    /// Format information strings of annex C, most significant bit first, for masks 0...7.
    static let formatStrings: [QRErrorCorrection: [String]] = [
        .low: [
            "111011111000100", "111001011110011", "111110110101010", "111100010011101",
            "110011000101111", "110001100011000", "110110001000001", "110100101110110",
        ],
        .medium: [
            "101010000010010", "101000100100101", "101111001111100", "101101101001011",
            "100010111111001", "100000011001110", "100111110010111", "100101010100000",
        ],
        .quartile: [
            "011010101011111", "011000001101000", "011111100110001", "011101000000110",
            "010010010110100", "010000110000011", "010111011011010", "010101111101101",
        ],
        .high: [
            "001011010001001", "001001110111110", "001110011100111", "001100111010000",
            "000011101100010", "000001001010101", "000110100001100", "000100000111011",
        ],
    ]

    static func binary(_ value: Int, width: Int) -> String {
        String((0..<width).reversed().map { (value >> $0) & 1 == 1 ? "1" : "0" })
    }

    @Test func formatBitsMatchAnnexC() {
        for level in QRErrorCorrection.allCases {
            for mask in 0..<8 {
                #expect(
                    Self.binary(FormatInformation.bits(level: level, mask: mask), width: 15)
                        == Self.formatStrings[level]![mask])
            }
        }
    }

    @Test func versionBitsMatchAnnexD() {
        #expect(Self.binary(FormatInformation.versionBits(version: 7), width: 18) == "000111110010010100")
        #expect(Self.binary(FormatInformation.versionBits(version: 8), width: 18) == "001000010110111100")
        #expect(Self.binary(FormatInformation.versionBits(version: 40), width: 18) == "101000110001101001")
    }

    static func bitString(_ code: QRCode, _ points: [(Int, Int)]) -> String {
        String(points.map { code[$0.0, $0.1] ? "1" : "0" })
    }

    /// Both copies read most significant bit first: along row 8 then up column 8 by the upper-left finder;
    /// up column 8 by the lower-left finder, then along row 8 by the upper-right one.
    @Test(arguments: QRErrorCorrection.allCases)
    func symbolCarriesBothCopiesOfItsFormatInformation(level: QRErrorCorrection) throws {
        let code = try QRCode(text: "otpauth://totp/Vegas:bob?secret=JBSWY3DPEHPK3PXP", errorCorrection: level)
        let last = code.size - 1
        let expected = Self.formatStrings[level]![code.mask]
        let upperLeft: [(Int, Int)] =
            [(0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7)]
            + (0...5).reversed().map { (8, $0) }
        let split: [(Int, Int)] = (0..<7).map { (8, last - $0) } + (0..<8).map { (last - 7 + $0, 8) }
        #expect(Self.bitString(code, upperLeft) == expected)
        #expect(Self.bitString(code, split) == expected)
        #expect(code[8, code.size - 8], "the dark module")
    }

    @Test func symbolCarriesBothCopiesOfItsVersionInformation() throws {
        let code = try QRCode(text: String(repeating: "x", count: 200), errorCorrection: .low)
        #expect(code.version == 9)
        let expected = Self.binary(FormatInformation.versionBits(version: 9), width: 18)
        // Bit i sits at (size − 11 + i mod 3, i div 3) and mirrored; read from bit 17 down to bit 0.
        let upperRight = (0..<18).reversed().map { (code.size - 11 + $0 % 3, $0 / 3) }
        let lowerLeft = (0..<18).reversed().map { ($0 / 3, code.size - 11 + $0 % 3) }
        #expect(Self.bitString(code, upperRight) == expected)
        #expect(Self.bitString(code, lowerLeft) == expected)
    }

    @Test func findersTimingAndOutsideAreWhereTheStandardPutsThem() throws {
        let code = try QRCode(text: "VEGAS", errorCorrection: .high)
        #expect(code.version == 1 && code.size == 21)
        let finderRows = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"]
        for (left, top) in [(0, 0), (14, 0), (0, 14)] {
            for (dy, row) in finderRows.enumerated() {
                #expect(Self.bitString(code, (0..<7).map { (left + $0, top + dy) }) == row)
            }
        }
        #expect(Self.bitString(code, (8...12).map { ($0, 6) }) == "10101")
        #expect(Self.bitString(code, (8...12).map { (6, $0) }) == "10101")
        #expect(!code[-1, 0] && !code[0, -1] && !code[21, 0] && !code[0, 21] && !code[Int.min, Int.max])
    }

    @Test func alignmentPatternCentresMatchAnnexE() {
        #expect(VersionTables.alignmentPositions(version: 1) == [])
        #expect(VersionTables.alignmentPositions(version: 2) == [6, 18])
        #expect(VersionTables.alignmentPositions(version: 7) == [6, 22, 38])
        #expect(VersionTables.alignmentPositions(version: 14) == [6, 26, 46, 66])
        #expect(VersionTables.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(VersionTables.alignmentPositions(version: 36) == [6, 24, 50, 76, 102, 128, 154])
        #expect(VersionTables.alignmentPositions(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }

    @Test func codewordCountsMatchTable9() {
        #expect(VersionTables.totalCodewords(version: 1) == 26)
        #expect(VersionTables.totalCodewords(version: 2) == 44)
        #expect(VersionTables.totalCodewords(version: 7) == 196)
        #expect(VersionTables.totalCodewords(version: 40) == 3706)
        #expect(VersionTables.dataCodewords(version: 40, level: .low) == 2956)
        #expect(VersionTables.dataCodewords(version: 40, level: .high) == 1276)
    }

    @Test func encodingIsDeterministicAndEquatable() throws {
        let first = try QRCode(text: "same input")
        #expect(try QRCode(text: "same input") == first)
        #expect(try QRCode(text: "same input", errorCorrection: .high) != first)
    }
}
