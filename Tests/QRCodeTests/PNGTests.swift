import Foundation
import Testing

@testable import QRCode

/// The PNG writer checked by Python's `zlib` and `struct` (an independent reader), and by zbarimg.
@Suite struct PNGTests {
    /// Parses a PNG from stdin: checks signature and every chunk CRC, inflates the IDAT data (which checks
    /// Adler-32) and prints the header fields, chunk order and the inflated scanlines.
    static let pythonReader = """
        import sys, zlib, struct, json
        d = sys.stdin.buffer.read()
        assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
        pos, chunks, idat, header = 8, [], b'', None
        while pos < len(d):
            n, = struct.unpack('>I', d[pos:pos+4])
            kind, body = d[pos+4:pos+8], d[pos+8:pos+8+n]
            crc, = struct.unpack('>I', d[pos+8+n:pos+12+n])
            assert zlib.crc32(kind + body) == crc, 'CRC of ' + kind.decode()
            chunks.append(kind.decode())
            if kind == b'IHDR': header = struct.unpack('>IIBBBBB', body)
            if kind == b'IDAT': idat += body
            pos += 12 + n
        raw = zlib.decompress(idat)
        w, h, depth, colour, compression, filtering, interlace = header
        print(json.dumps(dict(width=w, height=h, depth=depth, colour=colour, compression=compression,
            filtering=filtering, interlace=interlace, chunks=chunks, compressed=len(idat), raw=raw.hex())))
        """

    struct Parsed: Decodable {
        let width, height, depth, colour, compression, filtering, interlace, compressed: Int
        let chunks: [String]
        let raw: String

        var scanlines: [UInt8] {
            var bytes: [UInt8] = []
            var index = raw.startIndex
            while index < raw.endIndex {
                let next = raw.index(index, offsetBy: 2)
                bytes.append(UInt8(raw[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
    }

    static func parseWithPython(_ png: [UInt8]) throws -> Parsed {
        let result = try ExternalTools.run("python3", ["-c", pythonReader], input: Data(png))
        #expect(result.status == 0, "python3 rejected the PNG: \(result.errors)")
        return try JSONDecoder().decode(Parsed.self, from: result.output)
    }

    @Test(arguments: [(1, 0), (3, 1), (8, 4)])
    func pngIsWellFormedAndItsPixelsAreTheModules(scale: Int, border: Int) throws {
        let code = try QRCode(text: ZBarDecodeTests.otpauthURIs[1])
        let png = code.png(scale: scale, border: border)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let parsed = try Self.parseWithPython(png)
        let pixels = (code.size + 2 * border) * scale
        #expect(parsed.chunks == ["IHDR", "IDAT", "IEND"])
        #expect(parsed.width == pixels && parsed.height == pixels)
        #expect(parsed.depth == 1 && parsed.colour == 0)
        #expect(parsed.compression == 0 && parsed.filtering == 0 && parsed.interlace == 0)

        let rowBytes = (pixels + 7) / 8
        let scanlines = parsed.scanlines
        #expect(scanlines.count == pixels * (rowBytes + 1))
        var mismatches = 0
        for y in 0..<pixels {
            let row = y * (rowBytes + 1)
            #expect(scanlines[row] == 0, "filter type None")
            for x in 0..<pixels {
                let white = scanlines[row + 1 + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                if white == code[x / scale - border, y / scale - border] { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func deflateCompressesQRImagesWell() throws {
        let code = try QRCode(text: String(repeating: "z", count: 2953), errorCorrection: .low)
        let parsed = try Self.parseWithPython(code.png())
        #expect(parsed.scanlines.count == 1480 * 186)
        #expect(parsed.compressed * 10 < parsed.scanlines.count)
    }

    @Test func scaleAndBorderAreClamped() throws {
        let code = try QRCode(text: "1")
        /// The IHDR width field, which follows the signature, chunk length and type.
        func width(_ png: [UInt8]) -> Int { png[16..<20].reduce(0) { $0 << 8 | Int($1) } }
        #expect(width(code.png(scale: -5, border: -1)) == 21)
        #expect(width(code.png(scale: 1000, border: Int.max)) == (21 + 2 * 64) * 64)
        #expect(code.terminalString(border: -3).split(separator: "\n").first?.count == 21)
        #expect(
            code.svg(scale: Int.max, border: Int.min).contains(#"width="1344" height="1344" viewBox="0 0 1344 1344""#))
    }

    @Test func checksumsMatchTheirCheckValues() {
        #expect(Checksums.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Checksums.crc32([]) == 0)
        #expect(Checksums.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksums.adler32([]) == 1)
        // Long enough to exercise the deferred modulo: 100 000 bytes of 0xFF.
        #expect(Checksums.adler32([UInt8](repeating: 0xFF, count: 100_000)) == 0x149A_302C)
    }

    static let deflateInputs: [[UInt8]] = {
        var state: UInt32 = 12345
        let noise = (0..<70_000).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        let text = Array(
            String(repeating: "otpauth://totp/Vegas:alice?secret=JBSWY3DP&issuer=Vegas\n", count: 900).utf8)
        let farRepeat = Array(noise.prefix(30_000)) + Array(noise.prefix(30_000))
        return [[], [7], [1, 2, 3], [UInt8](repeating: 0, count: 100_000), noise, text, farRepeat]
    }()

    @Test(arguments: deflateInputs)
    func pythonZlibInflatesOurStream(data: [UInt8]) throws {
        let inflate = "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read()))"
        let result = try ExternalTools.run("python3", ["-c", inflate], input: Data(PNG.zlib(data)))
        #expect(result.status == 0, "\(result.errors)")
        #expect([UInt8](result.output) == data)
    }
}
