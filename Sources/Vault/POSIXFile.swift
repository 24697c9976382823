#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor, closed when released or dropped. Failures are ``VaultError``s naming the file and the
/// errno text; interrupted calls are retried.
struct POSIXFile: ~Copyable {
    let descriptor: Int32
    let path: String

    /// Opens `path` (close-on-exec), creating it with `mode` when `flags` has `O_CREAT`.
    init(opening path: String, flags: Int32, mode: mode_t = 0o600) throws(VaultError) {
        let descriptor = retryingInterrupts { open(path, flags | O_CLOEXEC, mode) }
        guard descriptor >= 0 else { throw .systemCall("open", path: path) }
        self.init(descriptor: descriptor, path: path)
    }

    /// Opens `path` for reading, or returns nil when it does not exist.
    static func openForReadingIfPresent(_ path: String) throws(VaultError) -> POSIXFile? {
        let descriptor = retryingInterrupts { open(path, O_RDONLY | O_CLOEXEC) }
        if descriptor < 0 && errno == ENOENT { return nil }
        guard descriptor >= 0 else { throw .systemCall("open", path: path) }
        return POSIXFile(descriptor: descriptor, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// Closes the file now (for a lock file: releases the lock).
    consuming func release() {}

    /// Waits for a shared or an exclusive `flock`.
    func lock(exclusive: Bool) throws(VaultError) {
        let result = retryingInterrupts { flock(descriptor, exclusive ? LOCK_EX : LOCK_SH) }
        guard result == 0 else { throw .systemCall("lock", path: path) }
    }

    /// The whole file; throws ``VaultError/NotAVaultReason/oversized(byteCount:)`` past `limit` bytes.
    func readAll(limit: Int) throws(VaultError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = retryingInterrupts {
                chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            }
            guard count >= 0 else { throw .systemCall("read", path: path) }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= limit else {
                throw VaultError(.notAVault(.oversized(byteCount: bytes.count)), path: path)
            }
        }
    }
}

/// File-system operations on paths, with the same error convention as ``POSIXFile``.
enum POSIXPath {
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Creates `path` and its missing ancestors with mode 0700 (existing directories keep their mode).
    static func makeDirectories(_ path: String) throws(VaultError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix = joinPath(prefix, String(component))
            guard mkdir(prefix, 0o700) == 0 || errno == EEXIST else {
                throw .systemCall("create directory", path: prefix)
            }
        }
    }
}

/// `directory/name`, without doubling a trailing '/'; `name` alone when `directory` is empty.
func joinPath(_ directory: String, _ name: String) -> String {
    if directory.isEmpty { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

private func retryingInterrupts<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

extension VaultError {
    /// A failed system call on `path`, with the current errno's text.
    fileprivate static func systemCall(_ operation: String, path: String) -> VaultError {
        VaultError(.io(operation: operation, message: String(cString: strerror(errno))), path: path)
    }
}
