import Foundation
import TestSupport
import Testing

@testable import WebAuthn

/// Cross-check with an independent implementation: python-fido2 (Yubico) mints registrations and assertions with a
/// small software authenticator, judges each attestation with its own verifiers, and ours must agree.
@Suite struct PythonFido2Tests {
    static let registrationChallenge: [UInt8] = Array("registration challenge 32 bytes!".utf8)
    static let authenticationChallenge: [UInt8] = Array("authentication challenge 32 b!!".utf8)
    static let relyingParty = RelyingParty(
        id: "localhost", name: "Vegas", origins: ["http://localhost:8080"], algorithms: COSEAlgorithm.allCases)

    struct Case: Sendable, CustomTestStringConvertible {
        var format: String
        var algorithm: String
        var variant: String?
        var testDescription: String { [format, algorithm, variant].compactMap { $0 }.joined(separator: " ") }
    }

    static let cases = [
        Case(format: "none", algorithm: "ES256"),
        Case(format: "packed", algorithm: "ES256", variant: "self"),
        Case(format: "packed", algorithm: "ES384", variant: "self"),
        Case(format: "packed", algorithm: "ES512", variant: "self"),
        Case(format: "packed", algorithm: "EdDSA", variant: "self"),
        Case(format: "packed", algorithm: "RS256", variant: "self"),
        Case(format: "packed", algorithm: "ES256"),
        Case(format: "packed", algorithm: "EdDSA"),
        Case(format: "packed", algorithm: "ES256", variant: "wrong-aaguid"),
        Case(format: "packed", algorithm: "ES256", variant: "ca-leaf"),
        Case(format: "fido-u2f", algorithm: "ES256"),
    ]

    /// One run of the Python authenticator for all cases (key generation dominates; one process keeps it fast).
    static let output: Result<Data, any Error> = Result {
        let arguments: [String: Any] = [
            "rpId": "localhost", "origin": "http://localhost:8080",
            "registrationChallenge": Base64URL.encode(registrationChallenge),
            "authenticationChallenge": Base64URL.encode(authenticationChallenge),
            "cases": cases.map {
                ["fmt": $0.format, "alg": $0.algorithm, "variant": $0.variant.map { $0 as Any } ?? NSNull()]
            },
        ]
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        return try Python.run(script, arguments: [argument])
    }

