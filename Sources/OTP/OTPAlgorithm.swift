import Crypto

/// The HMAC hash function an OTP generator uses (the otpauth `algorithm` parameter).
public enum OTPAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"
}

/// An HMAC keyed once with a generator's secret: each code starts from a copy of the keyed state instead of hashing the
/// key again (keying costs more than the 8-byte message).
struct KeyedHMAC: Sendable {
    private enum State: Sendable {
        case sha1(HMAC<Insecure.SHA1>)
        case sha256(HMAC<SHA256>)
        case sha512(HMAC<SHA512>)
    }

    private let state: State

    init(algorithm: OTPAlgorithm, key: [UInt8]) {
        let symmetricKey = SymmetricKey(data: key)
        switch algorithm {
        case .sha1: state = .sha1(HMAC(key: symmetricKey))
        case .sha256: state = .sha256(HMAC(key: symmetricKey))
        case .sha512: state = .sha512(HMAC(key: symmetricKey))
        }
    }

    /// HMAC of `message` under the key, passed to `body` without copying the digest out.
    func withAuthenticationCode<R>(for message: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch state {
        case .sha1(var mac):
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes(body)
        case .sha256(var mac):
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes(body)
        case .sha512(var mac):
            mac.update(data: message)
            return mac.finalize().withUnsafeBytes(body)
        }
    }
}
