// WebAuthn test payloads: hex and CBOR helpers, browser-shaped response JSON and a software authenticator that signs
// them, for the WebAuthn tests and the identity domain's security-key tests.
import Crypto
import Foundation
import WebAuthn

/// Bytes from a hex string (test fixtures only).
public func hex(_ text: String) -> [UInt8] {
    var bytes = [UInt8]()
    var iterator = text.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
    }
    return bytes
}

public func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

public func b64url(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }

public func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }

/// A minimal CBOR encoder to build test payloads (shortest-form heads, map order as given).
public func cbor(_ item: CBOR) -> [UInt8] {
    func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        switch value {
        case 0..<24: [major << 5 | UInt8(value)]
        case 24..<0x100: [major << 5 | 24, UInt8(value)]
        case 0x100..<0x10000: [major << 5 | 25] + withUnsafeBytes(of: UInt16(value).bigEndian, Array.init)
        case 0x10000..<0x1_0000_0000: [major << 5 | 26] + withUnsafeBytes(of: UInt32(value).bigEndian, Array.init)
        default: [major << 5 | 27] + withUnsafeBytes(of: value.bigEndian, Array.init)
        }
    }
    switch item {
    case .unsigned(let value): return head(0, value)
    case .negative(let value): return head(1, value)
    case .bytes(let bytes): return head(2, UInt64(bytes.count)) + bytes
    case .text(let text): return head(3, UInt64(text.utf8.count)) + Array(text.utf8)
    case .array(let items): return head(4, UInt64(items.count)) + items.flatMap(cbor)
    case .map(let pairs): return head(5, UInt64(pairs.count)) + pairs.flatMap { cbor($0.key) + cbor($0.value) }
    case .bool(let value): return [value ? 0xF5 : 0xF4]
    case .null: return [0xF6]
    }
}

extension CBOR {
    public static func int(_ value: Int) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }
}

/// RegistrationResponseJSON as a browser's `toJSON()` would give it.
public func registrationJSON(
    credentialId: [UInt8], clientDataJSON: [UInt8], attestationObject: [UInt8], transports: [String] = ["usb"]
) -> [UInt8] {
    let object: [String: Any] = [
        "id": b64url(credentialId), "rawId": b64url(credentialId), "type": "public-key",
        "authenticatorAttachment": "cross-platform", "clientExtensionResults": [String: Any](),
        "response": [
            "clientDataJSON": b64url(clientDataJSON), "attestationObject": b64url(attestationObject),
            "transports": transports,
        ],
    ]
    return Array(try! JSONSerialization.data(withJSONObject: object))
}

/// AuthenticationResponseJSON as a browser's `toJSON()` would give it.
public func assertionJSON(
    credentialId: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
    userHandle: [UInt8]? = nil, appid: Bool? = nil
) -> [UInt8] {
    var response: [String: Any] = [
        "clientDataJSON": b64url(clientDataJSON), "authenticatorData": b64url(authenticatorData),
        "signature": b64url(signature),
    ]
    if let userHandle { response["userHandle"] = b64url(userHandle) }
    var extensions = [String: Any]()
    if let appid { extensions["appid"] = appid }
    let object: [String: Any] = [
        "id": b64url(credentialId), "rawId": b64url(credentialId), "type": "public-key",
        "clientExtensionResults": extensions, "response": response,
    ]
    return Array(try! JSONSerialization.data(withJSONObject: object))
}

/// clientDataJSON with the members in the browser's order.
public func clientDataJSON(
    type: String, challenge: [UInt8], origin: String, crossOrigin: Bool? = false, topOrigin: String? = nil
) -> [UInt8] {
    var json = "{\"type\":\"\(type)\",\"challenge\":\"\(b64url(challenge))\",\"origin\":\"\(origin)\""
    if let crossOrigin { json += ",\"crossOrigin\":\(crossOrigin)" }
    if let topOrigin { json += ",\"topOrigin\":\"\(topOrigin)\"" }
    return Array((json + "}").utf8)
}

public enum Flag {
    public static let up: UInt8 = 0x01
    public static let uv: UInt8 = 0x04
    public static let be: UInt8 = 0x08
    public static let bs: UInt8 = 0x10
    public static let at: UInt8 = 0x40
    public static let ed: UInt8 = 0x80
}

public let localRP = RelyingParty(id: "localhost", name: "Vegas", origins: ["http://localhost:8080"])
public let testUser = UserEntity(id: Array("user-handle-1".utf8), name: "alice", displayName: "Alice")

