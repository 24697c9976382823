#if canImport(Security)
    import Foundation
    import Security

    /// A generic password in the user's macOS Keychain (Security framework, in process: no child program, no prompt
    /// for items this program created), available after the first unlock and never synced to other devices.
    public struct Keychain: KeyStore {
        public let service: String
        public let account: String

        public init(service: String, account: String) {
            self.service = service
            self.account = account
        }

        public var location: String { "the macOS Keychain (service \(service), account \(account))" }

        private var query: [String: Any] {
            [
                kSecClass as String: kSecClassGenericPassword,
                kSecAttrService as String: service,
                kSecAttrAccount as String: account,
            ]
        }

        public func load() throws(KeyStoreError) -> [UInt8]? {
            var search = query
            search[kSecReturnData as String] = true
            search[kSecMatchLimit as String] = kSecMatchLimitOne
            var item: CFTypeRef?
            let status = SecItemCopyMatching(search as CFDictionary, &item)
            if status == errSecItemNotFound { return nil }
            guard status == errSecSuccess, let data = item as? Data else { throw failure("read", status) }
            return Array(data)
        }

        public func store(_ secret: [UInt8]) throws(KeyStoreError) {
            let changes = [kSecValueData as String: Data(secret)]
            var status = SecItemUpdate(query as CFDictionary, changes as CFDictionary)
            if status == errSecItemNotFound {
                var item = query
                item[kSecValueData as String] = Data(secret)
                item[kSecAttrLabel as String] = "vegas-credentials cache key"
                item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
                status = SecItemAdd(item as CFDictionary, nil)
            }
            guard status == errSecSuccess else { throw failure("store", status) }
        }

        public func remove() throws(KeyStoreError) {
            let status = SecItemDelete(query as CFDictionary)
            guard status == errSecSuccess || status == errSecItemNotFound else { throw failure("remove", status) }
        }

        private func failure(_ operation: String, _ status: OSStatus) -> KeyStoreError {
            let reason = SecCopyErrorMessageString(status, nil).map { $0 as String } ?? "OSStatus \(status)"
            return KeyStoreError("cannot \(operation) the key in \(location): \(reason)")
        }
    }
#endif
