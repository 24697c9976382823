/// A small DEFLATE compressor (RFC 1951): greedy LZ77 over a 32 KiB window, one block with the fixed Huffman codes.
/// QR images are long runs of repeated rows, which this compresses well without dynamic code tables.
enum Deflate {
    private static let windowSize = 32768
    private static let maximumMatch = 258
    private static let minimumMatch = 3
    private static let maximumChain = 64
    private static let hashBits = 15

    private static let lengthBases = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    private static let lengthExtraBits = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBases = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
        6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtraBits = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// A raw DEFLATE stream (no zlib header) holding `data`.
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var writer = LSBFirstBitWriter()
        writer.write(1, width: 1)  // BFINAL: the only block
        writer.write(1, width: 2)  // BTYPE 01: fixed Huffman codes

        var head = [Int](repeating: -1, count: 1 << hashBits)
        var previous = [Int](repeating: -1, count: data.count)
        func hash(at index: Int) -> Int {
            let key = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2])
            return Int((key &* 2_654_435_761) >> UInt32(32 - hashBits))
        }
        func remember(_ index: Int) {
            guard index + minimumMatch <= data.count else { return }
            let key = hash(at: index)
            previous[index] = head[key]
            head[key] = index
        }

        var position = 0
        while position < data.count {
            var bestLength = 0
            var bestDistance = 0
            if position + minimumMatch <= data.count {
                let longest = min(maximumMatch, data.count - position)
                var candidate = head[hash(at: position)]
                var chain = maximumChain
                while candidate >= 0, position - candidate <= windowSize, chain > 0 {
                    var length = 0
                    while length < longest, data[candidate + length] == data[position + length] { length += 1 }
                    if length > bestLength {
                        bestLength = length
                        bestDistance = position - candidate
                        if length == longest { break }
                    }
                    candidate = previous[candidate]
                    chain -= 1
                }
            }
            if bestLength >= minimumMatch {
                writeMatch(length: bestLength, distance: bestDistance, to: &writer)
                for index in position..<(position + bestLength) { remember(index) }
                position += bestLength
            } else {
                writeLiteralOrLength(Int(data[position]), to: &writer)
                remember(position)
                position += 1
            }
        }
        writeLiteralOrLength(256, to: &writer)  // end of block
        return writer.finish()
    }

    /// The fixed literal/length code (RFC 1951, 3.2.6) of `symbol` (0...287).
    private static func writeLiteralOrLength(_ symbol: Int, to writer: inout LSBFirstBitWriter) {
        switch symbol {
        case 0...143: writer.writeHuffman(0x30 + symbol, width: 8)
        case 144...255: writer.writeHuffman(0x190 + symbol - 144, width: 9)
        case 256...279: writer.writeHuffman(symbol - 256, width: 7)
        default: writer.writeHuffman(0xC0 + symbol - 280, width: 8)
        }
    }

    private static func writeMatch(length: Int, distance: Int, to writer: inout LSBFirstBitWriter) {
        let lengthCode = lengthBases.lastIndex { $0 <= length }!
        writeLiteralOrLength(257 + lengthCode, to: &writer)
        writer.write(length - lengthBases[lengthCode], width: lengthExtraBits[lengthCode])
        let distanceCode = distanceBases.lastIndex { $0 <= distance }!
        writer.writeHuffman(distanceCode, width: 5)
        writer.write(distance - distanceBases[distanceCode], width: distanceExtraBits[distanceCode])
    }
}

/// Packs bits least-significant first, as DEFLATE streams are laid out.
struct LSBFirstBitWriter {
    private var bytes: [UInt8] = []
    private var pending: UInt64 = 0
    private var pendingCount = 0

    /// Appends the low `width` bits of `value`, least significant first (extra bits, header fields).
    mutating func write(_ value: Int, width: Int) {
        pending |= UInt64(value) << UInt64(pendingCount)
        pendingCount += width
        while pendingCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: pending))
            pending >>= 8
            pendingCount -= 8
        }
    }

    /// Appends a Huffman code, which DEFLATE stores most significant bit first.
    mutating func writeHuffman(_ code: Int, width: Int) {
        var reversed = 0
        for shift in 0..<width { reversed = reversed << 1 | (code >> shift) & 1 }
        write(reversed, width: width)
    }

    /// The bytes written, the last one padded with zero bits.
    func finish() -> [UInt8] {
        pendingCount > 0 ? bytes + [UInt8(truncatingIfNeeded: pending)] : bytes
    }
}
