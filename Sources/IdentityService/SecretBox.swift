import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Seals secrets at rest with AES-256-GCM under the server's master key. Each secret is bound to its purpose and owner
/// through the additional authenticated data, so a ciphertext copied to another row does not open.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// - Parameter masterKey: 32 bytes.
    public init(masterKey: [UInt8]) throws(IdentityConfigurationError) {
        guard masterKey.count == 32 else {
            throw IdentityConfigurationError("the master key must be 32 bytes, got \(masterKey.count)")
        }
        self.key = SymmetricKey(data: masterKey)
    }

    /// Encrypts `plaintext`; the result is nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: some DataProtocol, context: String) -> Data {
        // AES.GCM.seal only fails for invalid key sizes, which `init` rules out.
        let box = try! AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        return box.combined!
    }

    /// Decrypts and authenticates what `seal` produced for the same context.
    public func open(_ sealed: Data, context: String) throws(IdentityConfigurationError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: Data(context.utf8)))
        } catch {
            throw IdentityConfigurationError(
                "a stored secret (\(context.prefix(while: { $0 != ":" }))) does not open with this master key")
        }
    }
}

/// A problem with the server's set-up (master key, stored data) rather than with a request.
public struct IdentityConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
