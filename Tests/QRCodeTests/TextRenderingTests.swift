import Foundation
import Testing

@testable import QRCode

/// The terminal and SVG renderers, read back into module grids and decoded with zbarimg.
@Suite struct TextRenderingTests {
    /// A module grid (true = dark) including the quiet zone, written as a binary PGM with `scale` pixels per module.
    static func pgm(_ dark: [[Bool]], scale: Int) -> [UInt8] {
        let side = dark.count * scale
        var bytes = Array("P5\n\(side) \(side)\n255\n".utf8)
        for row in dark {
            let pixels = row.flatMap { [UInt8](repeating: $0 ? 0 : 255, count: scale) }
            for _ in 0..<scale { bytes += pixels }
        }
        return bytes
    }

    /// Reads the terminal text back: a block glyph's lit half is a light module, a blank half a dark one.
    static func modules(fromTerminal text: String) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            var upper: [Bool] = []
            var lower: [Bool] = []
            for character in line {
                let (upperLight, lowerLight): (Bool, Bool) =
                    switch character {
                    case "█": (true, true)
                    case "▀": (true, false)
                    case "▄": (false, true)
                    case " ": (false, false)
                    default: (false, false)
                    }
                upper.append(!upperLight)
                lower.append(!lowerLight)
            }
            rows += [upper, lower]
        }
        return rows
    }

    @Test(arguments: [0, 1, 2, 4])
    func terminalStringHasTheExpectedShapeAndGlyphs(border: Int) throws {
        let code = try QRCode(text: ZBarDecodeTests.otpauthURIs[2])
        let text = code.terminalString(border: border)
        let side = code.size + 2 * border
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == (side + 1) / 2 + 1, "one line per two module rows, each ending in a newline")
        #expect(lines.last == "")
        #expect(lines.dropLast().allSatisfy { $0.count == side })
        #expect(text.allSatisfy { "█▀▄ \n".contains($0) })
        if border >= 2 {
            #expect(lines.first == Substring(String(repeating: "█", count: side)), "quiet zone is lit")
        }
        // Every module read back from the glyphs matches the symbol; the half row past the end is blank.
        let rows = Self.modules(fromTerminal: text)
        #expect(rows.count == side + 1)
        for y in 0..<side {
            for x in 0..<side {
                #expect(rows[y][x] == code[x - border, y - border])
            }
        }
        #expect(rows[side].allSatisfy { $0 })
    }

    /// Light-on-dark: treating the glyphs as light and blanks as dark, the terminal picture scans.
    @Test func terminalStringScansWhenGlyphsAreLight() throws {
        let text = ZBarDecodeTests.otpauthURIs[3]
        let code = try QRCode(text: text)
        let rows = Self.modules(fromTerminal: code.terminalString())
        let picture = Array(rows.dropLast())  // the half row past the quiet zone
        let path = try ExternalTools.temporaryFile(Self.pgm(picture, scale: 6), suffix: ".pgm")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ExternalTools.zbarDecode(path: path) == Array(text.utf8))
    }

    @Test func svgPathCoversExactlyTheDarkModules() throws {
        let code = try QRCode(text: "https://example.com/vegas", errorCorrection: .quartile)
        let border = 3
        let scale = 5
        let svg = code.svg(scale: scale, border: border)
        let pixels = (code.size + 2 * border) * scale
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("width=\"\(pixels)\" height=\"\(pixels)\" viewBox=\"0 0 \(pixels) \(pixels)\""))
        #expect(svg.contains("<rect width=\"\(pixels)\" height=\"\(pixels)\" fill=\"#ffffff\"/>"))
        let d = try #require(svg.firstRange(of: " d=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } })
        var dark = Set<[Int]>()
        for command in d.split(separator: "M") {
            // "x yhWvSh-Wz" in pixels: a run of dark modules one module high.
            let numbers = command.split(whereSeparator: { !$0.isNumber }).map { Int($0)! }
            #expect(numbers.count == 5 && numbers[3] == scale && numbers[2] == numbers[4])
            #expect(numbers[0] % scale == 0 && numbers[1] % scale == 0 && numbers[2] % scale == 0)
            let (left, top, width) = (numbers[0] / scale, numbers[1] / scale, numbers[2] / scale)
            for x in left..<(left + width) { dark.insert([x - border, top - border]) }
        }
        for y in 0..<code.size {
            for x in 0..<code.size {
                #expect(dark.contains([x, y]) == code[x, y])
            }
        }
        #expect(dark.count == (0..<code.size).flatMap { y in (0..<code.size).filter { code[$0, y] } }.count)
    }

    @Test func svgScansWithZBar() throws {
        let text = "Vegas SVG check"
        let svg = try QRCode(text: text).svg()
        let path = try ExternalTools.temporaryFile(Array(svg.utf8), suffix: ".svg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ExternalTools.zbarDecode(path: path) == Array(text.utf8))
    }
}
