import AtomicFile

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The vault on disk.
///
/// Every access holds a `flock` on the sibling ``lockPath`` (shared to read, exclusive to update), so concurrent
/// processes doing read-modify-write lose nothing. A write goes through `AtomicFile` (a temporary file in the same
/// directory, synced, renamed over the vault, and the directory synced): a crash leaves either the old or the new vault
/// (and a stray `.<name>.XXXXXX` file, which the next update removes). The vault and lock file are created with mode 0600,
/// missing directories with mode 0700.
public struct VaultFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$VEGAS_HOME/vault.sealed`, else `$XDG_DATA_HOME/vegas/vault.sealed` (when absolute, as the XDG specification
    /// requires), else `<home>/.local/share/vegas/vault.sealed`.
    public static func defaultPath(environment: [String: String], home: String) -> String {
        if let vegasHome = environment["VEGAS_HOME"], !vegasHome.isEmpty {
            return joinPath(vegasHome, "vault.sealed")
        }
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") {
            return joinPath(dataHome, "vegas/vault.sealed")
        }
        return joinPath(home, ".local/share/vegas/vault.sealed")
    }

    /// The sibling file that is locked during every access (never removed).
    public var lockPath: String { path + ".lock" }

    public var exists: Bool { POSIXPath.exists(path) }

    /// Reads the vault under a shared lock.
    /// Throws ``VaultError/Kind/noVault`` (creating nothing) when it does not exist.
    public func read(passphrase: String) throws(VaultError) -> VaultContents {
        guard exists else { throw VaultError(.noVault, path: path) }
        let lock = try POSIXFile(opening: lockPath, flags: O_RDWR | O_CREAT)
        try lock.lock(exclusive: false)
        guard let bytes = try readBytes() else { throw VaultError(.noVault, path: path) }
        let contents = try attributed { () throws(VaultError) in try VaultFormat.open(bytes, passphrase: passphrase) }
        lock.release()
        return contents
    }

    /// Under an exclusive lock, reads the vault (or starts empty when the file does not exist), applies `change`,
    /// and writes the result atomically; returns what `change` returned. If anything throws (a wrong passphrase,
    /// a tampered file, `change` itself, a failed write), the vault file is left as it was.
    ///
    /// The file is written with `parameters`: the key derived when opening is reused when the file has the same
    /// parameters, otherwise a new key (new salt) is derived, so the cost can be raised or lowered.
    public func update<T>(
        passphrase: String, parameters: ScryptParameters = .standard, _ change: (inout VaultContents) throws -> T
    ) throws -> T {
        guard !passphrase.isEmpty else { throw VaultError(.emptyPassphrase, path: path) }
        guard parameters.isWithinBounds else { throw VaultError(.invalidParameters(parameters), path: path) }
        try POSIXPath.makeDirectories(directory)
        let lock = try POSIXFile(opening: lockPath, flags: O_RDWR | O_CREAT)
        try lock.lock(exclusive: true)
        var contents = VaultContents()
        var openedKey: VaultKey?
        if let bytes = try readBytes() {
            let opened = try attributed { () throws(VaultError) in
                try VaultFormat.openReturningKey(bytes, passphrase: passphrase)
            }
            contents = opened.contents
            openedKey = opened.key
        }
        let result = try change(&contents)
        let sealed = try attributed { () throws(VaultError) in
            if let openedKey, openedKey.parameters == parameters {
                return try VaultFormat.seal(contents, key: openedKey)
            }
            return try VaultFormat.seal(contents, key: VaultKey(passphrase: passphrase, parameters: parameters))
        }
        try replace(with: sealed)
        // Writers create temporary files only while holding the exclusive lock, so under it any left are a crash's.
        AtomicFile.removeTemporaries(of: path)
        lock.release()
        return result
    }

    private var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private func readBytes() throws(VaultError) -> [UInt8]? {
        guard let file = try POSIXFile.openForReadingIfPresent(path) else { return nil }
        return try file.readAll(limit: VaultFormat.maximumFileSize)
    }

    /// Runs `body`, attributing its errors to this vault's path.
    private func attributed<Result>(_ body: () throws(VaultError) -> Result) throws(VaultError) -> Result {
        do {
            return try body()
        } catch {
            throw error.at(path)
        }
    }

    private func replace(with bytes: [UInt8]) throws(VaultError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw VaultError(.io(operation: error.operation, message: error.message), path: path)
        }
    }
}
