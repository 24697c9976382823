/// The mask-selection penalty score (ISO/IEC 18004, 7.8.3): lower is better.
extension ModuleMatrix {
    /// Light modules on each side of a line, standing for the quiet zone.
    private static let padding = 4

    func penalty() -> Int {
        var score = blockPenalty() + balancePenalty()
        var line = [Bool](repeating: false, count: size + 2 * Self.padding)
        for row in 0..<size {
            for x in 0..<size { line[Self.padding + x] = modules[row * size + x] }
            score += Self.linePenalty(line)
        }
        for column in 0..<size {
            for y in 0..<size { line[Self.padding + y] = modules[y * size + column] }
            score += Self.linePenalty(line)
        }
        return score
    }

    /// Rule 1 (each run of five or more same-coloured modules: 3 + the excess over 5) and rule 3 (each
    /// dark-light-dark-dark-dark-light-dark pattern with four light modules before or after it: 40) for one
    /// row or column, given with `padding` light modules on both sides.
    private static func linePenalty(_ line: [Bool]) -> Int {
        let first = padding
        let end = line.count - padding
        var score = 0
        var runLength = 1
        for index in (first + 1)..<end {
            if line[index] == line[index - 1] {
                runLength += 1
                continue
            }
            if runLength >= 5 { score += runLength - 2 }
            runLength = 1
        }
        if runLength >= 5 { score += runLength - 2 }

        for start in first..<max(first, end - 6)
        where line[start] && !line[start + 1] && line[start + 2] && line[start + 3] && line[start + 4]
            && !line[start + 5] && line[start + 6]
        {
            let lightBefore = !line[start - 1] && !line[start - 2] && !line[start - 3] && !line[start - 4]
            let lightAfter = !line[start + 7] && !line[start + 8] && !line[start + 9] && !line[start + 10]
            if lightBefore || lightAfter { score += 40 }
        }
        return score
    }

    /// Rule 2: 3 for every 2×2 block of one colour (blocks may overlap).
    private func blockPenalty() -> Int {
        var score = 0
        for y in 0..<(size - 1) {
            let row = y * size
            for x in 0..<(size - 1) {
                let color = modules[row + x]
                if modules[row + x + 1] == color && modules[row + size + x] == color
                    && modules[row + size + x + 1] == color
                {
                    score += 3
                }
            }
        }
        return score
    }

    /// Rule 4: 10 for every full 5 % the dark proportion deviates from 50 %.
    private func balancePenalty() -> Int {
        let total = size * size
        var dark = 0
        for module in modules where module { dark += 1 }
        return abs(dark * 20 - total * 10) / total * 10
    }
}
