import Crypto
import CryptoExtras
import SwiftASN1
import X509

/// Checks on an attestation certificate (x5c leaf) and access to its key.
enum AttestationCertificate {
    /// `id-fido-gen-ce-aaguid`.
    static let aaguidExtension: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 45724, 1, 1, 4]

    static func parse(_ der: [UInt8]) throws(WebAuthnError) -> Certificate {
        do { return try Certificate(derEncoded: der) } catch {
            throw .attestationInvalid("attestation certificate is not valid DER X.509")
        }
    }

    /// The certificate's public key, when it is of a supported kind.
    static func signatureKey(_ certificate: Certificate) -> SignatureKey? {
        let key = certificate.publicKey
        if let p256 = P256.Signing.PublicKey(key) { return .p256(p256) }
        if let p384 = P384.Signing.PublicKey(key) { return .p384(p384) }
        if let p521 = P521.Signing.PublicKey(key) { return .p521(p521) }
        if let ed25519 = Curve25519.Signing.PublicKey(key) { return .ed25519(ed25519) }
        if let rsa = _RSA.Signing.PublicKey(key) { return .rsa(rsa) }
        return nil
    }

    /// Packed attestation certificate requirements (WebAuthn §8.2.1).
    static func checkPackedRequirements(_ certificate: Certificate, aaguid: [UInt8]) throws(WebAuthnError) {
        guard certificate.version == .v3 else { throw .attestationInvalid("attestation certificate is not X.509 v3") }
        let attributes = certificate.subject.flatMap { $0 }
        func values(_ type: ASN1ObjectIdentifier) -> [String] {
            attributes.filter { $0.type == type }.compactMap { String($0.value) }
        }
        for (type, name) in [
            (ASN1ObjectIdentifier.RDNAttributeType.countryName, "C"),
            (.RDNAttributeType.organizationName, "O"), (.RDNAttributeType.commonName, "CN"),
        ] where values(type).isEmpty {
            throw .attestationInvalid("attestation certificate subject has no \(name)")
        }
        guard values(.RDNAttributeType.organizationalUnitName) == ["Authenticator Attestation"] else {
            throw .attestationInvalid("attestation certificate subject OU is not \"Authenticator Attestation\"")
        }
        let basicConstraints: BasicConstraints?
        do { basicConstraints = try certificate.extensions.basicConstraints } catch {
            throw .attestationInvalid("attestation certificate basic constraints are malformed")
        }
        if case .isCertificateAuthority = basicConstraints {
            throw .attestationInvalid("attestation certificate is a CA certificate")
        }
        if let extensionValue = certificate.extensions[oid: aaguidExtension] {
            guard !extensionValue.critical else { throw .attestationInvalid("AAGUID extension is marked critical") }
            let value = Array(extensionValue.value)
            guard value.count == 18, value[0] == 0x04, value[1] == 16 else {
                throw .attestationInvalid("AAGUID extension is not a 16-byte OCTET STRING")
            }
            guard Array(value[2...]) == aaguid else {
                throw .attestationInvalid("AAGUID extension differs from the authenticator data")
            }
        }
    }
}
