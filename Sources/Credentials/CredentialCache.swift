import AWSProtocol
import AtomicFile
import Crypto

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

/// The credential cache: one file per entry under the cache directory, sealed with AES-256-GCM under a random key kept in
/// a 0600 file created on first use (so the key cannot be derived from public facts, unlike vegas-credentials' cache).
/// Entries are bound to their cache key as additional data: a file copied to another key, tampered with or unreadable is
/// a miss. Writes are atomic; a lock file per key serialises fetches without blocking cached reads.
public struct CredentialCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `$VEGAS_CACHE_DIR`, else `$XDG_CACHE_HOME/vegas-credentials`, else `~/.cache/vegas-credentials`.
    public static func defaultDirectory(environment: [String: String], home: String) -> String {
        if let explicit = environment["VEGAS_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/vegas-credentials" }
        return home + "/.cache/vegas-credentials"
    }

    private var keyPath: String { directory + "/cache.key" }
    private func entryPath(_ key: String) -> String { directory + "/\(key).entry" }
    private func lockPath(_ key: String) -> String { directory + "/\(key).lock" }

    /// The entry for `key` if it is readable, authentic and valid for at least `margin` more seconds.
    public func read(_ key: String, now: Date, margin: TimeInterval) -> CachedCredentials? {
        guard let sealed = FileManager.default.contents(atPath: entryPath(key)), sealed.count < 1 << 16,
            let cacheKey = try? existingKey(), let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: cacheKey, authenticating: Data(key.utf8)),
            let entry = try? JSONDecoder.iso.decode(CachedCredentials.self, from: plain),
            entry.expiration.timeIntervalSince(now) > margin
        else { return nil }
        return entry
    }

    public func write(_ entry: CachedCredentials, key: String) throws {
        // An unreadable key (wrong size) is replaced: its entries could not be opened anyway.
        let cacheKey = try (try? existingKey()).flatMap { $0 } ?? createKey()
        let plain = try JSONEncoder.iso.encode(entry)
        let sealed = try AES.GCM.seal(plain, using: cacheKey, authenticating: Data(key.utf8)).combined!
        try AtomicFile.write(Array(sealed), to: entryPath(key), mode: 0o600)
    }

    /// Runs `body` holding the exclusive lock of `key`. The kernel drops the lock if the process dies.
    public func withLock<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        try makeDirectory()
        let fd = open(lockPath(key), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheError("cannot open \(lockPath(key)): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CacheError("cannot lock \(lockPath(key)): \(String(cString: strerror(errno)))")
            }
        }
        return try await body()
    }

    /// Every readable entry with its key, for `cache list` (expired ones included).
    public func entries(now: Date) -> [(key: String, entry: CachedCredentials)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".entry") }.sorted().compactMap { name in
            let key = String(name.dropLast(".entry".count))
            return read(key, now: now, margin: -.infinity).map { (key, $0) }
        }
    }

    /// Removes every entry and lock file, and the cache key; returns how many entries there were.
    @discardableResult
    public func clean() throws -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        for name in names where name.hasSuffix(".entry") || name.hasSuffix(".lock") || name == "cache.key" {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
            if name.hasSuffix(".entry") { removed += 1 }
        }
        return removed
    }

    private func existingKey() throws -> SymmetricKey? {
        guard let data = FileManager.default.contents(atPath: keyPath) else { return nil }
        guard data.count == 32 else { throw CacheError("\(keyPath) is not a cache key (32 bytes)") }
        return SymmetricKey(data: data)
    }

    private func createKey() throws -> SymmetricKey {
        try makeDirectory()
        let key = SymmetricKey(size: .bits256)
        // Written in full to a temporary file, then linked into place: a racing process either wins with a complete
        // key or finds one (link fails with EEXIST) and uses it.
        let temporary = keyPath + ".tmp-\(getpid())"
        try AtomicFile.write(key.withUnsafeBytes { Array($0) }, to: temporary, mode: 0o600)
        defer { unlink(temporary) }
        if link(temporary, keyPath) == 0 { return key }
        guard errno == EEXIST else { throw CacheError("cannot create \(keyPath): \(String(cString: strerror(errno)))") }
        if let existing = try? existingKey() { return existing }
        guard rename(temporary, keyPath) == 0 else {
            throw CacheError("cannot replace \(keyPath): \(String(cString: strerror(errno)))")
        }
        return key
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