/// A software authenticator with one ES256 credential, producing browser-shaped responses for the negative cases.
public struct SoftAuthenticator {
    /// A new key pair, under a random credential id unless one is given.
    public init(credentialId: [UInt8]? = nil) {
        if let credentialId { self.credentialId = credentialId }
    }

    public let key = P256.Signing.PrivateKey()
    public var credentialId: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    public var aaguid = [UInt8](repeating: 0xAA, count: 16)

    public var coseKey: CBOR {
        let raw = Array(key.publicKey.rawRepresentation)
        return .map([
            .init(.int(1), .int(2)), .init(.int(3), .int(-7)), .init(.int(-1), .int(1)),
            .init(.int(-2), .bytes(Array(raw[0..<32]))), .init(.int(-3), .bytes(Array(raw[32...]))),
        ])
    }

    public func sign(_ data: [UInt8]) -> [UInt8] { Array(try! key.signature(for: data).derRepresentation) }

    public func authenticatorData(
        rpId: String = "localhost", flags: UInt8, signCount: UInt32 = 0, credentialPublicKey: CBOR? = nil,
        credentialId: [UInt8]? = nil
    ) -> [UInt8] {
        var bytes = sha256(Array(rpId.utf8)) + [flags] + withUnsafeBytes(of: signCount.bigEndian, Array.init)
        if flags & Flag.at != 0 {
            let identifier = credentialId ?? self.credentialId
            bytes += aaguid + [UInt8(identifier.count >> 8), UInt8(identifier.count & 0xFF)] + identifier
            bytes += cbor(credentialPublicKey ?? coseKey)
        }
        return bytes
    }

    /// A registration response; `statement` defaults to the format's valid statement (none: empty, packed: self).
    public func registration(
        challenge: [UInt8], origin: String = "http://localhost:8080", type: String = "webauthn.create",
        rpId: String = "localhost", flags: UInt8 = Flag.up | Flag.uv | Flag.at, format: String = "none",
        statement: CBOR? = nil, credentialPublicKey: CBOR? = nil, credentialId: [UInt8]? = nil,
        crossOrigin: Bool? = false, topOrigin: String? = nil,
        makeStatement: ((_ authData: [UInt8], _ clientDataHash: [UInt8]) -> CBOR)? = nil
    ) -> [UInt8] {
        let clientData = clientDataJSON(
            type: type, challenge: challenge, origin: origin, crossOrigin: crossOrigin, topOrigin: topOrigin)
        let authData = authenticatorData(
            rpId: rpId, flags: flags, credentialPublicKey: credentialPublicKey, credentialId: credentialId)
        let attStmt =
            statement ?? makeStatement?(authData, sha256(clientData))
            ?? (format == "packed"
                ? .map([
                    .init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes(sign(authData + sha256(clientData)))),
                ])
                : .map([]))
        let object = CBOR.map([
            .init(.text("fmt"), .text(format)), .init(.text("attStmt"), attStmt),
            .init(.text("authData"), .bytes(authData)),
        ])
        return registrationJSON(
            credentialId: credentialId ?? self.credentialId, clientDataJSON: clientData, attestationObject: cbor(object)
        )
    }

    /// The stored record as a registration with `backupEligible` would leave it.
    public func stored(signCount: UInt32 = 0, backupEligible: Bool = false) -> StoredCredential {
        StoredCredential(
            credentialId: credentialId, publicKey: cbor(coseKey), signCount: signCount, backupEligible: backupEligible)
    }

    public func assertion(
        challenge: [UInt8], origin: String = "http://localhost:8080", type: String = "webauthn.get",
        rpId: String = "localhost", flags: UInt8 = Flag.up | Flag.uv, signCount: UInt32 = 0,
        userHandle: [UInt8]? = nil, appid: Bool? = nil, crossOrigin: Bool? = false, tamper: Bool = false
    ) -> [UInt8] {
        let clientData = clientDataJSON(type: type, challenge: challenge, origin: origin, crossOrigin: crossOrigin)
        let authData = authenticatorData(rpId: rpId, flags: flags, signCount: signCount)
        var signature = sign(authData + sha256(clientData))
        if tamper { signature[signature.count - 1] ^= 0x01 }
        return assertionJSON(
            credentialId: credentialId, clientDataJSON: clientData, authenticatorData: authData, signature: signature,
            userHandle: userHandle, appid: appid)
    }
}
