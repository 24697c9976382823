import KeyStorage

/// Where the cache's sealing key is kept, chosen with `VEGAS_CACHE_KEY_STORE`:
/// - `auto` (the default): the macOS Keychain on macOS; on Linux the kernel keyring where the kernel allows it, else
///   the file;
/// - `keyring`: the Linux kernel keyring (memory only, gone at reboot, two system calls per look-up);
/// - `secret-service`: the desktop's Secret Service through `secret-tool` (survives reboots; tens of milliseconds per
///   call, so it is not the default);
/// - `keychain`: the macOS Keychain;
/// - `file`: `cache.key` in the cache directory, mode 0600.
public enum CacheKeyLocation: String, Sendable, CaseIterable {
    case auto
    case keyring
    case secretService = "secret-service"
    case keychain
    case file

    /// The location `environment` asks for.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let name = environment["VEGAS_CACHE_KEY_STORE"] ?? ""
        guard let location = name.isEmpty ? .auto : Self(rawValue: name) else {
            throw ConfigurationError(
                "VEGAS_CACHE_KEY_STORE must be one of \(Self.allCases.map(\.rawValue).joined(separator: ", ")); got '\(name)'"
            )
        }
        self = location
    }

    /// The store for the cache in `directory`; its entry there is named after the directory, so that caches in
    /// different directories have different keys.
    public func keyStore(directory: String, environment: [String: String]) throws(ConfigurationError) -> any KeyStore {
        let name = "vegas-credentials:cache-key:" + directory
        switch self {
        case .auto:
            #if canImport(Security)
                return try Self.keychain.keyStore(directory: directory, environment: environment)
            #else
                let preferred: Self = KernelKeyring.isAvailable ? .keyring : .file
                return try preferred.keyStore(directory: directory, environment: environment)
            #endif
        case .keyring:
            guard KernelKeyring.isAvailable else {
                throw ConfigurationError("VEGAS_CACHE_KEY_STORE=keyring: this system does not offer a kernel keyring")
            }
            return KernelKeyring(description: name)
        case .secretService:
            guard let tool = SecretService.findTool(environment: environment) else {
                throw ConfigurationError(
                    "VEGAS_CACHE_KEY_STORE=secret-service needs secret-tool on PATH (Debian: libsecret-tools)")
            }
            return SecretService(
                attributes: [("application", "vegas-credentials"), ("cache-directory", directory)],
                label: "vegas-credentials cache key (\(directory))", tool: tool, environment: environment)
        case .keychain:
            #if canImport(Security)
                return Keychain(service: "vegas-credentials", account: "cache-key:" + directory)
            #else
                throw ConfigurationError("VEGAS_CACHE_KEY_STORE=keychain: the Keychain exists on macOS only")
            #endif
        case .file:
            return KeyFile(path: CredentialCache.keyFilePath(directory: directory))
        }
    }
}
