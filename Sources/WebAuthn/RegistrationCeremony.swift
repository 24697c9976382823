import Crypto

/// One registration (WebAuthn §7.1): holds a fresh challenge, gives the options for the browser and verifies the
/// browser's response. Keep it server-side and use it for one response only: the challenge must not be reused.
public struct RegistrationCeremony: Sendable, Codable {
    public let relyingParty: RelyingParty
    public let user: UserEntity
    public let excludeCredentials: [CredentialDescriptor]
    /// Attestation conveyance: "none", "indirect", "direct" or "enterprise".
    public let attestation: String
    public let challenge: [UInt8]

    public init(
        relyingParty: RelyingParty, user: UserEntity, excludeCredentials: [CredentialDescriptor],
        attestation: String = "direct"
    ) {
        self.init(
            relyingParty: relyingParty, user: user, excludeCredentials: excludeCredentials, attestation: attestation,
            challenge: Challenge.random())
    }

    /// Restores a ceremony whose challenge was issued earlier (kept in server-side state).
    public init(
        relyingParty: RelyingParty, user: UserEntity, excludeCredentials: [CredentialDescriptor], attestation: String,
        challenge: [UInt8]
    ) {
        self.relyingParty = relyingParty
        self.user = user
        self.excludeCredentials = excludeCredentials
        self.attestation = attestation
        self.challenge = challenge
    }

    /// PublicKeyCredentialCreationOptionsJSON for `PublicKeyCredential.parseCreationOptionsFromJSON()`.
    public var optionsJSON: String {
        OptionsJSON.encode(
            OptionsJSON.Creation(
                rp: .init(id: relyingParty.id, name: relyingParty.name),
                user: .init(id: Base64URL.encode(user.id), name: user.name, displayName: user.displayName),
                challenge: Base64URL.encode(challenge),
                pubKeyCredParams: relyingParty.algorithms.map { .init(alg: $0.rawValue) },
                timeout: OptionsJSON.timeout,
                excludeCredentials: excludeCredentials.map(OptionsJSON.Descriptor.init),
                authenticatorSelection: .init(userVerification: relyingParty.userVerification.rawValue),
                attestation: attestation))
    }

    /// Verifies the browser's RegistrationResponseJSON (`credential.toJSON()`, UTF-8) and returns what to store.
    public func verify(responseJSON: [UInt8]) throws(WebAuthnError) -> RegisteredCredential {
        let response = try JSONInput.decode(RegistrationResponseJSON.self, from: responseJSON, "registration response")
        let credentialId = try JSONInput.credentialId(id: response.id, rawId: response.rawId, type: response.type)
        let clientDataJSON = try JSONInput.base64URL(response.response.clientDataJSON, "clientDataJSON")
        let attestationBytes = try JSONInput.base64URL(response.response.attestationObject, "attestationObject")

        try CollectedClientData.verify(
            clientDataJSON, type: "webauthn.create", challenge: challenge, origins: relyingParty.origins)
        let clientDataHash = Array(SHA256.hash(data: clientDataJSON))

        let (format, authenticatorData, statement) = try Self.parseAttestationObject(attestationBytes)
        guard let credential = authenticatorData.attestedCredential else {
            throw .malformed("authenticator data has no attested credential data")
        }
        guard credential.credentialId == credentialId else {
            throw .malformed("credential ID differs from the authenticator data's")
        }
        guard constantTimeEqual(authenticatorData.rpIdHash, Array(SHA256.hash(data: Array(relyingParty.id.utf8))))
        else { throw .rpIdHashMismatch }
        try FlagPolicy.check(authenticatorData, userVerification: relyingParty.userVerification)

        guard let alg = credential.publicKey[3]?.integer else { throw .malformed("COSE key has no integer alg (3)") }
        guard let algorithm = COSEAlgorithm(rawValue: alg), relyingParty.algorithms.contains(algorithm) else {
            throw .algorithmNotAllowed(alg)
        }
        let credentialKey = try COSEKey(credential.publicKey)

        let attestationType = try Attestation.verify(
            format: format,
            AttestationInput(
                statement: statement, authenticatorData: authenticatorData, credential: credential,
                credentialKey: credentialKey, clientDataHash: clientDataHash),
            conveyance: attestation)

        guard credentialId.count <= 1023 else { throw .credentialIdTooLong }
        guard !excludeCredentials.contains(where: { $0.id == credentialId }) else { throw .credentialExcluded }

        return RegisteredCredential(
            credentialId: credentialId, publicKey: credential.publicKeyBytes, algorithm: algorithm,
            signCount: authenticatorData.signCount, aaguid: credential.aaguid, attestationFormat: format,
            attestationType: attestationType, transports: response.response.transports ?? [],
            backupEligible: authenticatorData.backupEligible, backupState: authenticatorData.backupState,
            userVerified: authenticatorData.userVerified)
    }

    /// Splits an attestation object into fmt, authData (parsed) and attStmt.
    static func parseAttestationObject(
        _ bytes: [UInt8]
    ) throws(WebAuthnError)
        -> (format: String, authenticatorData: AuthenticatorData, statement: CBOR)
    {
        let object: CBOR
        do { object = try CBORDecoder.decode(bytes) } catch { throw .malformed("attestationObject: \(error)") }
        guard object.mapEntries != nil else { throw .malformed("attestationObject is not a map") }
        guard let format = object["fmt"]?.textString else { throw .malformed("attestationObject has no text fmt") }
        guard let authData = object["authData"]?.byteString else {
            throw .malformed("attestationObject has no byte string authData")
        }
        guard let statement = object["attStmt"], statement.mapEntries != nil else {
            throw .malformed("attestationObject has no map attStmt")
        }
        return (format, try AuthenticatorData(bytes: authData), statement)
    }
}

/// The flag checks both ceremonies make: UP, UV when required, BS only with BE.
enum FlagPolicy {
    static func check(
        _ authenticatorData: AuthenticatorData, userVerification: UserVerificationRequirement
    ) throws(WebAuthnError) {
        guard authenticatorData.userPresent else { throw .userNotPresent }
        if userVerification == .required, !authenticatorData.userVerified { throw .userNotVerified }
        if authenticatorData.backupState, !authenticatorData.backupEligible { throw .backupStateWithoutEligibility }
    }
}

/// A verified new credential: what the relying party stores.
public struct RegisteredCredential: Sendable, Codable, Equatable {
    public var credentialId: [UInt8]
    /// The COSE_Key bytes.
    public var publicKey: [UInt8]
    public var algorithm: COSEAlgorithm
    public var signCount: UInt32
    public var aaguid: [UInt8]
    public var attestationFormat: String
    public var attestationType: AttestationType
    public var transports: [String]
    public var backupEligible: Bool
    public var backupState: Bool
    public var userVerified: Bool

    public init(
        credentialId: [UInt8], publicKey: [UInt8], algorithm: COSEAlgorithm, signCount: UInt32, aaguid: [UInt8],
        attestationFormat: String, attestationType: AttestationType, transports: [String], backupEligible: Bool,
        backupState: Bool, userVerified: Bool
    ) {
        self.credentialId = credentialId
        self.publicKey = publicKey
        self.algorithm = algorithm
        self.signCount = signCount
        self.aaguid = aaguid
        self.attestationFormat = attestationFormat
        self.attestationType = attestationType
        self.transports = transports
        self.backupEligible = backupEligible
        self.backupState = backupState
        self.userVerified = userVerified
    }
}
