#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Finds a program the way a POSIX shell does: a name with a "/" is used as given, any other name is looked up in
/// each PATH directory in order (an empty entry means the current directory).
enum ExecutableLookup {
    /// PATH when the environment has none (glibc's and Darwin's default for execvp).
    static let defaultSearchPath = "/usr/bin:/bin"

    static func resolve(_ name: String, searchPath: String?, isExecutable: (String) -> Bool) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") {
            return isExecutable(name) ? name : nil
        }
        let directories = (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let base = directory.isEmpty ? "." : String(directory)
            let candidate = base.hasSuffix("/") ? base + name : base + "/" + name
            if isExecutable(candidate) {
                return candidate
            }
        }
        return nil
    }

    /// A regular file this process may execute.
    static func isExecutableFile(_ path: String) -> Bool {
        var information = stat()
        guard stat(path, &information) == 0, (information.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
