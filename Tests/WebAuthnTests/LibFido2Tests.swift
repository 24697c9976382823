import Foundation
import TestSupport
import Testing

@testable import WebAuthn

/// Cross-check with libfido2 (Yubico's C library, Debian fido2-tools): `fido2-cred -V` verifies the attestation of what
/// we parsed and prints the public key, which must be the one we extracted from the COSE key; `fido2-assert -V`
/// verifies the assertion with that key, and rejects a tampered one like we do.
@Suite struct LibFido2Tests {
    static let cases: [(W3CTestVector, String)] = [
        (.packedEs256, "es256"), (.packedSelfEs256, "es256"), (.fidoU2fEs256, "es256"), (.packedEddsa, "eddsa"),
    ]

    func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// The key bytes a SubjectPublicKeyInfo ends with: x‖y for EC2, x for OKP.
    func rawKey(ofCOSEKey bytes: [UInt8]) throws -> [UInt8] {
        let key = try CBORDecoder.decode(bytes)
        let x = try #require(key[-2]?.byteString)
        return x + (key[-3]?.byteString ?? [])
    }

    @Test(arguments: cases)
    func libfido2AgreesOnTheW3CVectors(vector: W3CTestVector, type: String) throws {
        let tests = W3CVectorTests()
        let credential = try tests.register(vector)
        let (format, authenticatorData, statement) = try RegistrationCeremony.parseAttestationObject(
            hex(vector.attestationObject))
        var input = [
            base64(sha256(hex(vector.registrationClientDataJSON))), "example.org", format,
            base64(cbor(.bytes(authenticatorData.bytes))), base64(credential.credentialId),
            base64(try #require(statement["sig"]?.byteString)),
        ]
        if let certificate = statement["x5c"]?.arrayItems?.first?.byteString { input.append(base64(certificate)) }
        let made = try Command.run("/usr/bin/fido2-cred", ["-V", type], input: input.joined(separator: "\n") + "\n")
        #expect(made.status == 0, "\(made.standardError)")
        let lines = made.output.split(separator: "\n", maxSplits: 1).map(String.init)
        #expect(lines.first == base64(credential.credentialId))
        let pem = try #require(lines.last)
        let der = try #require(
            Data(base64Encoded: pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()))
        let ourKey = try rawKey(ofCOSEKey: credential.publicKey)
        #expect(Array(der.suffix(ourKey.count)) == ourKey)

        let pemFile = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-webauthn-\(UUID()).pem")
        try pem.write(to: pemFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: pemFile) }
        func assertWithLibfido2(signature: [UInt8]) throws -> Int32 {
            let lines = [
                base64(sha256(hex(vector.authenticationClientDataJSON))), "example.org",
                base64(cbor(.bytes(hex(vector.authenticatorData)))), base64(signature),
            ]
            return try Command.run(
                "/usr/bin/fido2-assert", ["-V", "-p", pemFile.path, type], input: lines.joined(separator: "\n") + "\n"
            ).status
        }
        #expect(try assertWithLibfido2(signature: hex(vector.signature)) == 0)
        #expect(try tests.authenticate(vector, credential).credentialId == credential.credentialId)

        var tampered = hex(vector.signature)
        tampered[8] ^= 0x01
        #expect(try assertWithLibfido2(signature: tampered) != 0)
        var tamperedVector = vector
        tamperedVector.signature = hexString(tampered)
        #expect(throws: WebAuthnError.signatureInvalid) { try tests.authenticate(tamperedVector, credential) }
    }
}
