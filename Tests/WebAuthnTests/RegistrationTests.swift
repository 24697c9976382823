import Foundation
import TestSupport
import Testing

@testable import WebAuthn

@Suite struct RegistrationTests {
    let authenticator = SoftAuthenticator()

    func ceremony(
        _ relyingParty: RelyingParty = localRP, attestation: String = "direct", exclude: [CredentialDescriptor] = []
    ) -> RegistrationCeremony {
        RegistrationCeremony(
            relyingParty: relyingParty, user: testUser, excludeCredentials: exclude, attestation: attestation)
    }

    @Test func challengesAreFreshAndLongEnough() {
        let first = ceremony()
        let second = ceremony()
        #expect(first.challenge.count >= 32)
        #expect(first.challenge != second.challenge)
    }

    @Test func optionsJSONHasTheL3Shape() throws {
        let ceremony = RegistrationCeremony(
            relyingParty: localRP, user: testUser,
            excludeCredentials: [CredentialDescriptor(id: [1, 2, 3], transports: ["usb", "nfc"])],
            attestation: "none", challenge: [0xFB, 0xFF])
        let options = try #require(
            try JSONSerialization.jsonObject(with: Data(ceremony.optionsJSON.utf8)) as? NSDictionary)
        let expected: NSDictionary = [
            "rp": ["id": "localhost", "name": "Vegas"],
            "user": ["id": b64url(testUser.id), "name": "alice", "displayName": "Alice"],
            "challenge": "-_8",
            "pubKeyCredParams": [
                ["type": "public-key", "alg": -7], ["type": "public-key", "alg": -8],
                ["type": "public-key", "alg": -257],
            ],
            "timeout": 300_000,
            "excludeCredentials": [["type": "public-key", "id": "AQID", "transports": ["usb", "nfc"]]],
            "authenticatorSelection": [
                "residentKey": "discouraged", "requireResidentKey": false, "userVerification": "preferred",
            ],
            "attestation": "none",
        ]
        #expect(options == expected)
    }

    @Test(arguments: ["none", "packed"])
    func acceptsAWellFormedRegistration(format: String) throws {
        let ceremony = ceremony()
        let credential = try ceremony.verify(
            responseJSON: authenticator.registration(challenge: ceremony.challenge, format: format))
        #expect(credential.credentialId == authenticator.credentialId)
        #expect(credential.publicKey == cbor(authenticator.coseKey))
        #expect(credential.attestationType == (format == "none" ? .none : .`self`))
        #expect(credential.aaguid == authenticator.aaguid)
        #expect(credential.userVerified)
        #expect(!credential.backupEligible && !credential.backupState)
    }

    @Test func storedRecordsRoundTripThroughJSON() throws {
        let ceremony = ceremony()
        let credential = try ceremony.verify(
            responseJSON: authenticator.registration(challenge: ceremony.challenge, format: "packed"))
        let data = try JSONEncoder().encode(credential)
        #expect(String(decoding: data, as: UTF8.self).contains(#""attestationType":"self""#))
        #expect(try JSONDecoder().decode(RegisteredCredential.self, from: data) == credential)
        let stored = StoredCredential(credential)
        #expect(try JSONDecoder().decode(StoredCredential.self, from: try JSONEncoder().encode(stored)) == stored)
        #expect(stored.publicKey == credential.publicKey && stored.transports == ["usb"])
    }

    @Test func acceptsBackupFlagsAndExtensions() throws {
        let ceremony = ceremony()
        var response = authenticator.registration(
            challenge: ceremony.challenge, flags: Flag.up | Flag.at | Flag.be | Flag.bs)
        var credential = try ceremony.verify(responseJSON: response)
        #expect(credential.backupEligible && credential.backupState && !credential.userVerified)
        // Extensions after the key: {"credProtect": 1}.
        let extensions = cbor(.map([.init(.text("credProtect"), .int(1))]))
        let authData = authenticator.authenticatorData(flags: Flag.up | Flag.at | Flag.ed) + extensions
        let clientData = clientDataJSON(
            type: "webauthn.create", challenge: ceremony.challenge, origin: "http://localhost:8080")
        response = registrationJSON(
            credentialId: authenticator.credentialId, clientDataJSON: clientData,
            attestationObject: attestationObject(authData: authData))
        credential = try ceremony.verify(responseJSON: response)
        #expect(credential.credentialId == authenticator.credentialId)
    }

    func attestationObject(format: String = "none", statement: CBOR = .map([]), authData: [UInt8]) -> [UInt8] {
        cbor(
            .map([
                .init(.text("fmt"), .text(format)), .init(.text("attStmt"), statement),
                .init(.text("authData"), .bytes(authData)),
            ]))
    }

    func expectRejected(
        _ expected: WebAuthnError, ceremony: RegistrationCeremony? = nil,
        _ response: (RegistrationCeremony) -> [UInt8], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let ceremony = ceremony ?? self.ceremony()
        #expect(throws: expected, sourceLocation: sourceLocation) {
            try ceremony.verify(responseJSON: response(ceremony))
        }
    }

    @Test func rejectsTheWrongType() {
        expectRejected(.typeMismatch) { authenticator.registration(challenge: $0.challenge, type: "webauthn.get") }
    }

    @Test func rejectsAnotherChallenge() {
        expectRejected(.challengeMismatch) { _ in authenticator.registration(challenge: Array(repeating: 7, count: 32))
        }
        // A challenge answered for one ceremony does not fit the next one.
        let first = ceremony()
        let response = authenticator.registration(challenge: first.challenge)
        #expect(throws: WebAuthnError.challengeMismatch) { try ceremony().verify(responseJSON: response) }
    }

    @Test(arguments: [
        "https://evil.example", "http://localhost:8081", "https://localhost:8080", "http://localhost",
        "http://sub.localhost:8080", "http://localhost:8080/",
    ])
    func rejectsForeignOrigins(origin: String) {
        expectRejected(.originMismatch(origin)) { authenticator.registration(challenge: $0.challenge, origin: origin) }
    }

    @Test func rejectsCrossOriginCeremonies() {
        expectRejected(.crossOriginNotAllowed) {
            authenticator.registration(challenge: $0.challenge, crossOrigin: true)
        }
        expectRejected(.crossOriginNotAllowed) {
            authenticator.registration(challenge: $0.challenge, crossOrigin: nil, topOrigin: "https://example.com")
        }
        // crossOrigin may be absent (older browsers).
        let ceremony = ceremony()
        #expect(throws: Never.self) {
            try ceremony.verify(
                responseJSON: authenticator.registration(challenge: ceremony.challenge, crossOrigin: nil))
        }
    }

    @Test func rejectsAnotherRelyingPartysRpIdHash() {
        expectRejected(.rpIdHashMismatch) { authenticator.registration(challenge: $0.challenge, rpId: "example.org") }
    }

    @Test func requiresUserPresence() {
        expectRejected(.userNotPresent) {
            authenticator.registration(challenge: $0.challenge, flags: Flag.uv | Flag.at)
        }
    }

    @Test func requiresUserVerificationOnlyWhenConfigured() throws {
        var relyingParty = localRP
        relyingParty.userVerification = .required
        expectRejected(.userNotVerified, ceremony: ceremony(relyingParty)) {
            authenticator.registration(challenge: $0.challenge, flags: Flag.up | Flag.at)
        }
        let preferred = ceremony()
        let credential = try preferred.verify(
            responseJSON: authenticator.registration(challenge: preferred.challenge, flags: Flag.up | Flag.at))
        #expect(!credential.userVerified)
    }

    @Test func rejectsBackupStateWithoutEligibility() {
        expectRejected(.backupStateWithoutEligibility) {
            authenticator.registration(challenge: $0.challenge, flags: Flag.up | Flag.at | Flag.bs)
        }
    }

    @Test func rejectsAlgorithmsThatWereNotOffered() {
        var relyingParty = localRP
        relyingParty.algorithms = [.eddsa, .rs256]
        expectRejected(.algorithmNotAllowed(-7), ceremony: ceremony(relyingParty)) {
            authenticator.registration(challenge: $0.challenge)
        }
        var key = authenticator.coseKey
        if case .map(var entries) = key {
            entries[1].value = .int(-47)  // ES256K
            key = .map(entries)
        }
        expectRejected(.algorithmNotAllowed(-47)) { [key] in
            authenticator.registration(challenge: $0.challenge, credentialPublicKey: key)
        }
    }

    @Test func rejectsCredentialIdsLongerThan1023Bytes() {
        let longId = [UInt8](repeating: 0x42, count: 1024)
        expectRejected(.credentialIdTooLong) {
            authenticator.registration(challenge: $0.challenge, credentialId: longId)
        }
    }

    @Test func rejectsExcludedCredentials() {
        let exclude = [CredentialDescriptor(id: authenticator.credentialId)]
        expectRejected(.credentialExcluded, ceremony: ceremony(exclude: exclude)) {
            authenticator.registration(challenge: $0.challenge)
        }
    }

    @Test func rejectsANonEmptyNoneStatement() {
        expectRejected(.attestationInvalid("none attestation statement is not empty")) {
            authenticator.registration(
                challenge: $0.challenge, statement: .map([.init(.text("alg"), .int(-7))]))
        }
    }

    @Test func rejectsBrokenPackedSelfAttestation() {
        expectRejected(.attestationInvalid("self attestation alg -257 differs from the credential's")) {
            authenticator.registration(
                challenge: $0.challenge, format: "packed",
                statement: .map([.init(.text("alg"), .int(-257)), .init(.text("sig"), .bytes([1]))]))
        }
        expectRejected(.attestationInvalid("self attestation signature does not verify with the credential key")) {
            authenticator.registration(
                challenge: $0.challenge, format: "packed",
                statement: .map([.init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes(authenticator.sign([1])))]))
        }
        expectRejected(.attestationInvalid("packed sig missing")) {
            authenticator.registration(
                challenge: $0.challenge, format: "packed", statement: .map([.init(.text("alg"), .int(-7))]))
        }
        expectRejected(.attestationInvalid("x5c is not a non-empty array")) {
            authenticator.registration(
                challenge: $0.challenge, format: "packed",
                statement: .map([
                    .init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes([1])), .init(.text("x5c"), .array([])),
                ]))
        }
    }

    @Test func unknownFormatsDependOnTheRequestedConveyance() throws {
        expectRejected(.unsupportedAttestationFormat("android-safetynet")) {
            authenticator.registration(challenge: $0.challenge, format: "android-safetynet", statement: .map([]))
        }
        let none = ceremony(attestation: "none")
        let credential = try none.verify(
            responseJSON: authenticator.registration(
                challenge: none.challenge, format: "android-safetynet", statement: .map([])))
        #expect(credential.attestationType == .none)
    }

    @Test func rejectsMalformedAuthenticatorData() {
        let ceremony = ceremony()
        let clientData = clientDataJSON(
            type: "webauthn.create", challenge: ceremony.challenge, origin: "http://localhost:8080")
        let full = authenticator.authenticatorData(flags: Flag.up | Flag.at)
        let cases: [([UInt8], String)] = [
            (Array(full.prefix(36)), "authenticator data is 36 bytes, shorter than 37"),
            (Array(full.prefix(40)), "attested credential data is truncated"),
            (Array(full.prefix(37 + 18 + 8)), "credential ID is truncated"),
            (Array(full.prefix(37 + 18 + 16)), "credential public key missing from authenticator data"),
            (Array(full.dropLast()), "credential public key: CBOR length 32 exceeds the 31 remaining bytes at byte 45"),
            (full + [0x00], "1 unexpected bytes after authenticator data"),
            (full + [0xA0], "1 unexpected bytes after authenticator data"),
            (
                authenticator.authenticatorData(flags: Flag.up | Flag.at | Flag.ed),
                "extensions missing from authenticator data"
            ),
            (
                authenticator.authenticatorData(flags: Flag.up | Flag.at | Flag.ed) + [0x01],
                "authenticator extensions are not a map"
            ),
            (authenticator.authenticatorData(flags: Flag.up), "authenticator data has no attested credential data"),
        ]
        for (authData, message) in cases {
            let response = registrationJSON(
                credentialId: authenticator.credentialId, clientDataJSON: clientData,
                attestationObject: attestationObject(authData: authData))
            #expect(throws: WebAuthnError.malformed(message)) { try ceremony.verify(responseJSON: response) }
        }
    }

    @Test func rejectsMalformedAttestationObjects() {
        let ceremony = ceremony()
        let clientData = clientDataJSON(
            type: "webauthn.create", challenge: ceremony.challenge, origin: "http://localhost:8080")
        let authData = authenticator.authenticatorData(flags: Flag.up | Flag.at)
        let valid = attestationObject(authData: authData)
        let cases: [([UInt8], String)] = [
            (
                Array(valid.dropLast()),
                "attestationObject: CBOR length \(authData.count) exceeds the \(authData.count - 1) remaining bytes"
                    + " at byte \(valid.count - authData.count)"
            ),
            (valid + [0], "attestationObject: trailing bytes after the CBOR item at byte \(valid.count)"),
            ([0x9F, 0xFF], "attestationObject: indefinite-length CBOR items are not supported at byte 0"),
            (cbor(.array([])), "attestationObject is not a map"),
            (
                cbor(.map([.init(.text("attStmt"), .map([])), .init(.text("authData"), .bytes(authData))])),
                "attestationObject has no text fmt"
            ),
            (
                cbor(.map([.init(.text("fmt"), .text("none")), .init(.text("attStmt"), .map([]))])),
                "attestationObject has no byte string authData"
            ),
            (
                cbor(.map([.init(.text("fmt"), .text("none")), .init(.text("authData"), .bytes(authData))])),
                "attestationObject has no map attStmt"
            ),
            (
                cbor(
                    .map([
                        .init(.text("fmt"), .text("none")), .init(.text("attStmt"), .array([])),
                        .init(.text("authData"), .bytes(authData)),
                    ])), "attestationObject has no map attStmt"
            ),
        ]
        for (object, message) in cases {
            let response = registrationJSON(
                credentialId: authenticator.credentialId, clientDataJSON: clientData, attestationObject: object)
            #expect(throws: WebAuthnError.malformed(message)) { try ceremony.verify(responseJSON: response) }
        }
    }

    @Test func rejectsMalformedResponseJSON() {
        let ceremony = ceremony()
        let valid = String(decoding: authenticator.registration(challenge: ceremony.challenge), as: UTF8.self)
        let otherId = b64url([9, 9, 9])
        let cases: [(String, WebAuthnError)] = [
            ("", .malformed("registration response: not valid JSON")),
            ("[]", .malformed("registration response: wrong type for the top level")),
            ("{\"id\":\"AA\"}", .malformed("registration response: missing rawId")),
            (
                valid.replacingOccurrences(of: "\"public-key\"", with: "\"password\""),
                .malformed("credential type password is not public-key")
            ),
            (
                valid.replacingOccurrences(
                    of: "\"rawId\":\"\(b64url(authenticator.credentialId))\"", with: "\"rawId\":\"\(otherId)\""),
                .malformed("id and rawId differ")
            ),
            (
                valid.replacingOccurrences(of: b64url(authenticator.credentialId), with: otherId),
                .malformed("credential ID differs from the authenticator data's")
            ),
            (
                valid.replacingOccurrences(of: "\"clientDataJSON\":\"", with: "\"clientDataJSON\":\"*"),
                .malformed("clientDataJSON is not base64url")
            ),
            (
                valid.replacingOccurrences(of: "\"attestationObject\":\"", with: "\"attestationObject\":1,\"x\":\""),
                .malformed("registration response: wrong type for response.attestationObject")
            ),
            (String(repeating: " ", count: 64 * 1024 + 1), .inputTooLarge(limit: 65536)),
        ]
        for (json, error) in cases {
            #expect(throws: error) { try ceremony.verify(responseJSON: Array(json.utf8)) }
        }
    }

    @Test func rejectsMalformedClientData() {
        let ceremony = ceremony()
        let authData = authenticator.authenticatorData(flags: Flag.up | Flag.at)
        let cases: [(String, WebAuthnError)] = [
            ("not json", .malformed("clientDataJSON: not valid JSON")),
            ("{\"type\":\"webauthn.create\"}", .malformed("clientDataJSON: missing challenge")),
            ("{\"type\":1,\"challenge\":\"\",\"origin\":\"\"}", .malformed("clientDataJSON: wrong type for type")),
        ]
        for (json, error) in cases {
            let response = registrationJSON(
                credentialId: authenticator.credentialId, clientDataJSON: Array(json.utf8),
                attestationObject: attestationObject(authData: authData))
            #expect(throws: error) { try ceremony.verify(responseJSON: response) }
        }
        // A byte-order mark is stripped like a UTF-8 decoder would.
        let withBOM =
            [0xEF, 0xBB, 0xBF]
            + clientDataJSON(type: "webauthn.create", challenge: ceremony.challenge, origin: "http://localhost:8080")
        let response = registrationJSON(
            credentialId: authenticator.credentialId, clientDataJSON: withBOM,
            attestationObject: attestationObject(authData: authData))
        #expect(throws: Never.self) { try ceremony.verify(responseJSON: response) }
    }
}
