import Crypto

/// One authentication (WebAuthn §7.2) with the user's registered security keys. Keep it server-side and use it for
/// one response only: the challenge must not be reused.
public struct AuthenticationCeremony: Sendable, Codable {
    public let relyingParty: RelyingParty
    /// The user's credentials; empty for a discoverable-credential login, where the user handle is then required.
    public let allowCredentials: [CredentialDescriptor]
    public let challenge: [UInt8]

    /// Starts a ceremony with a fresh challenge; `relyingParty.appID` is requested when set.
    public init(relyingParty: RelyingParty, allowCredentials: [CredentialDescriptor]) {
        self.init(relyingParty: relyingParty, allowCredentials: allowCredentials, challenge: Challenge.random())
    }

    /// Restores a ceremony whose challenge was issued earlier (kept in server-side state).
    public init(relyingParty: RelyingParty, allowCredentials: [CredentialDescriptor], challenge: [UInt8]) {
        self.relyingParty = relyingParty
        self.allowCredentials = allowCredentials
        self.challenge = challenge
    }

    /// PublicKeyCredentialRequestOptionsJSON for `PublicKeyCredential.parseRequestOptionsFromJSON()`.
    public var optionsJSON: String {
        OptionsJSON.encode(
            OptionsJSON.Request(
                challenge: Base64URL.encode(challenge), timeout: OptionsJSON.timeout, rpId: relyingParty.id,
                allowCredentials: allowCredentials.map(OptionsJSON.Descriptor.init),
                userVerification: relyingParty.userVerification.rawValue,
                extensions: relyingParty.appID.map { .init(appid: $0) }))
    }

    /// The credential ID an AuthenticationResponseJSON claims, so the caller can look the credential up.
    public static func credentialId(ofResponseJSON responseJSON: [UInt8]) throws(WebAuthnError) -> [UInt8] {
        let response = try JSONInput.decode(CredentialIdentifierJSON.self, from: responseJSON, "assertion response")
        return try JSONInput.credentialId(id: response.id, rawId: response.rawId, type: nil)
    }

    /// Verifies the browser's AuthenticationResponseJSON (`credential.toJSON()`, UTF-8) against the stored credential.
    /// `userHandle` is the expected user's handle; the response's must equal it when both are present, and must be
    /// present when `allowCredentials` is empty. On success store the returned `signCount`.
    public func verify(
        responseJSON: [UInt8], credential: StoredCredential, userHandle: [UInt8]?
    ) throws(WebAuthnError) -> VerifiedAssertion {
        let response = try JSONInput.decode(AuthenticationResponseJSON.self, from: responseJSON, "assertion response")
        let credentialId = try JSONInput.credentialId(id: response.id, rawId: response.rawId, type: response.type)
        let clientDataJSON = try JSONInput.base64URL(response.response.clientDataJSON, "clientDataJSON")
        let authenticatorBytes = try JSONInput.base64URL(response.response.authenticatorData, "authenticatorData")
        let signature = try JSONInput.base64URL(response.response.signature, "signature")
        let responseUserHandle = try response.response.userHandle.map { text throws(WebAuthnError) in
            try JSONInput.base64URL(text, "userHandle")
        }

        guard credentialId == credential.credentialId else { throw .credentialNotAllowed }
        if !allowCredentials.isEmpty, !allowCredentials.contains(where: { $0.id == credentialId }) {
            throw .credentialNotAllowed
        }
        if let responseUserHandle, let userHandle, responseUserHandle != userHandle { throw .userHandleMismatch }
        if allowCredentials.isEmpty, responseUserHandle == nil || userHandle == nil { throw .userHandleMismatch }

        try CollectedClientData.verify(
            clientDataJSON, type: "webauthn.get", challenge: challenge, origins: relyingParty.origins)

        let authenticatorData = try AuthenticatorData(bytes: authenticatorBytes)
        guard authenticatorData.attestedCredential == nil else {
            throw .malformed("assertion authenticator data has attested credential data")
        }
        let usedAppID = relyingParty.appID != nil && response.clientExtensionResults?.appid == true
        let rpId = usedAppID ? relyingParty.appID ?? relyingParty.id : relyingParty.id
        guard constantTimeEqual(authenticatorData.rpIdHash, Array(SHA256.hash(data: Array(rpId.utf8)))) else {
            throw .rpIdHashMismatch
        }
        try FlagPolicy.check(authenticatorData, userVerification: relyingParty.userVerification)
        guard authenticatorData.backupEligible == credential.backupEligible else { throw .backupEligibilityChanged }

        let key = try COSEKey(bytes: credential.publicKey)
        let signed = authenticatorBytes + Array(SHA256.hash(data: clientDataJSON))
        guard key.isValidSignature(signature, for: signed) else { throw .signatureInvalid }

        let received = authenticatorData.signCount
        if received > 0 || credential.signCount > 0, received <= credential.signCount {
            throw .signCountRegressed(stored: credential.signCount, received: received)
        }
        return VerifiedAssertion(
            credentialId: credentialId, signCount: received, userVerified: authenticatorData.userVerified,
            backupState: authenticatorData.backupState, usedAppID: usedAppID)
    }
}

/// What the relying party stores about a credential and hands back to verify an assertion.
public struct StoredCredential: Sendable, Codable, Equatable {
    public var credentialId: [UInt8]
    /// The COSE_Key bytes from registration.
    public var publicKey: [UInt8]
    public var signCount: UInt32
    public var backupEligible: Bool
    public var transports: [String]

    public init(
        credentialId: [UInt8], publicKey: [UInt8], signCount: UInt32, backupEligible: Bool, transports: [String] = []
    ) {
        self.credentialId = credentialId
        self.publicKey = publicKey
        self.signCount = signCount
        self.backupEligible = backupEligible
        self.transports = transports
    }

    /// The record of a just-registered credential.
    public init(_ registered: RegisteredCredential) {
        self.init(
            credentialId: registered.credentialId, publicKey: registered.publicKey, signCount: registered.signCount,
            backupEligible: registered.backupEligible, transports: registered.transports)
    }
}

/// A verified assertion: the new counter and state to store.
public struct VerifiedAssertion: Sendable, Equatable {
    public var credentialId: [UInt8]
    public var signCount: UInt32
    public var userVerified: Bool
    public var backupState: Bool
    /// Whether the credential signed for the legacy U2F AppID instead of the RP ID.
    public var usedAppID: Bool

    public init(credentialId: [UInt8], signCount: UInt32, userVerified: Bool, backupState: Bool, usedAppID: Bool) {
        self.credentialId = credentialId
        self.signCount = signCount
        self.userVerified = userVerified
        self.backupState = backupState
        self.usedAppID = usedAppID
    }
}