    func json(_ object: Any?) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: try #require(object)))
    }

    @Test(arguments: zip(cases, cases.indices))
    func agreesWithPythonFido2(testCase: Case, index: Int) throws {
        let all = try JSONSerialization.jsonObject(with: try Self.output.get()) as? [[String: Any]]
        let minted = try #require(all?[index])
        let verdict = try #require(minted["pythonVerdict"] as? String)
        let registration = RegistrationCeremony(
            relyingParty: Self.relyingParty, user: testUser, excludeCredentials: [], attestation: "direct",
            challenge: Self.registrationChallenge)
        let response = try json(minted["registration"])
        guard !verdict.hasPrefix("rejected") else {
            #expect {
                try registration.verify(responseJSON: response)
            } throws: { error in
                if case .attestationInvalid = error as? WebAuthnError { true } else { false }
            }
            return
        }
        let credential = try registration.verify(responseJSON: response)
        let expectedType: AttestationType = ["NONE": .none, "SELF": .`self`, "BASIC": .basic][verdict]!
        #expect(credential.attestationType == expectedType)
        #expect(credential.attestationFormat == testCase.format)
        #expect(credential.transports == ["usb"])

        let authentication = AuthenticationCeremony(
            relyingParty: Self.relyingParty, allowCredentials: [CredentialDescriptor(id: credential.credentialId)],
            challenge: Self.authenticationChallenge)
        var stored = StoredCredential(credential)
        let assertions = try #require(minted["assertions"] as? [[String: Any]])
        for assertion in assertions {
            let result = try authentication.verify(
                responseJSON: try json(assertion["response"]), credential: stored, userHandle: testUser.id)
            #expect(result.signCount == assertion["counter"] as? UInt32)
            stored.signCount = result.signCount
        }
        // Replaying the first assertion is a counter regression.
        #expect(throws: WebAuthnError.signCountRegressed(stored: 2, received: 1)) {
            try authentication.verify(
                responseJSON: try json(assertions.first?["response"]), credential: stored, userHandle: nil)
        }
        // Tampering with the signature or the signed authenticator data breaks the signature.
        let original = try #require(assertions.last?["response"] as? [String: Any])
        for (field, index) in [("signature", 10), ("authenticatorData", 36)] {
            var tampered = original
            var response = try #require(tampered["response"] as? [String: Any])
            let text = try #require(response[field] as? String)
            var bytes = try #require(Base64URL.decode(text))
            bytes[index] ^= 0x01
            response[field] = Base64URL.encode(bytes)
            tampered["response"] = response
            stored.signCount = 0
            #expect(throws: WebAuthnError.signatureInvalid) {
                try authentication.verify(responseJSON: try json(tampered), credential: stored, userHandle: nil)
            }
        }
    }

    static let script = #"""
        """A software authenticator on python-fido2's data classes: mints WebAuthn registrations and assertions as a browser's
        toJSON() gives them, and records what python-fido2's own attestation verifiers say about each registration."""
        import datetime, json, os, sys
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
        from cryptography.x509.oid import NameOID
        from fido2 import cose
        from fido2.attestation import Attestation
        from fido2.utils import sha256, websafe_encode
        from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

        args = json.loads(sys.argv[1])
        RP_HASH = sha256(args["rpId"].encode())
        ORIGIN = args["origin"]
        AAGUID_OID = x509.ObjectIdentifier("1.3.6.1.4.1.45724.1.1.4")

        KEYS = {
            "ES256": (lambda: ec.generate_private_key(ec.SECP256R1()), cose.ES256, lambda k, d: k.sign(d, ec.ECDSA(hashes.SHA256()))),
            "ES384": (lambda: ec.generate_private_key(ec.SECP384R1()), cose.ES384, lambda k, d: k.sign(d, ec.ECDSA(hashes.SHA384()))),
            "ES512": (lambda: ec.generate_private_key(ec.SECP521R1()), cose.ES512, lambda k, d: k.sign(d, ec.ECDSA(hashes.SHA512()))),
            "EdDSA": (ed25519.Ed25519PrivateKey.generate, cose.EdDSA, lambda k, d: k.sign(d)),
            "RS256": (lambda: rsa.generate_private_key(65537, 2048), cose.RS256,
                      lambda k, d: k.sign(d, padding.PKCS1v15(), hashes.SHA256())),
        }

        def name(ou, cn):
            return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Vegas Test"),
                              x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou), x509.NameAttribute(NameOID.COMMON_NAME, cn)])

        def certificate(subject, key, issuer, issuer_key, ca=False, aaguid=None):
            now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
            builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                       .serial_number(x509.random_serial_number()).not_valid_before(now)
                       .not_valid_after(now + datetime.timedelta(days=36500))
                       .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
            if aaguid is not None:
                builder = builder.add_extension(x509.UnrecognizedExtension(AAGUID_OID, b"\x04\x10" + aaguid), critical=False)
            return builder.sign(issuer_key, hashes.SHA256())

        ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
        ROOT = certificate(name("Authenticator Attestation CA", "Vegas Test Root"), ROOT_KEY,
                           name("Authenticator Attestation CA", "Vegas Test Root"), ROOT_KEY, ca=True)
        der = lambda cert: cert.public_bytes(serialization.Encoding.DER)

        def registration(case, challenge):
            fmt, alg = case["fmt"], case["alg"]
            generate, cose_class, sign = KEYS[alg]
            key = generate()
            public_key = cose_class.from_cryptography_key(key.public_key())
            credential_id = os.urandom(32)
            aaguid = bytes(16) if fmt == "fido-u2f" else os.urandom(16)
            client_data = CollectedClientData.create(type="webauthn.create", challenge=challenge, origin=ORIGIN, cross_origin=False)
            flags = 0x41 if fmt == "fido-u2f" else 0x45
            auth_data = AuthenticatorData.create(RP_HASH, flags, 0, AttestedCredentialData.create(aaguid, credential_id, public_key))
            signed = auth_data + client_data.hash
            variant = case.get("variant")
            if fmt == "none":
                statement = {}
            elif fmt == "packed" and variant == "self":
                statement = {"alg": cose_class.ALGORITHM, "sig": sign(key, signed)}
            elif fmt == "packed":
                attestation_key = ec.generate_private_key(ec.SECP256R1())
                leaf_aaguid = os.urandom(16) if variant == "wrong-aaguid" else aaguid
                leaf = certificate(name("Authenticator Attestation", "Vegas Test Batch"), attestation_key, ROOT.subject, ROOT_KEY,
                                   ca=(variant == "ca-leaf"), aaguid=leaf_aaguid)
                statement = {"alg": -7, "sig": attestation_key.sign(signed, ec.ECDSA(hashes.SHA256())), "x5c": [der(leaf), der(ROOT)]}
            elif fmt == "fido-u2f":
                attestation_key = ec.generate_private_key(ec.SECP256R1())
                leaf = certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Vegas Test U2F")]), attestation_key,
                                   ROOT.subject, ROOT_KEY)
                raw = b"\x04" + public_key[-2] + public_key[-3]
                message = b"\x00" + RP_HASH + client_data.hash + credential_id + raw
                statement = {"sig": attestation_key.sign(message, ec.ECDSA(hashes.SHA256())), "x5c": [der(leaf)]}
            attestation_object = AttestationObject.create(fmt, auth_data, statement)
            try:
                verdict = Attestation.for_type(fmt)().verify(statement, auth_data, client_data.hash).attestation_type.name
            except Exception as error:
                verdict = "rejected: " + type(error).__name__
            response = {"id": websafe_encode(credential_id), "rawId": websafe_encode(credential_id), "type": "public-key",
                        "authenticatorAttachment": "cross-platform", "clientExtensionResults": {},
                        "response": {"clientDataJSON": websafe_encode(client_data), "attestationObject": websafe_encode(attestation_object),
                                     "transports": ["usb"]}}
            return key, public_key, credential_id, verdict, response

        def assertion(key, public_key, sign, credential_id, challenge, counter):
            client_data = CollectedClientData.create(type="webauthn.get", challenge=challenge, origin=ORIGIN, cross_origin=False)
            auth_data = AuthenticatorData.create(RP_HASH, 0x05, counter)
            signature = sign(key, auth_data + client_data.hash)
            public_key.verify(auth_data + client_data.hash, signature)  # python-fido2 accepts it
            return {"id": websafe_encode(credential_id), "rawId": websafe_encode(credential_id), "type": "public-key",
                    "clientExtensionResults": {},
                    "response": {"clientDataJSON": websafe_encode(client_data), "authenticatorData": websafe_encode(auth_data),
                                 "signature": websafe_encode(signature), "userHandle": None}}

        from fido2.utils import websafe_decode
        results = []
        for case in args["cases"]:
            key, public_key, credential_id, verdict, response = registration(case, websafe_decode(args["registrationChallenge"]))
            assertions = [{"counter": counter, "response": assertion(key, public_key, KEYS[case["alg"]][2], credential_id,
                                                                    websafe_decode(args["authenticationChallenge"]), counter)}
                          for counter in (1, 2)]
            results.append({"case": case, "pythonVerdict": verdict, "registration": response, "assertions": assertions})
        print(json.dumps(results))
        """#
}
