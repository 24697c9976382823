/// From a segment to the final codeword sequence: version choice, padding, Reed–Solomon blocks, interleaving.
enum Codewords {
    /// The smallest version whose data capacity at `level` holds `segment`.
    static func smallestVersion(for segment: Segment, level: QRErrorCorrection) throws(QRCodeError) -> Int {
        for version in VersionTables.versions {
            let capacityBits = VersionTables.dataCodewords(version: version, level: level) * 8
            if let needed = segment.encodedBitCount(version: version), needed <= capacityBits {
                return version
            }
        }
        let largest = VersionTables.versions.upperBound
        let capacityBits = VersionTables.dataCodewords(version: largest, level: level) * 8
        throw QRCodeError(
            mode: segment.mode, length: segment.length,
            capacity: segment.capacity(dataBits: capacityBits, version: largest), errorCorrection: level)
    }

    /// Mode indicator, character count and payload, then terminator, bit padding and the pad bytes 0xEC 0x11.
    /// `segment` must fit `version` (see `smallestVersion`).
    static func dataCodewords(for segment: Segment, version: Int, level: QRErrorCorrection) -> [UInt8] {
        let codewordCount = VersionTables.dataCodewords(version: version, level: level)
        var bits = BitBuffer()
        bits.append(segment.modeIndicator, width: 4)
        bits.append(segment.length, width: segment.characterCountWidth(version: version))
        bits.append(segment.payload)
        bits.append(0, width: min(4, codewordCount * 8 - bits.count))
        bits.append(0, width: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        codewords.reserveCapacity(codewordCount)
        var pad: UInt8 = 0xEC
        while codewords.count < codewordCount {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// Splits `data` into the version's blocks (short blocks first), appends each block's error correction,
    /// and interleaves: data column by column, then error correction column by column.
    static func interleaved(data: [UInt8], version: Int, level: QRErrorCorrection) -> [UInt8] {
        let blockCount = VersionTables.blockCount(version: version, level: level)
        let eccWidth = VersionTables.eccCodewordsPerBlock(version: version, level: level)
        let total = VersionTables.totalCodewords(version: version)
        let shortBlockCount = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccWidth
        let generator = ReedSolomon.generator(degree: eccWidth)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = data.startIndex
        for block in 0..<blockCount {
            let length = shortDataLength + (block < shortBlockCount ? 0 : 1)
            let slice = data[start..<(start + length)]
            dataBlocks.append(slice)
            eccBlocks.append(ReedSolomon.remainder(of: slice, generator: generator))
            start += length
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for column in 0...shortDataLength {
            for block in dataBlocks where column < block.count {
                result.append(block[block.startIndex + column])
            }
        }
        for column in 0..<eccWidth {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}
