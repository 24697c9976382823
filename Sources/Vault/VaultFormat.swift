import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The sealed vault file, as bytes (pure: no I/O).
///
/// Layout of version 1 (integers big-endian):
///
/// | offset | size | field                                                          |
/// |-------:|-----:|----------------------------------------------------------------|
/// |      0 |   12 | magic line `vegas-vault\n`                                     |
/// |     12 |    1 | format version, 1                                              |
/// |     13 |    1 | scrypt log2(N)                                                 |
/// |     14 |    1 | scrypt r                                                       |
/// |     15 |    1 | scrypt p                                                       |
/// |     16 |   16 | scrypt salt (random per key)                                   |
/// |     32 |   12 | AES-GCM nonce (random per write)                               |
/// |     44 |    4 | body length L: 16 ≤ L, and 48 + L ≤ ``maximumFileSize``       |
/// |     48 |    L | AES-256-GCM ciphertext followed by its 16-byte tag             |
///
/// The key is scrypt(UTF-8 passphrase, salt, N, r, p), 32 bytes. The 48 header bytes are the AEAD's additional
/// authenticated data, so a change to the parameters, salt, nonce or length fails authentication just as a change
/// to the body does. The parameters are checked against ``ScryptParameters/isWithinBounds`` before deriving.
/// The plaintext is JSON, `{"accounts":[{"name":…,"uri":"otpauth://…","createDate":…}]}` (see ``VaultAccount``;
/// dates as seconds since 2001-01-01 UTC).
public enum VaultFormat {
    public static let magic = Array("vegas-vault\n".utf8)
    public static let version: UInt8 = 1
    public static let headerSize = 48
    /// Largest vault file accepted or written (16 MiB).
    public static let maximumFileSize = 16 << 20

    /// Seals `contents` under a key derived from `passphrase` with `parameters` and a fresh salt.
    public static func seal(
        _ contents: VaultContents, passphrase: String, parameters: ScryptParameters = .standard
    ) throws(VaultError) -> [UInt8] {
        try seal(contents, key: VaultKey(passphrase: passphrase, parameters: parameters))
    }

    /// Opens a sealed vault: checks the header, derives the key once, authenticates and decodes.
    public static func open(_ bytes: [UInt8], passphrase: String) throws(VaultError) -> VaultContents {
        try openReturningKey(bytes, passphrase: passphrase).contents
    }

    /// Opens a vault and also returns its key, so that it can be sealed again without a new derivation.
    static func openReturningKey(
        _ bytes: [UInt8], passphrase: String
    ) throws(VaultError) -> (contents: VaultContents, key: VaultKey) {
        let header = try VaultHeader(of: bytes)
        let key = try VaultKey(passphrase: passphrase, parameters: header.parameters, salt: header.salt)
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: header.nonce),
                ciphertext: bytes[headerSize..<bytes.count - VaultHeader.tagSize],
                tag: bytes[(bytes.count - VaultHeader.tagSize)...])
            plaintext = try AES.GCM.open(box, using: key.symmetricKey, authenticating: bytes[..<headerSize])
        } catch {
            throw VaultError(.wrongPassphraseOrTampered)
        }
        return (try decode(plaintext), key)
    }

    /// Seals `contents` with `key` and a fresh nonce.
    static func seal(_ contents: VaultContents, key: VaultKey) throws(VaultError) -> [UInt8] {
        let plaintext: Data
        do {
            plaintext = try JSONEncoder().encode(VaultPlaintext(accounts: contents.accounts))
        } catch {
            throw VaultError(.cryptographyFailed("encoding the vault contents"))
        }
        let size = headerSize + plaintext.count + VaultHeader.tagSize
        guard size <= maximumFileSize else { throw VaultError(.notAVault(.oversized(byteCount: size))) }
        let nonce = AES.GCM.Nonce()
        let header = VaultHeader(
            parameters: key.parameters, salt: key.salt, nonce: Array(nonce),
            bodyLength: plaintext.count + VaultHeader.tagSize)
        let headerBytes = header.bytes
        do {
            let box = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: nonce, authenticating: headerBytes)
            return headerBytes + box.ciphertext + box.tag
        } catch {
            throw VaultError(.cryptographyFailed("AES-GCM sealing"))
        }
    }

    private static func decode(_ plaintext: Data) throws(VaultError) -> VaultContents {
        let decoded: VaultPlaintext
        do {
            decoded = try JSONDecoder().decode(VaultPlaintext.self, from: plaintext)
        } catch let error as DecodingError {
            throw VaultError(.notAVault(.malformedContents(error.safeSummary)))
        } catch {
            throw VaultError(.notAVault(.malformedContents("not JSON")))
        }
        do {
            return try VaultContents(accounts: decoded.accounts)
        } catch {
            throw VaultError(.notAVault(.malformedContents(error.description)))
        }
    }
}

/// The JSON document inside the AEAD.
private struct VaultPlaintext: Codable {
    var accounts: [VaultAccount]
}

extension DecodingError {
    /// Where decoding failed (coding path only: the values may be secrets).
    fileprivate var safeSummary: String {
        let context: Context? =
            switch self {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
                .dataCorrupted(let context):
                context
            @unknown default: nil
            }
        var path = (context?.codingPath ?? []).map { $0.intValue.map(String.init) ?? $0.stringValue }
        if case .keyNotFound(let key, _) = self { path.append(key.stringValue) }
        return path.isEmpty ? "invalid JSON" : "invalid value at " + path.joined(separator: ".")
    }
}
