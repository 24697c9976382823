extension QRCode {
    /// The largest `scale` and `border` the renderers accept; larger values are clamped to it (smaller to 1 and 0).
    public static let maximumRenderingParameter = 64

    private static func clampedScale(_ scale: Int) -> Int { min(max(scale, 1), maximumRenderingParameter) }
    private static func clampedBorder(_ border: Int) -> Int { min(max(border, 0), maximumRenderingParameter) }

    /// A 1-bit greyscale PNG: each module `scale` pixels square, black on white, with a light quiet zone
    /// `border` modules wide (the standard asks for 4).
    public func png(scale: Int = 8, border: Int = 4) -> [UInt8] {
        let scale = Self.clampedScale(scale)
        let border = Self.clampedBorder(border)
        let pixels = (size + 2 * border) * scale
        let rowBytes = (pixels + 7) / 8
        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(pixels * (rowBytes + 1))
        for y in -border..<(size + border) {
            var row = [UInt8](repeating: 0, count: rowBytes)
            for pixel in 0..<pixels where !self[pixel / scale - border, y] {
                row[pixel >> 3] |= 0x80 >> UInt8(pixel & 7)  // bit set = white
            }
            for _ in 0..<scale {
                scanlines.append(0)  // filter type None
                scanlines += row
            }
        }
        return PNG.greyscale(width: pixels, height: pixels, bitDepth: 1, scanlines: scanlines)
    }

    /// The symbol as text for a terminal, two module rows per line, quiet zone `border` modules wide.
    ///
    /// Convention: made for the usual dark background with light text. **Light** modules (and the quiet zone)
    /// are drawn with the block characters `▀ ▄ █` in the text colour; dark modules are spaces showing the
    /// background. On a light-background terminal the result shows inverted, which many but not all scanners read.
    /// Every line, including the last, ends with `"\n"`; a last line with one module row leaves its lower half dark.
    public func terminalString(border: Int = 2) -> String {
        let border = Self.clampedBorder(border)
        let end = size + border
        var text = ""
        for top in stride(from: -border, to: end, by: 2) {
            for x in -border..<end {
                let upperLight = !self[x, top]
                let lowerLight = top + 1 < end && !self[x, top + 1]
                switch (upperLight, lowerLight) {
                case (true, true): text += "█"
                case (true, false): text += "▀"
                case (false, true): text += "▄"
                case (false, false): text += " "
                }
            }
            text += "\n"
        }
        return text
    }

    /// An SVG image: a white background and one black path of module rectangles, each module `scale` units
    /// square, with a quiet zone `border` modules wide. The viewBox equals the pixel size, so the image scales
    /// freely; coordinates are whole pixels rather than modules because some renderers (ImageMagick's) blur a
    /// module-unit viewBox.
    public func svg(scale: Int = 8, border: Int = 4) -> String {
        let scale = Self.clampedScale(scale)
        let border = Self.clampedBorder(border)
        let pixels = (size + 2 * border) * scale
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && self[x, y] { x += 1 }
                let width = (x - start) * scale
                path += "M\((start + border) * scale) \((y + border) * scale)h\(width)v\(scale)h-\(width)z"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(pixels) \(pixels)" shape-rendering="crispEdges">
            <rect width="\(pixels)" height="\(pixels)" fill="#ffffff"/>
            <path fill="#000000" d="\(path)"/>
            </svg>

            """
    }
}
