/// BCH-protected format and version information (ISO/IEC 18004, 7.9 and 7.10).
enum FormatInformation {
    /// 15 bits: level (2) and mask (3), BCH(15,5) remainder with generator 0x537, XOR 0x5412.
    static func bits(level: QRErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// 18 bits: version (6) and its BCH(18,6) remainder with generator 0x1F25.
    static func versionBits(version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return version << 12 | remainder
    }
}
