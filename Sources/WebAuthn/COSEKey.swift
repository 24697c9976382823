import Crypto
import CryptoExtras

/// COSE algorithm identifiers (IANA "COSE Algorithms") this relying party verifies.
public enum COSEAlgorithm: Int, Sendable, Codable, CaseIterable {
    /// ECDSA with SHA-256 on P-256.
    case es256 = -7
    /// ECDSA with SHA-384 on P-384.
    case es384 = -35
    /// ECDSA with SHA-512 on P-521.
    case es512 = -36
    /// EdDSA on Ed25519.
    case eddsa = -8
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = -257
}

/// A public key able to check one of the supported signature algorithms.
enum SignatureKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)

    /// Whether `signature` is `algorithm`'s signature over `data`; false too when the algorithm does not fit the key.
    func isValidSignature(_ signature: [UInt8], for data: [UInt8], algorithm: COSEAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.p256(let key), .es256):
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case (.p384(let key), .es384):
            guard let signature = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case (.p521(let key), .es512):
            guard let signature = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: data)
        case (.ed25519(let key), .eddsa):
            return signature.count == 64 && key.isValidSignature(signature, for: data)
        case (.rsa(let key), .rs256):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
        default:
            return false
        }
    }
}

/// A credential public key in COSE_Key form (RFC 9052/9053, RFC 8230): EC2 P-256/384/521, OKP Ed25519 or RSA.
public struct COSEKey: Sendable {
    public let algorithm: COSEAlgorithm
    let key: SignatureKey

    static let maximumRSAModulusBytes = 1024

    /// Parses COSE_Key bytes (exactly one CBOR map).
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        let item: CBOR
        do { item = try CBORDecoder.decode(bytes) } catch { throw .malformed("COSE key: \(error)") }
        try self.init(item)
    }

    /// Parses a decoded COSE_Key map. An algorithm outside `COSEAlgorithm` is `.algorithmNotAllowed`.
    public init(_ item: CBOR) throws(WebAuthnError) {
        guard item.mapEntries != nil else { throw .malformed("COSE key is not a map") }
        guard let kty = item[1]?.integer else { throw .malformed("COSE key has no integer kty (1)") }
        guard let alg = item[3]?.integer else { throw .malformed("COSE key has no integer alg (3)") }
        guard let algorithm = COSEAlgorithm(rawValue: alg) else { throw .algorithmNotAllowed(alg) }
        self.algorithm = algorithm
        switch (kty, algorithm) {
        case (2, .es256), (2, .es384), (2, .es512): key = try Self.ec2Key(item, algorithm: algorithm)
        case (1, .eddsa): key = try Self.okpKey(item)
        case (3, .rs256): key = try Self.rsaKey(item)
        default: throw .malformed("COSE key type \(kty) does not fit algorithm \(alg)")
        }
    }

    /// Whether `signature` is this key's signature over `data` under `algorithm`.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: data, algorithm: algorithm)
    }

    private static func bytes(_ item: CBOR, _ label: Int, _ name: String) throws(WebAuthnError) -> [UInt8] {
        guard let value = item[label]?.byteString else { throw .malformed("COSE key has no byte string \(name)") }
        return value
    }

    private static func ec2Key(_ item: CBOR, algorithm: COSEAlgorithm) throws(WebAuthnError) -> SignatureKey {
        let (curve, size): (Int, Int) =
            switch algorithm {
            case .es384: (2, 48)
            case .es512: (3, 66)
            default: (1, 32)
            }
        guard let crv = item[-1]?.integer else { throw .malformed("EC2 key has no integer crv (-1)") }
        guard crv == curve else { throw .malformed("EC2 curve \(crv) does not fit algorithm \(algorithm.rawValue)") }
        let x = try bytes(item, -2, "x (-2)")
        let y = try bytes(item, -3, "y (-3)")
        guard x.count == size, y.count == size else { throw .malformed("EC2 coordinates are not \(size) bytes") }
        do {
            switch algorithm {
            case .es384: return .p384(try P384.Signing.PublicKey(rawRepresentation: x + y))
            case .es512: return .p521(try P521.Signing.PublicKey(rawRepresentation: x + y))
            default: return .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
            }
        } catch {
            throw .malformed("EC2 point is not on the curve")
        }
    }

    private static func okpKey(_ item: CBOR) throws(WebAuthnError) -> SignatureKey {
        guard item[-1]?.integer == 6 else { throw .malformed("OKP key is not Ed25519 (crv 6)") }
        let x = try bytes(item, -2, "x (-2)")
        do { return .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: x)) } catch {
            throw .malformed("Ed25519 key is not 32 bytes")
        }
    }

    private static func rsaKey(_ item: CBOR) throws(WebAuthnError) -> SignatureKey {
        let n = try bytes(item, -1, "n (-1)")
        let e = try bytes(item, -2, "e (-2)")
        // Verification cost grows with the modulus: refuse what no authenticator makes.
        guard n.drop(while: { $0 == 0 }).count <= maximumRSAModulusBytes else {
            throw .malformed("RSA key is longer than \(maximumRSAModulusBytes * 8) bits")
        }
        do { return .rsa(try _RSA.Signing.PublicKey(n: n, e: e)) } catch {
            throw .malformed("RSA key is invalid or shorter than 2048 bits")
        }
    }
}

extension COSEKey {
    /// The COSE_Key (EC2, P-256, ES256) of a U2F-era public key given as its 65-byte uncompressed point `04‖x‖y`, as a
    /// U2F server stored it; for importing legacy registrations that then sign in through the AppID extension.
    public static func p256(uncompressedPoint point: [UInt8]) throws(WebAuthnError) -> [UInt8] {
        guard point.count == 65, point[0] == 0x04 else {
            throw .malformed("a U2F public key is a 65-byte uncompressed P-256 point starting with 04")
        }
        // {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}
        let bytes: [UInt8] =
            [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20] + point[1..<33] + [0x22, 0x58, 0x20]
            + point[33..<65]
        _ = try COSEKey(bytes: bytes)  // refuses a point off the curve
        return bytes
    }
}
