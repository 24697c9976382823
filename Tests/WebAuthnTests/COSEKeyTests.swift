import Crypto
import CryptoExtras
import Foundation
import TestSupport
import Testing

@testable import WebAuthn

@Suite struct COSEKeyTests {
    static func ec2(_ alg: Int, crv: Int, _ raw: Data) -> CBOR {
        let half = raw.count / 2
        return .map([
            .init(.int(1), .int(2)), .init(.int(3), .int(alg)), .init(.int(-1), .int(crv)),
            .init(.int(-2), .bytes(Array(raw.prefix(half)))), .init(.int(-3), .bytes(Array(raw.suffix(half)))),
        ])
    }

    /// A fresh key of each kind, as a COSE_Key and a signing function.
    static let keys: [(COSEAlgorithm, CBOR, @Sendable ([UInt8]) -> [UInt8])] = {
        let p256 = P256.Signing.PrivateKey()
        let p384 = P384.Signing.PrivateKey()
        let p521 = P521.Signing.PrivateKey()
        let ed25519 = Curve25519.Signing.PrivateKey()
        let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try! rsa.publicKey.getKeyPrimitives()
        return [
            (
                .es256, ec2(-7, crv: 1, p256.publicKey.rawRepresentation),
                { Array(try! p256.signature(for: $0).derRepresentation) }
            ),
            (
                .es384, ec2(-35, crv: 2, p384.publicKey.rawRepresentation),
                { Array(try! p384.signature(for: $0).derRepresentation) }
            ),
            (
                .es512, ec2(-36, crv: 3, p521.publicKey.rawRepresentation),
                { Array(try! p521.signature(for: $0).derRepresentation) }
            ),
            (
                .eddsa,
                .map([
                    .init(.int(1), .int(1)), .init(.int(3), .int(-8)), .init(.int(-1), .int(6)),
                    .init(.int(-2), .bytes(Array(ed25519.publicKey.rawRepresentation))),
                ]),
                { Array(try! ed25519.signature(for: $0)) }
            ),
            (
                .rs256,
                .map([
                    .init(.int(1), .int(3)), .init(.int(3), .int(-257)),
                    .init(.int(-1), .bytes(Array(primitives.modulus))),
                    .init(.int(-2), .bytes(Array(primitives.publicExponent))),
                ]),
                { Array(try! rsa.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation) }
            ),
        ]
    }()

    @Test(arguments: 0..<5)
    func verifiesEachKeyType(index: Int) throws {
        let (algorithm, item, sign) = Self.keys[index]
        let key = try COSEKey(bytes: cbor(item))
        #expect(key.algorithm == algorithm)
        let message = Array("authenticator data and client data hash".utf8)
        let signature = sign(message)
        #expect(key.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(signature, for: message + [0]))
        var tampered = signature
        tampered[tampered.count / 2] ^= 0x01
        #expect(!key.isValidSignature(tampered, for: message))
        #expect(!key.isValidSignature([], for: message))
        // Another key type's signature never verifies.
        let (_, _, otherSign) = Self.keys[(index + 1) % Self.keys.count]
        #expect(!key.isValidSignature(otherSign(message), for: message))
    }

    @Test func algorithmIsBoundToTheKeyType() {
        let p256 = P256.Signing.PrivateKey()
        let key = SignatureKey.p256(p256.publicKey)
        let message: [UInt8] = [1, 2, 3]
        let signature = Array(try! p256.signature(for: message).derRepresentation)
        #expect(key.isValidSignature(signature, for: message, algorithm: .es256))
        #expect(!key.isValidSignature(signature, for: message, algorithm: .es384))
        #expect(!key.isValidSignature(signature, for: message, algorithm: .eddsa))
    }

    @Test func rejectsMalformedKeys() {
        let raw = P256.Signing.PrivateKey().publicKey.rawRepresentation
        let valid = Self.ec2(-7, crv: 1, raw)
        func without(_ label: Int) -> CBOR { .map(valid.mapEntries!.filter { $0.key != .int(label) }) }
        func replacing(_ label: Int, _ value: CBOR) -> CBOR {
            .map(valid.mapEntries!.map { $0.key == .int(label) ? .init($0.key, value) : $0 })
        }
        var offCurve = Array(raw)
        offCurve[63] ^= 0x01
        let cases: [(CBOR, WebAuthnError)] = [
            (.array([]), .malformed("COSE key is not a map")),
            (without(1), .malformed("COSE key has no integer kty (1)")),
            (without(3), .malformed("COSE key has no integer alg (3)")),
            (replacing(3, .text("ES256")), .malformed("COSE key has no integer alg (3)")),
            (replacing(3, .int(-47)), .algorithmNotAllowed(-47)),
            (replacing(3, .int(-8)), .malformed("COSE key type 2 does not fit algorithm -8")),
            (replacing(1, .int(3)), .malformed("COSE key type 3 does not fit algorithm -7")),
            (replacing(-1, .int(2)), .malformed("EC2 curve 2 does not fit algorithm -7")),
            (without(-1), .malformed("EC2 key has no integer crv (-1)")),
            (without(-3), .malformed("COSE key has no byte string y (-3)")),
            (replacing(-2, .bytes([1, 2, 3])), .malformed("EC2 coordinates are not 32 bytes")),
            (Self.ec2(-7, crv: 1, Data(offCurve)), .malformed("EC2 point is not on the curve")),
            (
                .map([
                    .init(.int(1), .int(1)), .init(.int(3), .int(-8)), .init(.int(-1), .int(7)),
                    .init(.int(-2), .bytes([])),
                ]),
                .malformed("OKP key is not Ed25519 (crv 6)")
            ),
            (
                .map([
                    .init(.int(1), .int(1)), .init(.int(3), .int(-8)), .init(.int(-1), .int(6)),
                    .init(.int(-2), .bytes([1])),
                ]),
                .malformed("Ed25519 key is not 32 bytes")
            ),
            (
                .map([
                    .init(.int(1), .int(3)), .init(.int(3), .int(-257)),
                    .init(.int(-1), .bytes([UInt8](repeating: 0xC1, count: 128))),
                    .init(.int(-2), .bytes([1, 0, 1])),
                ]),
                .malformed("RSA key is invalid or shorter than 2048 bits")
            ),
            (
                .map([
                    .init(.int(1), .int(3)), .init(.int(3), .int(-257)),
                    .init(.int(-1), .bytes([0] + [UInt8](repeating: 0xC1, count: 1025))),
                    .init(.int(-2), .bytes([1, 0, 1])),
                ]),
                .malformed("RSA key is longer than 8192 bits")
            ),
        ]
        for (item, error) in cases {
            #expect(throws: error) { try COSEKey(bytes: cbor(item)) }
        }
        #expect(throws: WebAuthnError.malformed("COSE key: trailing bytes after the CBOR item at byte 77")) {
            try COSEKey(bytes: cbor(valid) + [0])
        }
    }
}
