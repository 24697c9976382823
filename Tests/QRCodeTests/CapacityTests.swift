import Testing

@testable import QRCode

/// Version choice and limits against the byte-mode capacity table of ISO/IEC 18004 (table 7).
@Suite struct CapacityTests {
    /// Bytes that fit versions 1...40 in byte mode, per level.
    static let byteCapacities: [QRErrorCorrection: [Int]] = [
        .low: [
            17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858,
            929, 1003, 1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431, 2563, 2699,
            2809, 2953,
        ],
        .medium: [
            14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
            711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099,
            2213, 2331,
        ],
        .quartile: [
            11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482,
            509, 565, 611, 661, 715, 751, 805, 868, 908, 982, 1030, 1112, 1168, 1228, 1283, 1351, 1423, 1499, 1579,
            1663,
        ],
        .high: [
            7, 14, 24, 34, 44, 58, 64, 84, 98, 119, 137, 155, 177, 194, 220, 250, 280, 310, 338, 382,
            403, 439, 461, 511, 535, 593, 625, 658, 698, 742, 790, 842, 898, 958, 983, 1051, 1093, 1139, 1219, 1273,
        ],
    ]

    @Test(arguments: QRErrorCorrection.allCases)
    func fullVersionIsChosenAndOneMoreByteNeedsTheNext(level: QRErrorCorrection) throws {
        for (index, capacity) in Self.byteCapacities[level]!.enumerated() {
            let version = index + 1
            let full = try QRCode(bytes: [UInt8](repeating: 0x61, count: capacity), errorCorrection: level)
            #expect(full.version == version, "\(capacity) bytes at \(level)")
            #expect(full.size == 17 + 4 * version)
            if version < 40 {
                let over = try QRCode(bytes: [UInt8](repeating: 0x61, count: capacity + 1), errorCorrection: level)
                #expect(over.version == version + 1, "\(capacity + 1) bytes at \(level)")
            }
        }
    }

    /// Version-40 limits in each mode (table 7): numeric, alphanumeric, byte.
    static let largestInputs: [(QRErrorCorrection, numeric: Int, alphanumeric: Int, bytes: Int)] = [
        (.low, 7089, 4296, 2953), (.medium, 5596, 3391, 2331), (.quartile, 3993, 2420, 1663), (.high, 3057, 1852, 1273),
    ]

    @Test func largestInputsFitAndOneMoreIsRejectedWithTheCapacity() throws {
        for (level, digits, characters, bytes) in Self.largestInputs {
            let cases: [(String, QRCodeError.Mode, Int)] = [
                ("7", .numeric, digits), ("Z", .alphanumeric, characters), ("z", .byte, bytes),
            ]
            for (unit, mode, capacity) in cases {
                let fitting = try QRCode(text: String(repeating: unit, count: capacity), errorCorrection: level)
                #expect(fitting.version == 40)
                let tooLong = String(repeating: unit, count: capacity + 1)
                #expect(
                    throws: QRCodeError(mode: mode, length: capacity + 1, capacity: capacity, errorCorrection: level)
                ) {
                    try QRCode(text: tooLong, errorCorrection: level)
                }
            }
        }
    }

    @Test func errorDescriptionSaysHowManyBytesFit() {
        do {
            _ = try QRCode(bytes: [UInt8](repeating: 0, count: 3000), errorCorrection: .low)
            Issue.record("3000 bytes must not fit")
        } catch {
            #expect(
                error.description
                    == "data too long for a QR code: 3000 bytes exceed the 2953 bytes that fit version 40 at error-correction level L"
            )
        }
    }

    @Test func modeIsTheMostCompactSingleMode() throws {
        // 41 digits fill 1-L in numeric mode; 25 alphanumeric characters; 17 bytes.
        #expect(try QRCode(text: String(repeating: "9", count: 41), errorCorrection: .low).version == 1)
        #expect(try QRCode(text: String(repeating: "9", count: 42), errorCorrection: .low).version == 2)
        #expect(try QRCode(text: String(repeating: "A", count: 25), errorCorrection: .low).version == 1)
        #expect(try QRCode(text: String(repeating: "A", count: 26), errorCorrection: .low).version == 2)
        #expect(try QRCode(text: String(repeating: "a", count: 17), errorCorrection: .low).version == 1)
        #expect(try QRCode(text: String(repeating: "a", count: 18), errorCorrection: .low).version == 2)
        // The byte initialiser always uses byte mode.
        #expect(try QRCode(bytes: Array(String(repeating: "9", count: 18).utf8), errorCorrection: .low).version == 2)
    }
}
