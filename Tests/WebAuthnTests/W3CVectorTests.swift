import TestSupport
import Testing

@testable import WebAuthn

/// The W3C spec's own registration + authentication pairs (see W3CTestVectors.swift).
@Suite struct W3CVectorTests {
    static let exampleRP = RelyingParty(
        id: "example.org", name: "Example", origins: ["https://example.org"], algorithms: COSEAlgorithm.allCases)

    func register(_ vector: W3CTestVector, attestation: String = "direct") throws(WebAuthnError) -> RegisteredCredential
    {
        let ceremony = RegistrationCeremony(
            relyingParty: Self.exampleRP, user: testUser, excludeCredentials: [], attestation: attestation,
            challenge: hex(vector.registrationChallenge))
        return try ceremony.verify(
            responseJSON: registrationJSON(
                credentialId: hex(vector.credentialId), clientDataJSON: hex(vector.registrationClientDataJSON),
                attestationObject: hex(vector.attestationObject)))
    }

    func authenticate(
        _ vector: W3CTestVector, _ credential: RegisteredCredential
    ) throws(WebAuthnError)
        -> VerifiedAssertion
    {
        let ceremony = AuthenticationCeremony(
            relyingParty: Self.exampleRP, allowCredentials: [CredentialDescriptor(id: credential.credentialId)],
            challenge: hex(vector.authenticationChallenge))
        return try ceremony.verify(
            responseJSON: assertionJSON(
                credentialId: credential.credentialId, clientDataJSON: hex(vector.authenticationClientDataJSON),
                authenticatorData: hex(vector.authenticatorData), signature: hex(vector.signature)),
            credential: StoredCredential(credential), userHandle: nil)
    }

