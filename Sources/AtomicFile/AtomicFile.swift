#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Musl)
    import Musl
    private let systemWrite = Musl.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Whole-file replacement that readers never see half done and a crash never loses: the bytes go to a new temporary
/// file `.<name>.XXXXXX` beside the target, which is flushed to disk and renamed over the target, and then the directory
/// is flushed. Each write has its own temporary file, so of concurrent writes to one path the last rename wins whole.
public enum AtomicFile {
    /// A failed step of a write, naming the target file and the system's reason.
    public struct Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        /// The step that failed, e.g. `create a temporary file`, `write`, `flush`, `rename`.
        public let operation: String
        /// The system's text for the error number.
        public let message: String
        public var description: String { "cannot write \(path): \(operation): \(message)" }
    }

    /// Replaces the file at `path` with `bytes`, giving it `mode` (exactly: the umask does not apply). When creating,
    /// writing or renaming fails, the previous file is untouched and the temporary file removed; a failure to flush the
    /// directory is thrown after the new file is in place, since the rename may then not survive a crash.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(Error) {
        func failure(_ operation: String) -> Error {
            Error(path: path, operation: operation, message: String(cString: strerror(errno)))
        }
        let (directory, name) = split(path)
        var template = Array(join(directory, temporaryPrefix(of: name) + "XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure("create a temporary file") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(Error) {
            guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else { throw failure("set close-on-exec") }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw failure("write") }
                written += count
            }
            guard fchmod(descriptor, mode) == 0 else { throw failure("set the mode") }
            guard fsync(descriptor) == 0 else { throw failure("flush") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = failure("rename")
            unlink(temporary)
            throw error
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else { throw failure("open the directory") }
        defer { close(directoryDescriptor) }
        // Some file systems cannot flush a directory (EINVAL); the rename is then as durable as they make it.
        guard fsync(directoryDescriptor) == 0 || errno == EINVAL else { throw failure("flush the directory") }
    }

    /// Removes the temporary files that writes to `path` left behind when their process died. Call it only while
    /// holding a lock that every writer of `path` takes, or it may remove the file of a write in progress.
    public static func removeTemporaries(of path: String) {
        let (directory, name) = split(path)
        let prefix = temporaryPrefix(of: name)
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if entryName.hasPrefix(prefix) && entryName.utf8.count == prefix.utf8.count + 6 {
                unlink(join(directory, entryName))
            }
        }
    }

    private static func temporaryPrefix(of name: String) -> String {
        "." + name + "."
    }

    /// The directory (`.` when none is named) and the file name of `path`.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
