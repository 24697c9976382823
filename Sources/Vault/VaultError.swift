/// Why a vault operation failed. Descriptions name files, accounts and causes, never a passphrase, key or secret.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Authentication failed: the passphrase is wrong, or some byte of the file was changed.
        case wrongPassphraseOrTampered
        /// The bytes are not a vault this build can open (checked before any key is derived).
        case notAVault(NotAVaultReason)
        /// There is no vault file yet.
        case noVault
        /// An empty passphrase was given.
        case emptyPassphrase
        /// Sealing was asked for with scrypt parameters outside ``ScryptParameters/isWithinBounds``.
        case invalidParameters(ScryptParameters)
        /// The vault already has an account with this name.
        case duplicateAccount(String)
        /// The vault has no account with this name.
        case noSuchAccount(String)
        /// The account cannot be stored or used (the reason names the problem, never the secret).
        case invalidAccount(name: String, reason: String)
        /// A system call failed: the operation and the errno text (``VaultError/path`` names the file).
        case io(operation: String, message: String)
        /// The cryptography library failed (key derivation or sealing), not because of the input.
        case cryptographyFailed(String)
    }

    /// What is wrong with bytes that are not a vault.
    public enum NotAVaultReason: Sendable, Equatable {
        /// The bytes do not start with ``VaultFormat/magic``.
        case badMagic
        /// A format version other than ``VaultFormat/version``.
        case unsupportedVersion(UInt8)
        /// Fewer than ``VaultFormat/headerSize`` bytes.
        case truncatedHeader(byteCount: Int)
        /// The body is shorter than the header's body length says.
        case truncatedBody(expected: Int, actual: Int)
        /// Bytes follow the body.
        case trailingBytes(count: Int)
        /// The header's scrypt parameters are outside ``ScryptParameters/isWithinBounds``.
        case parametersOutOfBounds(ScryptParameters)
        /// A header field holds an impossible value (the field's name).
        case malformedField(String)
        /// The file (or the size its header announces) exceeds ``VaultFormat/maximumFileSize``.
        case oversized(byteCount: Int)
        /// The authenticated plaintext is not a valid account list (what is wrong, without secrets).
        case malformedContents(String)
    }

    public var kind: Kind
    /// The file concerned, when the error comes from ``VaultFile``.
    public var path: String?

    public init(_ kind: Kind, path: String? = nil) {
        self.kind = kind
        self.path = path
    }

    /// This error attributed to `path`, unless it already names a file.
    func at(_ path: String) -> VaultError {
        VaultError(kind, path: self.path ?? path)
    }

    public var description: String {
        guard let path else { return message }
        return "\(path): \(message)"
    }

    private var message: String {
        switch kind {
        case .wrongPassphraseOrTampered: "the vault could not be opened: wrong passphrase, or the file was changed"
        case .notAVault(let reason): "not a vegas vault: \(reason.description)"
        case .noVault: "there is no vault yet"
        case .emptyPassphrase: "the vault passphrase is empty"
        case .invalidParameters(let parameters): parameters.boundsDescription
        case .duplicateAccount(let name): "the vault already has an account named \(name.debugDescription)"
        case .noSuchAccount(let name): "the vault has no account named \(name.debugDescription)"
        case .invalidAccount(let name, let reason): "account \(name.debugDescription): \(reason)"
        case .io(let operation, let message): "\(operation) failed: \(message)"
        case .cryptographyFailed(let what): "\(what) failed"
        }
    }
}

extension VaultError.NotAVaultReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .badMagic: "it does not start with \(String(decoding: VaultFormat.magic, as: UTF8.self).debugDescription)"
        case .unsupportedVersion(let version):
            "format version \(version) is not supported (this build reads version \(VaultFormat.version))"
        case .truncatedHeader(let count): "the header is truncated (\(count) of \(VaultFormat.headerSize) bytes)"
        case .truncatedBody(let expected, let actual): "the body is truncated (\(actual) of \(expected) bytes)"
        case .trailingBytes(let count): "\(count) unexpected bytes follow the body"
        case .parametersOutOfBounds(let parameters): parameters.boundsDescription
        case .malformedField(let field): "the header's \(field) is malformed"
        case .oversized(let count): "\(count) bytes is more than the \(VaultFormat.maximumFileSize) allowed"
        case .malformedContents(let detail): "the decrypted contents are malformed: \(detail)"
        }
    }
}