    @Test(arguments: [
        (W3CTestVector.noneEs256, "none", AttestationType.none, COSEAlgorithm.es256),
        (.packedSelfEs256, "packed", .`self`, .es256),
        (.noneEs256LongCredentialId, "none", .none, .es256),
        (.packedEs256, "packed", .basic, .es256),
        (.packedEs384, "packed", .basic, .es384),
        (.packedEs512, "packed", .basic, .es512),
        (.packedRs256, "packed", .basic, .rs256),
        (.packedEddsa, "packed", .basic, .eddsa),
        (.fidoU2fEs256, "fido-u2f", .basic, .es256),
    ])
    func supportedVectorsRegisterAndAuthenticate(
        vector: W3CTestVector, format: String, type: AttestationType, algorithm: COSEAlgorithm
    ) throws {
        let credential = try register(vector)
        #expect(credential.attestationFormat == format)
        #expect(credential.attestationType == type)
        #expect(credential.algorithm == algorithm)
        #expect(credential.credentialId == hex(vector.credentialId))
        #expect(credential.signCount == 0)
        #expect(credential.transports == ["usb"])
        let registrationFlags = try flags(ofAttestationObject: vector)
        #expect(credential.userVerified == (registrationFlags & Flag.uv != 0))
        #expect(credential.backupEligible == (registrationFlags & Flag.be != 0))
        #expect(credential.backupState == (registrationFlags & Flag.bs != 0))

        let assertion = try authenticate(vector, credential)
        let assertionFlags = hex(vector.authenticatorData)[32]
        #expect(
            assertion
                == VerifiedAssertion(
                    credentialId: credential.credentialId, signCount: 0, userVerified: assertionFlags & Flag.uv != 0,
                    backupState: assertionFlags & Flag.bs != 0, usedAppID: false))
    }

    func flags(ofAttestationObject vector: W3CTestVector) throws -> UInt8 {
        try RegistrationCeremony.parseAttestationObject(hex(vector.attestationObject)).authenticatorData.flags
    }

    @Test func longCredentialIdIsTheLongestAllowed() throws {
        #expect(try register(.noneEs256LongCredentialId).credentialId.count == 1023)
    }

    @Test(arguments: [W3CTestVector.noneEs256CrossOrigin, .noneEs256TopOrigin])
    func crossOriginVectorsAreRejected(vector: W3CTestVector) throws {
        #expect(throws: WebAuthnError.crossOriginNotAllowed) { try register(vector) }
        // The assertion is refused for the same reason, given the key from an accepting parse.
        let (_, authenticatorData, _) = try RegistrationCeremony.parseAttestationObject(hex(vector.attestationObject))
        let credential = try #require(authenticatorData.attestedCredential)
        let stored = RegisteredCredential(
            credentialId: credential.credentialId, publicKey: credential.publicKeyBytes, algorithm: .es256,
            signCount: 0, aaguid: credential.aaguid, attestationFormat: "none", attestationType: .none, transports: [],
            backupEligible: authenticatorData.backupEligible, backupState: false, userVerified: false)
        #expect(throws: WebAuthnError.crossOriginNotAllowed) { try authenticate(vector, stored) }
    }

    @Test func ed448IsNotAnAllowedAlgorithm() {
        #expect(throws: WebAuthnError.algorithmNotAllowed(-53)) { try register(.packedEd448) }
    }

    @Test(arguments: [
        (W3CTestVector.tpmEs256, "tpm"), (.androidKeyEs256, "android-key"), (.appleEs256, "apple"),
    ])
    func unsupportedFormatsOnlyPassWhenNoAttestationWasRequested(vector: W3CTestVector, format: String) throws {
        #expect(throws: WebAuthnError.unsupportedAttestationFormat(format)) { try register(vector) }
        #expect(throws: WebAuthnError.unsupportedAttestationFormat(format)) {
            try register(vector, attestation: "indirect")
        }
        let credential = try register(vector, attestation: "none")
        #expect(credential.attestationFormat == format)
        #expect(credential.attestationType == .none)
        #expect(try authenticate(vector, credential).signCount == 0)
    }

    @Test func algorithmsOutsideTheRelyingPartysListAreRejected() {
        var relyingParty = Self.exampleRP
        relyingParty.algorithms = [.es256, .eddsa, .rs256]
        let vector = W3CTestVector.packedEs384
        let ceremony = RegistrationCeremony(
            relyingParty: relyingParty, user: testUser, excludeCredentials: [], attestation: "direct",
            challenge: hex(vector.registrationChallenge))
        #expect(throws: WebAuthnError.algorithmNotAllowed(-35)) {
            try ceremony.verify(
                responseJSON: registrationJSON(
                    credentialId: hex(vector.credentialId), clientDataJSON: hex(vector.registrationClientDataJSON),
                    attestationObject: hex(vector.attestationObject)))
        }
    }

    @Test func everyVectorWasGeneratedForExampleOrg() throws {
        #expect(W3CTestVector.all.count == 15)
        for vector in W3CTestVector.all {
            #expect(hex(vector.authenticatorData).prefix(32) == sha256(Array("example.org".utf8))[...])
        }
    }

    @Test(arguments: W3CTestVector.all)
    func tamperedAssertionSignaturesAreRejected(vector: W3CTestVector) throws {
        guard let credential = try? register(vector, attestation: "none") else { return }
        var tampered = vector
        var signature = hex(vector.signature)
        signature[signature.count / 2] ^= 0x40
        tampered.signature = hexString(signature)
        #expect(throws: WebAuthnError.signatureInvalid) { try authenticate(tampered, credential) }
    }

    @Test(arguments: W3CTestVector.all)
    func tamperedAttestationSignaturesAreRejected(vector: W3CTestVector) throws {
        var object = try CBORDecoder.decode(hex(vector.attestationObject))
        guard case .map(var entries) = object, let index = entries.firstIndex(where: { $0.key == .text("attStmt") }),
            case .map(var statement) = entries[index].value,
            let sigIndex = statement.firstIndex(where: { $0.key == .text("sig") }),
            case .bytes(var signature) = statement[sigIndex].value
        else { return }
        signature[signature.count / 2] ^= 0x40
        statement[sigIndex].value = .bytes(signature)
        entries[index].value = .map(statement)
        object = .map(entries)
        let ceremony = RegistrationCeremony(
            relyingParty: Self.exampleRP, user: testUser, excludeCredentials: [], attestation: "direct",
            challenge: hex(vector.registrationChallenge))
        let response = registrationJSON(
            credentialId: hex(vector.credentialId), clientDataJSON: hex(vector.registrationClientDataJSON),
            attestationObject: cbor(object))
        #expect {
            try ceremony.verify(responseJSON: response)
        } throws: { error in
            switch error as? WebAuthnError {
            case .attestationInvalid, .unsupportedAttestationFormat, .algorithmNotAllowed, .crossOriginNotAllowed: true
            default: false
            }
        }
    }
}

extension W3CTestVector: CustomTestStringConvertible {
    var testDescription: String { name }
}
