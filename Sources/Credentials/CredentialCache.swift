import AWSProtocol
import AtomicFile
import Crypto
import KeyStorage

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Temporary credentials as cached and as printed for `credential_process`.
public struct CachedCredentials: Codable, Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String
    public var expiration: Date
    /// What the entry is, for `cache list`: "MFA session of <source>" or "role <arn> for <profile>".
    public var label: String
}

/// The credential cache: one file per entry under the cache directory, sealed with AES-256-GCM under a random key kept
/// outside it — in the kernel keyring, the Secret Service, the macOS Keychain or a 0600 file (``CacheKeyLocation``) — so
/// the key cannot be derived from public facts, unlike vegas-credentials' cache. Entries are bound to their cache key as
/// additional data: a file copied to another key, tampered with or unreadable is a miss. Writes are atomic; a lock file
/// per key serialises fetches without blocking cached reads.
public struct CredentialCache: Sendable {
    public let directory: String
    /// Where the sealing key lives.
    public let keyStore: any KeyStore

    public init(directory: String, keyStore: any KeyStore) {
        self.directory = directory
        self.keyStore = keyStore
    }

    /// `$VEGAS_CACHE_DIR`, else `$XDG_CACHE_HOME/vegas-credentials`, else `~/.cache/vegas-credentials`.
    public static func defaultDirectory(environment: [String: String], home: String) -> String {
        if let explicit = environment["VEGAS_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/vegas-credentials" }
        return home + "/.cache/vegas-credentials"
    }

    /// The key file of the `file` location, and of earlier versions: removed once the key lives elsewhere.
    static func keyFilePath(directory: String) -> String { directory + "/cache.key" }
    private var keyLockPath: String { directory + "/cache.key.lock" }
    private func entryPath(_ key: String) -> String { directory + "/\(key).entry" }
    private func lockPath(_ key: String) -> String { directory + "/\(key).lock" }

    /// The entry for `key` if it is readable, authentic and valid for at least `margin` more seconds. Throws only when
    /// the key's store cannot be reached (before anything is fetched that could not be cached).
    public func read(_ key: String, now: Date, margin: TimeInterval) throws(KeyStoreError) -> CachedCredentials? {
        guard let cacheKey = try storedKey(),
            let sealed = FileManager.default.contents(atPath: entryPath(key)), sealed.count < 1 << 16,
            let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: cacheKey, authenticating: Data(key.utf8)),
            let entry = try? JSONDecoder.iso.decode(CachedCredentials.self, from: plain),
            entry.expiration.timeIntervalSince(now) > margin
        else { return nil }
        return entry
    }

    public func write(_ entry: CachedCredentials, key: String) throws {
        let cacheKey = try storedKey() ?? createKey()
        let plain = try JSONEncoder.iso.encode(entry)
        let sealed = try AES.GCM.seal(plain, using: cacheKey, authenticating: Data(key.utf8)).combined!
        try AtomicFile.write(Array(sealed), to: entryPath(key), mode: 0o600)
    }

    /// Runs `body` holding the exclusive lock of `key`. The kernel drops the lock if the process dies.
    public func withLock<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        let fd = try lockExclusively(lockPath(key))
        defer { close(fd) }
        return try await body()
    }

    /// Every readable entry with its key, for `cache list` (expired ones included).
    public func entries(now: Date) throws(KeyStoreError) -> [(key: String, entry: CachedCredentials)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var found: [(key: String, entry: CachedCredentials)] = []
        for name in names.filter({ $0.hasSuffix(".entry") }).sorted() {
            let key = String(name.dropLast(".entry".count))
            if let entry = try read(key, now: now, margin: -.infinity) { found.append((key, entry)) }
        }
        return found
    }

    /// Removes every entry and lock file, and the cache key wherever it lives; returns how many entries there were.
    @discardableResult
    public func clean() throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        for name in names where name.hasSuffix(".entry") || name.hasSuffix(".lock") || name == "cache.key" {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
            if name.hasSuffix(".entry") { removed += 1 }
        }
        try keyStore.remove()
        return removed
    }

    /// The stored key; nil when none is stored or what is stored is not a 32-byte key (which is then replaced).
    private func storedKey() throws(KeyStoreError) -> SymmetricKey? {
        guard let bytes = try keyStore.load(), bytes.count == 32 else { return nil }
        return SymmetricKey(data: bytes)
    }

    /// Creates and stores a new key unless a racing process has just stored one, which is then used: the key lock
    /// makes "look, then store" one step for every process of this cache.
    private func createKey() throws -> SymmetricKey {
        let fd = try lockExclusively(keyLockPath)
        defer { close(fd) }
        if let existing = try storedKey() { return existing }
        let key = SymmetricKey(size: .bits256)
        try keyStore.store(key.withUnsafeBytes { Array($0) })
        // A key file left by the file location or an earlier version seals nothing any more.
        let keyFile = Self.keyFilePath(directory: directory)
        if keyStore.location != keyFile { unlink(keyFile) }
        return key
    }

    /// Opens the lock file at `path` (creating the cache directory if needed) and waits for its exclusive lock; closing
    /// the returned descriptor releases it.
    private func lockExclusively(_ path: String) throws -> Int32 {
        try makeDirectory()
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheError("cannot open \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let error = CacheError("cannot lock \(path): \(String(cString: strerror(errno)))")
                close(fd)
                throw error
            }
        }
        return fd
    }

    private func makeDirectory() throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}

public struct CacheError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONDecoder {
    /// Reads what `JSONEncoder.iso` writes. Dates go through `AWSTimestamp` rather than `.iso8601`, whose calendar and
    /// local time zone set-up would be paid by every `assume` that reads the cache.
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = AWSTimestamp.parse(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an ISO 8601 timestamp"))
            }
            return date
        }
        return decoder
    }
}

extension JSONEncoder {
    static var iso: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
