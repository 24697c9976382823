/// Minimal PNG container writing (ISO/IEC 15948): signature, IHDR, one IDAT (zlib), IEND.
enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A greyscale, non-interlaced PNG whose `scanlines` already carry their filter-type bytes.
    static func greyscale(width: Int, height: Int, bitDepth: UInt8, scanlines: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [bitDepth, 0, 0, 0, 0]  // colour type greyscale, deflate, adaptive filtering, no interlace
        return signature + chunk("IHDR", header) + chunk("IDAT", zlib(scanlines)) + chunk("IEND", [])
    }

    /// A zlib stream (RFC 1950): header 0x78 0x01 (deflate, 32 KiB window, no dictionary), data, Adler-32.
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        [0x78, 0x01] + Deflate.compress(data) + bigEndian(Checksums.adler32(data))
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(Checksums.crc32(typeAndData))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
