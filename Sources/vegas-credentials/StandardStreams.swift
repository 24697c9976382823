#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard input and standard error as bytes, without Foundation's `FileHandle`.
enum StandardStreams {
    /// Writes all of `text` to standard error; a failed write is dropped (there is nowhere left to report it).
    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Standard input until its end or `limit` bytes, whichever comes first (a read error ends it too).
    static func readInput(upTo limit: Int) -> [UInt8] {
        var input: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while input.count < limit {
            let wanted = min(buffer.count, limit - input.count)
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, wanted) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            input += buffer[..<count]
        }
        return input
    }
}
