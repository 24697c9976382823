/// Why a WebAuthn response was refused. Each case names the failed check; tell the user only that the key was not
/// accepted.
public enum WebAuthnError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input could not be parsed (JSON, base64url, CBOR, authenticator data, COSE key, certificate).
    case malformed(String)
    /// The response JSON is larger than `limit` bytes.
    case inputTooLarge(limit: Int)
    /// `clientDataJSON.type` is not the ceremony's ("webauthn.create" or "webauthn.get").
    case typeMismatch
    /// `clientDataJSON.challenge` is not this ceremony's challenge.
    case challengeMismatch
    /// `clientDataJSON.origin` is not one of the relying party's origins.
    case originMismatch(String)
    /// The ceremony ran in a cross-origin iframe (`crossOrigin: true` or `topOrigin` present).
    case crossOriginNotAllowed
    /// The authenticator data is scoped to another relying party ID (or AppID).
    case rpIdHashMismatch
    /// The user-present flag is clear.
    case userNotPresent
    /// The relying party requires user verification and the user-verified flag is clear.
    case userNotVerified
    /// The backup-state flag is set while backup eligibility is clear.
    case backupStateWithoutEligibility
    /// The backup-eligibility flag differs from the one recorded at registration.
    case backupEligibilityChanged
    /// The credential's COSE algorithm is not one the relying party offered.
    case algorithmNotAllowed(Int)
    /// The attestation format is not supported and attestation was requested.
    case unsupportedAttestationFormat(String)
    /// The attestation statement does not verify.
    case attestationInvalid(String)
    /// The new credential is one of the ceremony's `excludeCredentials`.
    case credentialExcluded
    /// The asserted credential is not among `allowCredentials` (or not the stored credential).
    case credentialNotAllowed
    /// The credential ID is longer than 1023 bytes.
    case credentialIdTooLong
    /// The assertion's user handle is missing where required, or not the expected user's.
    case userHandleMismatch
    /// The signature does not verify with the credential's public key.
    case signatureInvalid
    /// The signature counter did not increase: a possibly cloned authenticator.
    case signCountRegressed(stored: UInt32, received: UInt32)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed response: \(reason)"
        case .inputTooLarge(let limit): "response larger than \(limit) bytes"
        case .typeMismatch: "clientDataJSON has the wrong type"
        case .challengeMismatch: "challenge does not match"
        case .originMismatch(let origin): "unexpected origin \(origin)"
        case .crossOriginNotAllowed: "cross-origin ceremonies are not allowed"
        case .rpIdHashMismatch: "authenticator data is for another relying party"
        case .userNotPresent: "user presence flag not set"
        case .userNotVerified: "user verification required but not performed"
        case .backupStateWithoutEligibility: "backup state set without backup eligibility"
        case .backupEligibilityChanged: "backup eligibility differs from the registered credential"
        case .algorithmNotAllowed(let alg): "COSE algorithm \(alg) not allowed"
        case .unsupportedAttestationFormat(let format): "unsupported attestation format \(format)"
        case .attestationInvalid(let reason): "invalid attestation: \(reason)"
        case .credentialExcluded: "credential is already registered"
        case .credentialNotAllowed: "credential not allowed"
        case .credentialIdTooLong: "credential ID longer than 1023 bytes"
        case .userHandleMismatch: "user handle does not match"
        case .signatureInvalid: "signature invalid"
        case .signCountRegressed(let stored, let received):
            "signature counter did not increase (stored \(stored), received \(received))"
        }
    }
}
