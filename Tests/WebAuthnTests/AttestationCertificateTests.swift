import Crypto
import Foundation
import SwiftASN1
import TestSupport
import Testing
import X509

@testable import WebAuthn

/// Packed x5c and fido-u2f statements with certificates made here, one requirement broken at a time.
@Suite struct AttestationCertificateTests {
    let authenticator = SoftAuthenticator()
    let attestationKey = P256.Signing.PrivateKey()

    static let aaguidOID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 45724, 1, 1, 4]

    func subject(ou: String = "Authenticator Attestation", country: Bool = true) throws -> DistinguishedName {
        try DistinguishedName {
            if country { CountryName("SE") }
            OrganizationName("Vegas Test")
            OrganizationalUnitName(ou)
            CommonName("Vegas Test Batch")
        }
    }

    func certificate(
        version: Certificate.Version = .v3, subject: DistinguishedName? = nil, publicKey: Certificate.PublicKey? = nil,
        extensions: Certificate.Extensions? = nil
    ) throws -> [UInt8] {
        let name = try subject ?? self.subject()
        let defaultExtensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Certificate.Extension(
                oid: Self.aaguidOID, critical: false, value: ([0x04, 0x10] + authenticator.aaguid)[...])
        }
        let certificate = try Certificate(
            version: version, serialNumber: .init(), publicKey: publicKey ?? .init(attestationKey.publicKey),
            notValidBefore: Date(timeIntervalSince1970: 1_700_000_000),
            notValidAfter: Date(timeIntervalSince1970: 4_000_000_000), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions ?? defaultExtensions,
            issuerPrivateKey: .init(attestationKey))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    func packed(
        _ certificates: [[UInt8]], alg: Int = -7, signer: P256.Signing.PrivateKey? = nil
    )
        -> (_ authData: [UInt8], _ clientDataHash: [UInt8]) -> CBOR
    {
        let signer = signer ?? attestationKey
        return { authData, clientDataHash in
            .map([
                .init(.text("alg"), .int(alg)),
                .init(
                    .text("sig"), .bytes(Array(try! signer.signature(for: authData + clientDataHash).derRepresentation))
                ),
                .init(.text("x5c"), .array(certificates.map(CBOR.bytes))),
            ])
        }
    }

    func register(
        format: String = "packed", credentialPublicKey: CBOR? = nil,
        _ statement: @escaping (_ authData: [UInt8], _ clientDataHash: [UInt8]) -> CBOR
    ) throws(WebAuthnError) -> RegisteredCredential {
        let ceremony = RegistrationCeremony(
            relyingParty: localRP, user: testUser, excludeCredentials: [], attestation: "direct")
        return try ceremony.verify(
            responseJSON: authenticator.registration(
                challenge: ceremony.challenge, flags: Flag.up | Flag.at, format: format,
                credentialPublicKey: credentialPublicKey, makeStatement: statement))
    }

    @Test func acceptsAValidChain() throws {
        let root = try certificate(
            extensions: Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) }
        )
        #expect(try register(packed([try certificate(), root])).attestationType == .basic)
        // Basic constraints and the AAGUID extension are optional.
        #expect(try register(packed([try certificate(extensions: Certificate.Extensions())])).attestationType == .basic)
    }

    @Test func rejectsBrokenPackedCertificates() throws {
        let other = P256.Signing.PrivateKey()
        let cases: [((_: [UInt8], _: [UInt8]) -> CBOR, String)] = [
            (packed([[0x30, 0x00]]), "attestation certificate is not valid DER X.509"),
            (
                packed([try certificate(version: .v1, extensions: Certificate.Extensions())]),
                "attestation certificate is not X.509 v3"
            ),
            (
                packed([try certificate(subject: try subject(ou: "Engineering"))]),
                "attestation certificate subject OU is not \"Authenticator Attestation\""
            ),
            (
                packed([try certificate(subject: try subject(country: false))]),
                "attestation certificate subject has no C"
            ),
            (
                packed([
                    try certificate(
                        extensions: Certificate.Extensions {
                            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                        })
                ]), "attestation certificate is a CA certificate"
            ),
            (
                packed([
                    try certificate(
                        extensions: Certificate.Extensions {
                            Certificate.Extension(
                                oid: Self.aaguidOID, critical: true, value: ([0x04, 0x10] + authenticator.aaguid)[...])
                        })
                ]), "AAGUID extension is marked critical"
            ),
            (
                packed([
                    try certificate(
                        extensions: Certificate.Extensions {
                            Certificate.Extension(
                                oid: Self.aaguidOID, critical: false,
                                value: ([0x04, 0x10] + [UInt8](repeating: 1, count: 16))[...])
                        })
                ]), "AAGUID extension differs from the authenticator data"
            ),
            (
                packed([
                    try certificate(
                        extensions: Certificate.Extensions {
                            Certificate.Extension(
                                oid: Self.aaguidOID, critical: false, value: authenticator.aaguid[...])
                        })
                ]), "AAGUID extension is not a 16-byte OCTET STRING"
            ),
            (
                packed([try certificate()], signer: other),
                "packed signature does not verify with the attestation certificate"
            ),
            (
                packed([try certificate()], alg: -257),
                "packed signature does not verify with the attestation certificate"
            ),
            (packed([try certificate()], alg: -47), "unsupported attestation algorithm -47"),
            (packed([try certificate(), [0x01]]), "attestation certificate is not valid DER X.509"),
            ({ _, _ in .map([.init(.text("sig"), .bytes([1]))]) }, "packed alg missing"),
            (
                { _, _ in
                    .map([
                        .init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes([1])),
                        .init(.text("x5c"), .array([.text("x")])),
                    ])
                }, "x5c holds a non-byte-string"
            ),
            (
                { _, _ in
                    .map([
                        .init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes([1])),
                        .init(.text("ecdaaKeyId"), .bytes([1])),
                    ])
                }, "ECDAA attestation is not supported"
            ),
        ]
        for (statement, message) in cases {
            #expect(throws: WebAuthnError.attestationInvalid(message)) { try register(statement) }
        }
    }

    func u2f(
        _ certificates: [[UInt8]], signer: P256.Signing.PrivateKey? = nil
    )
        -> (_ authData: [UInt8], _ clientDataHash: [UInt8]) -> CBOR
    {
        let signer = signer ?? attestationKey
        let credentialKey = authenticator.key.publicKey.x963Representation
        let credentialId = authenticator.credentialId
        return { authData, clientDataHash in
            let signed = [0x00] + Array(authData.prefix(32)) + clientDataHash + credentialId + Array(credentialKey)
            return .map([
                .init(.text("sig"), .bytes(Array(try! signer.signature(for: signed).derRepresentation))),
                .init(.text("x5c"), .array(certificates.map(CBOR.bytes))),
            ])
        }
    }

    @Test func fidoU2F() throws {
        // U2F attestation certificates need not meet packed's subject rules.
        let plain = try certificate(
            subject: try DistinguishedName { CommonName("Yubico U2F EE Serial 1") },
            extensions: Certificate.Extensions())
        #expect(try register(format: "fido-u2f", u2f([plain])).attestationType == .basic)

        let p384 = P384.Signing.PrivateKey()
        let ed25519Key: CBOR = .map([
            .init(.int(1), .int(1)), .init(.int(3), .int(-8)), .init(.int(-1), .int(6)),
            .init(.int(-2), .bytes(Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))),
        ])
        let cases: [(String, CBOR?, (_: [UInt8], _: [UInt8]) -> CBOR)] = [
            ("fido-u2f x5c must hold exactly one certificate", nil, u2f([plain, plain])),
            (
                "fido-u2f x5c must hold exactly one certificate", nil,
                { _, _ in .map([.init(.text("sig"), .bytes([1]))]) }
            ),
            ("fido-u2f sig missing", nil, { _, _ in .map([.init(.text("x5c"), .array([.bytes(plain)]))]) }),
            ("fido-u2f attestation key is not EC P-256", nil, u2f([try certificate(publicKey: .init(p384.publicKey))])),
            ("fido-u2f credential key is not EC2 P-256", ed25519Key, u2f([plain])),
            ("fido-u2f signature does not verify", nil, u2f([plain], signer: P256.Signing.PrivateKey())),
        ]
        for (message, key, statement) in cases {
            #expect(throws: WebAuthnError.attestationInvalid(message)) {
                try register(format: "fido-u2f", credentialPublicKey: key, statement)
            }
        }
    }
}
