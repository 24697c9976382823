/// Authenticator data (WebAuthn §6.1), parsed strictly: flags must match the content and nothing may follow it.
public struct AuthenticatorData: Sendable, Equatable {
    /// The credential created in a registration (present when the AT flag is set).
    public struct AttestedCredential: Sendable, Equatable {
        public var aaguid: [UInt8]
        public var credentialId: [UInt8]
        /// The COSE_Key bytes exactly as the authenticator encoded them.
        public var publicKeyBytes: [UInt8]
        public var publicKey: CBOR
    }

    public var bytes: [UInt8]
    public var rpIdHash: [UInt8]
    public var flags: UInt8
    public var signCount: UInt32
    public var attestedCredential: AttestedCredential?
    public var extensions: CBOR?

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }
    public var backupEligible: Bool { flags & 0x08 != 0 }
    public var backupState: Bool { flags & 0x10 != 0 }

    static let attestedCredentialFlag: UInt8 = 0x40
    static let extensionsFlag: UInt8 = 0x80

    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else { throw .malformed("authenticator data is \(bytes.count) bytes, shorter than 37") }
        self.bytes = bytes
        rpIdHash = Array(bytes[0..<32])
        flags = bytes[32]
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var position = 37
        if flags & Self.attestedCredentialFlag != 0 {
            guard bytes.count - position >= 18 else { throw .malformed("attested credential data is truncated") }
            let aaguid = Array(bytes[position..<position + 16])
            let idLength = Int(bytes[position + 16]) << 8 | Int(bytes[position + 17])
            position += 18
            guard bytes.count - position >= idLength else { throw .malformed("credential ID is truncated") }
            let credentialId = Array(bytes[position..<position + idLength])
            position += idLength
            let (publicKey, keyLength) = try Self.item(bytes, at: position, "credential public key")
            attestedCredential = AttestedCredential(
                aaguid: aaguid, credentialId: credentialId,
                publicKeyBytes: Array(bytes[position..<position + keyLength]), publicKey: publicKey)
            position += keyLength
        }
        if flags & Self.extensionsFlag != 0 {
            let (extensions, length) = try Self.item(bytes, at: position, "extensions")
            guard extensions.mapEntries != nil else { throw .malformed("authenticator extensions are not a map") }
            self.extensions = extensions
            position += length
        }
        guard position == bytes.count else {
            throw .malformed("\(bytes.count - position) unexpected bytes after authenticator data")
        }
    }

    private static func item(_ bytes: [UInt8], at position: Int, _ name: String) throws(WebAuthnError) -> (CBOR, Int) {
        guard position < bytes.count else { throw .malformed("\(name) missing from authenticator data") }
        do { return try CBORDecoder.decodePrefix(bytes[position...]) } catch {
            throw .malformed("\(name): \(error)")
        }
    }
}
