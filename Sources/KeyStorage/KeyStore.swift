/// A place that keeps one small secret — the client's cache key — outside the files it protects: the kernel keyring,
/// the desktop's Secret Service, the macOS Keychain, or a file readable by its owner only.
public protocol KeyStore: Sendable {
    /// Where the secret lives, for messages: "the kernel keyring", "/home/u/.cache/vegas-credentials/cache.key".
    var location: String { get }
    /// The stored bytes, or nil when nothing is stored.
    func load() throws(KeyStoreError) -> [UInt8]?
    /// Stores `secret`, replacing what was stored.
    func store(_ secret: [UInt8]) throws(KeyStoreError)
    /// Removes the stored secret; nothing stored is not an error.
    func remove() throws(KeyStoreError)
}

/// A key store that could not be used, in one line that names it.
public struct KeyStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
