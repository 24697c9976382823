import Testing

@testable import QRCode

/// Reed–Solomon over GF(256) against the worked examples of ISO/IEC 18004 annex I and the Thonky tutorial.
@Suite struct ReedSolomonTests {
    /// The generator's coefficients as powers of α, leading α⁰ left out.
    func exponents(degree: Int) -> [Int] {
        ReedSolomon.generator(degree: degree).map(ReedSolomon.logarithm)
    }

    @Test func generatorPolynomialsMatchPublishedTables() {
        #expect(exponents(degree: 7) == [87, 229, 146, 149, 238, 102, 21])
        #expect(exponents(degree: 10) == [251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    @Test func fieldMultiplicationReducesByTheQRPolynomial() {
        #expect(ReedSolomon.multiply(0x80, 2) == 0x1D)  // x⁸ = x⁴ + x³ + x² + 1
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
        #expect(ReedSolomon.multiply(1, 0x53) == 0x53)
        #expect(ReedSolomon.logarithm(2) == 1)
    }

    /// "HELLO WORLD" at 1-M: data and error-correction codewords.
    static let helloWorldData: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    static let helloWorldECC: [UInt8] = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]

    @Test func remainderOfHelloWorldIsTheKnownErrorCorrection() {
        let generator = ReedSolomon.generator(degree: 10)
        #expect(ReedSolomon.remainder(of: Self.helloWorldData, generator: generator) == Self.helloWorldECC)
    }

    @Test func helloWorldEncodesToTheKnownDataCodewords() throws {
        let segment = Segment(text: "HELLO WORLD")
        #expect(segment.mode == .alphanumeric)
        #expect(try Codewords.smallestVersion(for: segment, level: .medium) == 1)
        let data = Codewords.dataCodewords(for: segment, version: 1, level: .medium)
        #expect(data == Self.helloWorldData)
        #expect(
            Codewords.interleaved(data: data, version: 1, level: .medium) == Self.helloWorldData + Self.helloWorldECC)
    }

    /// 5-Q has two blocks of 15 and two of 16 data codewords, 18 error-correction codewords each.
    @Test func interleavingTakesColumnsAcrossBlocksShortBlocksFirst() {
        let data = (0..<62).map { UInt8($0) }
        let result = Codewords.interleaved(data: data, version: 5, level: .quartile)
        #expect(result.count == 134)
        #expect(Array(result.prefix(8)) == [0, 15, 30, 46, 1, 16, 31, 47])
        // The last data column exists only in the two long blocks.
        #expect(Array(result[56..<62]) == [14, 29, 44, 60, 45, 61])
        let generator = ReedSolomon.generator(degree: 18)
        let firstBlockECC = ReedSolomon.remainder(of: data[0..<15], generator: generator)
        let lastBlockECC = ReedSolomon.remainder(of: data[46..<62], generator: generator)
        #expect(result[62] == firstBlockECC[0])
        #expect(result[65] == lastBlockECC[0])
        #expect(result[133] == lastBlockECC[17])
    }
}
