/// What an attestation statement proved about the authenticator (no trust anchors are consulted).
public enum AttestationType: String, Sendable, Codable {
    /// No attestation: format "none", or an unverified format when attestation "none" was requested.
    case none
    /// Signed by the credential key itself (packed without x5c).
    case `self`
    /// Signed by an attestation certificate (x5c), not chained to any trust anchor.
    case basic
}

/// The inputs every attestation statement format verifies against.
struct AttestationInput {
    var statement: CBOR
    var authenticatorData: AuthenticatorData
    var credential: AuthenticatorData.AttestedCredential
    var credentialKey: COSEKey
    var clientDataHash: [UInt8]

    /// `authenticatorData ‖ clientDataHash`, what packed statements sign.
    var signedData: [UInt8] { authenticatorData.bytes + clientDataHash }
}

enum Attestation {
    /// Verifies the statement of format `format` (registration steps 15–18). A format other than none, packed and
    /// fido-u2f is treated as no attestation when `conveyance` is "none", and refused otherwise.
    static func verify(
        format: String, _ input: AttestationInput, conveyance: String
    ) throws(WebAuthnError)
        -> AttestationType
    {
        guard input.statement.mapEntries != nil else { throw .malformed("attStmt is not a map") }
        switch format {
        case "none":
            guard input.statement.mapEntries?.isEmpty == true else {
                throw .attestationInvalid("none attestation statement is not empty")
            }
            return .none
        case "packed": return try PackedAttestation.verify(input)
        case "fido-u2f": return try FIDOU2FAttestation.verify(input)
        default:
            guard conveyance == "none" else { throw .unsupportedAttestationFormat(format) }
            return .none
        }
    }

    /// The DER certificates of an `x5c` member: a non-empty array of byte strings.
    static func certificateChain(_ statement: CBOR) throws(WebAuthnError) -> [[UInt8]]? {
        guard let item = statement["x5c"] else { return nil }
        guard let items = item.arrayItems, !items.isEmpty else {
            throw .attestationInvalid("x5c is not a non-empty array")
        }
        var chain = [[UInt8]]()
        for item in items {
            guard let der = item.byteString else { throw .attestationInvalid("x5c holds a non-byte-string") }
            chain.append(der)
        }
        return chain
    }
}

/// Packed attestation (WebAuthn §8.2): self attestation, or basic attestation with an x5c chain.
enum PackedAttestation {
    static func verify(_ input: AttestationInput) throws(WebAuthnError) -> AttestationType {
        let statement = input.statement
        guard let alg = statement["alg"]?.integer else { throw .attestationInvalid("packed alg missing") }
        guard let signature = statement["sig"]?.byteString else { throw .attestationInvalid("packed sig missing") }
        if let chain = try Attestation.certificateChain(statement) {
            guard let algorithm = COSEAlgorithm(rawValue: alg) else {
                throw .attestationInvalid("unsupported attestation algorithm \(alg)")
            }
            let leaf = try AttestationCertificate.parse(chain[0])
            guard let key = AttestationCertificate.signatureKey(leaf) else {
                throw .attestationInvalid("unsupported attestation certificate key")
            }
            guard key.isValidSignature(signature, for: input.signedData, algorithm: algorithm) else {
                throw .attestationInvalid("packed signature does not verify with the attestation certificate")
            }
            try AttestationCertificate.checkPackedRequirements(leaf, aaguid: input.credential.aaguid)
            for der in chain.dropFirst() { _ = try AttestationCertificate.parse(der) }
            return .basic
        }
        guard statement["ecdaaKeyId"] == nil else { throw .attestationInvalid("ECDAA attestation is not supported") }
        guard alg == input.credentialKey.algorithm.rawValue else {
            throw .attestationInvalid("self attestation alg \(alg) differs from the credential's")
        }
        guard input.credentialKey.isValidSignature(signature, for: input.signedData) else {
            throw .attestationInvalid("self attestation signature does not verify with the credential key")
        }
        return .self
    }
}

/// FIDO U2F attestation (WebAuthn §8.6).
enum FIDOU2FAttestation {
    static func verify(_ input: AttestationInput) throws(WebAuthnError) -> AttestationType {
        guard let signature = input.statement["sig"]?.byteString else {
            throw .attestationInvalid("fido-u2f sig missing")
        }
        guard let chain = try Attestation.certificateChain(input.statement), chain.count == 1 else {
            throw .attestationInvalid("fido-u2f x5c must hold exactly one certificate")
        }
        let certificate = try AttestationCertificate.parse(chain[0])
        guard case .p256(let attestationKey)? = AttestationCertificate.signatureKey(certificate) else {
            throw .attestationInvalid("fido-u2f attestation key is not EC P-256")
        }
        guard case .p256(let credentialKey) = input.credentialKey.key else {
            throw .attestationInvalid("fido-u2f credential key is not EC2 P-256")
        }
        let signed =
            [0x00] + input.authenticatorData.rpIdHash + input.clientDataHash + input.credential.credentialId
            + Array(credentialKey.x963Representation)
        guard SignatureKey.p256(attestationKey).isValidSignature(signature, for: signed, algorithm: .es256) else {
            throw .attestationInvalid("fido-u2f signature does not verify")
        }
        return .basic
    }
}
