/// Reed–Solomon error correction over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D).
enum ReedSolomon {
    /// `exponents[i]` = αⁱ for i in 0..<510 (doubled so products need no modulo).
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// `logarithms[v]` = i with αⁱ = v, for v ≠ 0.
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exponents[index])] = index }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The discrete logarithm of a non-zero field element.
    static func logarithm(_ value: UInt8) -> Int { logarithms[Int(value)] }

    /// Coefficients of (x − α⁰)(x − α¹)…(x − α^(degree−1)) from x^(degree−1) down to x⁰;
    /// the leading coefficient (always 1) is left out.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 2)
        }
        return coefficients
    }

    /// The error-correction codewords: data · x^degree mod generator.
    static func remainder(of data: some Collection<UInt8>, generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            for index in 0..<(remainder.count - 1) {
                remainder[index] = remainder[index + 1] ^ multiply(generator[index], factor)
            }
            remainder[remainder.count - 1] = multiply(generator[generator.count - 1], factor)
        }
        return remainder
    }
}
