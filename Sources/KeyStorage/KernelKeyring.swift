import CKeyctl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A "user" key in the calling user's kernel keyring (Linux keyrings(7)): held in kernel memory, never written to disk,
/// readable by the user's own processes only, and gone at reboot. A look-up is two system calls, so it costs the
/// cached `credential_process` call nothing measurable.
public struct KernelKeyring: KeyStore {
    public let description: String

    /// - Parameter description: the key's name in the keyring (`keyctl show @u` lists it).
    public init(description: String) { self.description = description }

    public var location: String { "the kernel keyring (user key \"\(description)\")" }

    /// Possessor: everything; the user's other processes: view, read, write, search and set attributes — the same reach
    /// as a 0600 file, so that every process of the user finds it whatever session keyring it runs in.
    static let permissions: UInt32 = 0x3f00_0000 | 0x0001_0000 | 0x0002_0000 | 0x0004_0000 | 0x0008_0000 | 0x0020_0000

    /// Whether this machine's kernel lets this process use its user keyring (containers often filter the calls out).
    public static var isAvailable: Bool {
        vegas_search_user_key(VEGAS_USER_KEYRING, "vegas-credentials:probe") >= 0 || errno == ENOKEY
    }

    public func load() throws(KeyStoreError) -> [UInt8]? {
        guard let key = try serial() else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let size = buffer.withUnsafeMutableBytes { vegas_read_key(key, $0.baseAddress, $0.count) }
        if size < 0 {
            if Self.isGone(errno) { return nil }
            throw failure("read")
        }
        // A larger payload is not a key of ours; its first bytes tell the caller so (it checks the size).
        let secret = Array(buffer[..<min(size, buffer.count)])
        buffer.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) }
        return secret
    }

    public func store(_ secret: [UInt8]) throws(KeyStoreError) {
        let key = secret.withUnsafeBytes {
            vegas_add_user_key(description, $0.baseAddress, $0.count, VEGAS_USER_KEYRING)
        }
        guard key >= 0 else { throw failure("add") }
        guard vegas_set_key_permissions(key, Self.permissions) == 0 else { throw failure("set the permissions of") }
    }

    public func remove() throws(KeyStoreError) {
        guard let key = try serial() else { return }
        guard vegas_invalidate_key(key) == 0 || Self.isGone(errno) else { throw failure("invalidate") }
    }

    private func serial() throws(KeyStoreError) -> Int32? {
        let key = vegas_search_user_key(VEGAS_USER_KEYRING, description)
        if key >= 0 { return key }
        if Self.isGone(errno) { return nil }
        throw failure("find")
    }

    private static func isGone(_ code: Int32) -> Bool {
        code == ENOKEY || code == EKEYEXPIRED || code == EKEYREVOKED
    }

    private func failure(_ operation: String) -> KeyStoreError {
        KeyStoreError("cannot \(operation) the key in \(location): \(String(cString: strerror(errno)))")
    }
}
