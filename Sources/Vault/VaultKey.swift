import Crypto
import CryptoExtras

/// An AES-256 key derived with scrypt, with the salt and parameters that reproduce it.
struct VaultKey: Sendable {
    let parameters: ScryptParameters
    let salt: [UInt8]
    let symmetricKey: SymmetricKey

    /// Derives the key for `passphrase`; a fresh random salt when none is given.
    /// Throws ``VaultError/Kind/emptyPassphrase`` or ``VaultError/Kind/invalidParameters(_:)`` before deriving.
    init(passphrase: String, parameters: ScryptParameters, salt: [UInt8]? = nil) throws(VaultError) {
        guard !passphrase.isEmpty else { throw VaultError(.emptyPassphrase) }
        guard parameters.isWithinBounds else { throw VaultError(.invalidParameters(parameters)) }
        let salt = salt ?? (0..<VaultHeader.saltSize).map { _ in UInt8.random(in: .min ... .max) }
        do {
            symmetricKey = try KDF.Scrypt.deriveKey(
                from: Array(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << parameters.log2N,
                blockSize: parameters.r, parallelism: parameters.p)
        } catch {
            throw VaultError(.cryptographyFailed("scrypt key derivation"))
        }
        self.parameters = parameters
        self.salt = salt
    }
}
