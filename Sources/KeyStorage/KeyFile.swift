import AtomicFile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file readable by its owner only (0600), replaced atomically.
public struct KeyFile: KeyStore {
    public let path: String

    public init(path: String) { self.path = path }

    public var location: String { path }

    /// Files larger than this are not keys (and are not read into memory).
    static let maximumSize = 4096

    public func load() throws(KeyStoreError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("open")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Self.maximumSize + 1)
        var filled = 0
        while filled < buffer.count {
            let n = buffer[filled...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw failure("read") }
            if n == 0 { break }
            filled += n
        }
        return Array(buffer[..<filled])
    }

    public func store(_ secret: [UInt8]) throws(KeyStoreError) {
        do {
            try AtomicFile.write(secret, to: path, mode: 0o600)
        } catch {
            throw KeyStoreError(error.description)
        }
    }

    public func remove() throws(KeyStoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove") }
    }

    private func failure(_ operation: String) -> KeyStoreError {
        KeyStoreError("cannot \(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
