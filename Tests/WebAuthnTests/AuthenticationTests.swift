import Foundation
import TestSupport
import Testing

@testable import WebAuthn

@Suite struct AuthenticationTests {
    let authenticator = SoftAuthenticator()

    func ceremony(
        _ relyingParty: RelyingParty = localRP, allow: [CredentialDescriptor]? = nil
    )
        -> AuthenticationCeremony
    {
        AuthenticationCeremony(
            relyingParty: relyingParty,
            allowCredentials: allow ?? [CredentialDescriptor(id: authenticator.credentialId, transports: ["usb"])])
    }

    func expectRejected(
        _ expected: WebAuthnError, ceremony: AuthenticationCeremony? = nil, stored: StoredCredential? = nil,
        userHandle: [UInt8]? = nil, _ response: (AuthenticationCeremony) -> [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ceremony = ceremony ?? self.ceremony()
        #expect(throws: expected, sourceLocation: sourceLocation) {
            try ceremony.verify(
                responseJSON: response(ceremony), credential: stored ?? authenticator.stored(), userHandle: userHandle)
        }
    }

    @Test func optionsJSONHasTheL3Shape() throws {
        var relyingParty = localRP
        relyingParty.appID = "https://localhost:8443"
        relyingParty.userVerification = .discouraged
        let ceremony = AuthenticationCeremony(
            relyingParty: relyingParty, allowCredentials: [CredentialDescriptor(id: [0xFF], transports: [])],
            challenge: [1, 2, 3])
        #expect(
            ceremony.optionsJSON
                == """
                {"allowCredentials":[{"id":"_w","type":"public-key"}],"challenge":"AQID",\
                "extensions":{"appid":"https://localhost:8443"},"rpId":"localhost","timeout":300000,\
                "userVerification":"discouraged"}
                """)
        let plain = AuthenticationCeremony(relyingParty: localRP, allowCredentials: [], challenge: [1, 2, 3])
        #expect(
            plain.optionsJSON
                == """
                {"allowCredentials":[],"challenge":"AQID","rpId":"localhost","timeout":300000,\
                "userVerification":"preferred"}
                """)
        #expect(AuthenticationCeremony(relyingParty: localRP, allowCredentials: []).challenge.count >= 32)
    }

    @Test func acceptsAValidAssertion() throws {
        let ceremony = ceremony()
        let response = authenticator.assertion(challenge: ceremony.challenge, signCount: 5, userHandle: testUser.id)
        #expect(try AuthenticationCeremony.credentialId(ofResponseJSON: response) == authenticator.credentialId)
        let result = try ceremony.verify(
            responseJSON: response, credential: authenticator.stored(signCount: 4), userHandle: testUser.id)
        #expect(
            result
                == VerifiedAssertion(
                    credentialId: authenticator.credentialId, signCount: 5, userVerified: true, backupState: false,
                    usedAppID: false))
    }

    @Test func counterRules() throws {
        let ceremony = ceremony()
        func verify(stored: UInt32, received: UInt32) throws(WebAuthnError) -> UInt32 {
            try ceremony.verify(
                responseJSON: authenticator.assertion(challenge: ceremony.challenge, signCount: received),
                credential: authenticator.stored(signCount: stored), userHandle: nil
            ).signCount
        }
        #expect(try verify(stored: 0, received: 0) == 0)  // authenticators without a counter stay usable
        #expect(try verify(stored: 0, received: 1) == 1)
        #expect(try verify(stored: 10, received: 11) == 11)
        #expect(try verify(stored: 10, received: .max) == .max)
        #expect(throws: WebAuthnError.signCountRegressed(stored: 11, received: 6)) {
            try verify(stored: 11, received: 6)
        }
        #expect(throws: WebAuthnError.signCountRegressed(stored: 11, received: 11)) {
            try verify(stored: 11, received: 11)
        }
        #expect(throws: WebAuthnError.signCountRegressed(stored: 3, received: 0)) { try verify(stored: 3, received: 0) }
    }

    @Test func rejectsTamperedSignatures() {
        expectRejected(.signatureInvalid) { authenticator.assertion(challenge: $0.challenge, tamper: true) }
        // A signature by another key.
        let other = SoftAuthenticator(credentialId: authenticator.credentialId)
        expectRejected(.signatureInvalid) { other.assertion(challenge: $0.challenge) }
    }

    @Test func rejectsClientDataProblems() {
        expectRejected(.typeMismatch) { authenticator.assertion(challenge: $0.challenge, type: "webauthn.create") }
        expectRejected(.challengeMismatch) { _ in authenticator.assertion(challenge: [UInt8](repeating: 1, count: 32)) }
        expectRejected(.originMismatch("http://localhost:9999")) {
            authenticator.assertion(challenge: $0.challenge, origin: "http://localhost:9999")
        }
        expectRejected(.crossOriginNotAllowed) { authenticator.assertion(challenge: $0.challenge, crossOrigin: true) }
    }

    @Test func rejectsAReplayedResponseInTheNextCeremony() throws {
        let first = ceremony()
        let response = authenticator.assertion(challenge: first.challenge, signCount: 1)
        _ = try first.verify(responseJSON: response, credential: authenticator.stored(), userHandle: nil)
        #expect(throws: WebAuthnError.challengeMismatch) {
            try ceremony().verify(responseJSON: response, credential: authenticator.stored(), userHandle: nil)
        }
    }

    @Test func rejectsFlagProblems() {
        expectRejected(.rpIdHashMismatch) { authenticator.assertion(challenge: $0.challenge, rpId: "evil.localhost") }
        expectRejected(.userNotPresent) { authenticator.assertion(challenge: $0.challenge, flags: Flag.uv) }
        var relyingParty = localRP
        relyingParty.userVerification = .required
        expectRejected(.userNotVerified, ceremony: ceremony(relyingParty)) {
            authenticator.assertion(challenge: $0.challenge, flags: Flag.up)
        }
        expectRejected(.backupStateWithoutEligibility) {
            authenticator.assertion(challenge: $0.challenge, flags: Flag.up | Flag.bs)
        }
        expectRejected(.backupEligibilityChanged) {
            authenticator.assertion(challenge: $0.challenge, flags: Flag.up | Flag.be)
        }
        expectRejected(.backupEligibilityChanged, stored: authenticator.stored(backupEligible: true)) {
            authenticator.assertion(challenge: $0.challenge, flags: Flag.up)
        }
    }

    @Test func backedUpCredentialsVerify() throws {
        let ceremony = ceremony()
        let result = try ceremony.verify(
            responseJSON: authenticator.assertion(challenge: ceremony.challenge, flags: Flag.up | Flag.be | Flag.bs),
            credential: authenticator.stored(backupEligible: true), userHandle: nil)
        #expect(result.backupState && !result.userVerified)
    }

    @Test func credentialMustBeAllowedAndMatchTheStoredOne() {
        expectRejected(.credentialNotAllowed, ceremony: ceremony(allow: [CredentialDescriptor(id: [1, 2, 3])])) {
            authenticator.assertion(challenge: $0.challenge)
        }
        let other = SoftAuthenticator()
        expectRejected(.credentialNotAllowed, stored: other.stored()) {
            authenticator.assertion(challenge: $0.challenge)
        }
    }

    @Test func userHandleRules() throws {
        expectRejected(.userHandleMismatch, userHandle: testUser.id) {
            authenticator.assertion(challenge: $0.challenge, userHandle: Array("someone-else".utf8))
        }
        // With allowCredentials, an absent user handle is fine.
        let ceremony = ceremony()
        #expect(throws: Never.self) {
            try ceremony.verify(
                responseJSON: authenticator.assertion(challenge: ceremony.challenge),
                credential: authenticator.stored(),
                userHandle: testUser.id)
        }
        // Without allowCredentials (discoverable credentials) it is required.
        let discoverable = self.ceremony(allow: [])
        expectRejected(.userHandleMismatch, ceremony: discoverable, userHandle: testUser.id) {
            authenticator.assertion(challenge: $0.challenge)
        }
        #expect(throws: Never.self) {
            try discoverable.verify(
                responseJSON: authenticator.assertion(challenge: discoverable.challenge, userHandle: testUser.id),
                credential: authenticator.stored(), userHandle: testUser.id)
        }
    }

    @Test func appIDIsUsedOnlyWhenOfferedAndReported() throws {
        let appID = "https://localhost:8443"
        var relyingParty = localRP
        relyingParty.appID = appID
        let ceremony = ceremony(relyingParty)
        let result = try ceremony.verify(
            responseJSON: authenticator.assertion(challenge: ceremony.challenge, rpId: appID, appid: true),
            credential: authenticator.stored(), userHandle: nil)
        #expect(result.usedAppID)
        // The RP ID still works with appid false or absent.
        let plain = try ceremony.verify(
            responseJSON: authenticator.assertion(challenge: ceremony.challenge, appid: false),
            credential: authenticator.stored(), userHandle: nil)
        #expect(!plain.usedAppID)
        // appid true but signed for the RP ID, or AppID-signed without appid true: refused.
        expectRejected(.rpIdHashMismatch, ceremony: ceremony) {
            authenticator.assertion(challenge: $0.challenge, appid: true)
        }
        expectRejected(.rpIdHashMismatch, ceremony: ceremony) {
            authenticator.assertion(challenge: $0.challenge, rpId: appID)
        }
        // An AppID the relying party did not offer is never accepted.
        expectRejected(.rpIdHashMismatch) { authenticator.assertion(challenge: $0.challenge, rpId: appID, appid: true) }
    }

    @Test func rejectsMalformedAssertions() {
        let ceremony = ceremony()
        let clientData = clientDataJSON(
            type: "webauthn.get", challenge: ceremony.challenge, origin: "http://localhost:8080")
        let authData = authenticator.authenticatorData(flags: Flag.up)
        func response(_ authData: [UInt8]) -> [UInt8] {
            assertionJSON(
                credentialId: authenticator.credentialId, clientDataJSON: clientData, authenticatorData: authData,
                signature: authenticator.sign(authData + sha256(clientData)))
        }
        let cases: [([UInt8], String)] = [
            (Array(authData.prefix(36)), "authenticator data is 36 bytes, shorter than 37"),
            (authData + [0], "1 unexpected bytes after authenticator data"),
            (
                authenticator.authenticatorData(flags: Flag.up | Flag.at),
                "assertion authenticator data has attested credential data"
            ),
        ]
        for (bytes, message) in cases {
            #expect(throws: WebAuthnError.malformed(message)) {
                try ceremony.verify(responseJSON: response(bytes), credential: authenticator.stored(), userHandle: nil)
            }
        }
        #expect(throws: WebAuthnError.malformed("COSE key: unexpected end of CBOR input at byte 0")) {
            var stored = authenticator.stored()
            stored.publicKey = []
            return try ceremony.verify(responseJSON: response(authData), credential: stored, userHandle: nil)
        }
        let withoutSignature =
            #"{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"","#
            + #""authenticatorData":""}}"#
        #expect(throws: WebAuthnError.malformed("assertion response: missing response.signature")) {
            try ceremony.verify(
                responseJSON: Array(withoutSignature.utf8), credential: authenticator.stored(), userHandle: nil)
        }
        #expect(throws: WebAuthnError.malformed("id and rawId differ")) {
            try AuthenticationCeremony.credentialId(ofResponseJSON: Array(#"{"id":"AA","rawId":"AQ"}"#.utf8))
        }
        #expect(throws: WebAuthnError.inputTooLarge(limit: 65536)) {
            try AuthenticationCeremony.credentialId(ofResponseJSON: [UInt8](repeating: 0x20, count: 70_000))
        }
    }
}
