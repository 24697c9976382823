import Crypto
import Foundation
import OTP
import Testing

@testable import Vault

@Suite struct VaultFormatTests {
    let passphrase = "correct horse battery staple"

    @Test func sealThenOpenReturnsTheSameContents() throws {
        let contents = try sampleContents()
        let sealed = try VaultFormat.seal(contents, passphrase: passphrase, parameters: cheapParameters)
        #expect(try VaultFormat.open(sealed, passphrase: passphrase) == contents)
    }

    @Test func emptyVaultRoundTrips() throws {
        let sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(try VaultFormat.open(sealed, passphrase: passphrase) == VaultContents())
    }

    @Test func headerLayoutIsAsDocumented() throws {
        let sealed = try VaultFormat.seal(try sampleContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(Array(sealed[0..<12]) == Array("vegas-vault\n".utf8))
        #expect(sealed[12] == 1)
        #expect(Array(sealed[13..<16]) == [4, 1, 1])
        let bodyLength = sealed[44..<48].reduce(0) { $0 << 8 | Int($1) }
        #expect(bodyLength == sealed.count - 48)
    }

    @Test func eachSealUsesAFreshSaltAndNonce() throws {
        let first = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        let second = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(first[16..<32] != second[16..<32])
        #expect(first[32..<44] != second[32..<44])
    }

    @Test func wrongPassphraseIsRejected() throws {
        let sealed = try VaultFormat.seal(try sampleContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(throws: VaultError(.wrongPassphraseOrTampered)) {
            try VaultFormat.open(sealed, passphrase: passphrase + " ")
        }
        #expect(
            VaultError(.wrongPassphraseOrTampered).description
                == "the vault could not be opened: wrong passphrase, or the file was changed")
    }

    @Test func emptyPassphraseIsRejected() throws {
        #expect(throws: VaultError(.emptyPassphrase)) {
            try VaultFormat.seal(VaultContents(), passphrase: "", parameters: cheapParameters)
        }
        let sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(throws: VaultError(.emptyPassphrase)) { try VaultFormat.open(sealed, passphrase: "") }
    }

    /// Every byte of a small vault, XORed with each of three masks, is detected, with the error the region implies.
    @Test func everySingleByteChangeIsDetected() throws {
        let contents = try VaultContents(accounts: [totpAccount("a")])
        let sealed = try VaultFormat.seal(contents, passphrase: passphrase, parameters: cheapParameters)
        for offset in sealed.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var changed = sealed
                changed[offset] ^= mask
                let error = vaultError { _ = try VaultFormat.open(changed, passphrase: passphrase) }
                let kind = try #require(error, "change at byte \(offset) (mask \(mask)) was not detected").kind
                switch offset {
                case 0..<12: #expect(kind == .notAVault(.badMagic))
                case 12: #expect(kind == .notAVault(.unsupportedVersion(sealed[12] ^ mask)))
                case 13..<16:
                    if case .notAVault(.parametersOutOfBounds) = kind {
                    } else {
                        #expect(kind == .wrongPassphraseOrTampered, "byte \(offset)")
                    }
                case 44..<48:
                    switch kind {
                    case .notAVault(.truncatedBody), .notAVault(.trailingBytes), .notAVault(.oversized),
                        .notAVault(.malformedField("body length")):
                        break
                    default: Issue.record("byte \(offset), mask \(mask): \(kind)")
                    }
                default: #expect(kind == .wrongPassphraseOrTampered, "byte \(offset)")
                }
            }
        }
    }

    @Test func everyTruncationIsDetected() throws {
        let sealed = try VaultFormat.seal(
            try VaultContents(accounts: [totpAccount("a")]), passphrase: passphrase, parameters: cheapParameters)
        for length in 0..<sealed.count {
            let error = vaultError { _ = try VaultFormat.open(Array(sealed.prefix(length)), passphrase: passphrase) }
            let expected: VaultError.NotAVaultReason =
                length < 48
                ? .truncatedHeader(byteCount: length)
                : .truncatedBody(expected: sealed.count - 48, actual: length - 48)
            #expect(error == VaultError(.notAVault(expected)), "length \(length)")
        }
    }

    @Test func trailingBytesAreRejected() throws {
        let sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        #expect(throws: VaultError(.notAVault(.trailingBytes(count: 1)))) {
            try VaultFormat.open(sealed + [0], passphrase: passphrase)
        }
    }

    @Test func oversizedInputIsRejectedBeforeParsing() throws {
        let huge = [UInt8](repeating: 0, count: VaultFormat.maximumFileSize + 1)
        #expect(throws: VaultError(.notAVault(.oversized(byteCount: huge.count)))) {
            try VaultFormat.open(huge, passphrase: passphrase)
        }
    }

    @Test func announcedOversizedBodyIsRejected() throws {
        var sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        sealed.replaceSubrange(44..<48, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: VaultError(.notAVault(.oversized(byteCount: 48 + 0xFFFF_FFFF)))) {
            try VaultFormat.open(sealed, passphrase: passphrase)
        }
    }

    @Test func bodyShorterThanATagIsMalformed() throws {
        var sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        sealed.replaceSubrange(44..<48, with: [0, 0, 0, 15])
        #expect(throws: VaultError(.notAVault(.malformedField("body length")))) {
            try VaultFormat.open(Array(sealed.prefix(48 + 15)), passphrase: passphrase)
        }
    }

    @Test(arguments: ["", "vegas-vault", "VEGAS-VAULT\n", "otpauth://totp/x?secret=AA", "vegas-vault\r\n\u{1}"])
    func badMagicIsRejected(text: String) throws {
        let bytes = Array(text.utf8) + [UInt8](repeating: 0, count: 60)
        #expect(throws: VaultError(.notAVault(.badMagic))) { try VaultFormat.open(bytes, passphrase: passphrase) }
    }

    @Test(arguments: [UInt8(0), 2, 255])
    func unsupportedVersionIsRejected(version: UInt8) throws {
        var sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        sealed[12] = version
        #expect(throws: VaultError(.notAVault(.unsupportedVersion(version)))) {
            try VaultFormat.open(sealed, passphrase: passphrase)
        }
        #expect(throws: VaultError(.notAVault(.unsupportedVersion(version)))) {
            try VaultFormat.open(Array(sealed.prefix(13)), passphrase: passphrase)
        }
    }

    static let outOfBounds = [
        (0, 1, 1), (21, 1, 1), (255, 255, 255), (4, 0, 1), (4, 17, 1), (4, 1, 0), (4, 1, 17),
        (20, 16, 1),  // 128·r·N = 2 GiB
        (16, 1, 1),  // N = 2^(16·r)
    ].map { ScryptParameters(log2N: $0.0, r: $0.1, p: $0.2) }

    /// Parameters outside the bounds are rejected before any derivation (which for some would take gigabytes).
    @Test(arguments: outOfBounds)
    func outOfBoundsParametersInAHeaderAreRejected(parameters: ScryptParameters) throws {
        var sealed = try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: cheapParameters)
        sealed.replaceSubrange(13..<16, with: [parameters.log2N, parameters.r, parameters.p].map(UInt8.init))
        #expect(throws: VaultError(.notAVault(.parametersOutOfBounds(parameters)))) {
            try VaultFormat.open(sealed, passphrase: passphrase)
        }
    }

    @Test(
        arguments: outOfBounds + [ScryptParameters(log2N: -1, r: 1, p: 1), ScryptParameters(log2N: 4, r: 1, p: .max)])
    func sealingWithOutOfBoundsParametersIsRejected(parameters: ScryptParameters) {
        #expect(!parameters.isWithinBounds)
        #expect(throws: VaultError(.invalidParameters(parameters))) {
            try VaultFormat.seal(VaultContents(), passphrase: passphrase, parameters: parameters)
        }
    }

    @Test(arguments: [(1, 1, 1), (4, 16, 1), (4, 16, 16), (15, 1, 1), (10, 2, 3)].map(ScryptParameters.init))
    func parametersAtTheBoundsWork(parameters: ScryptParameters) throws {
        let contents = try VaultContents(accounts: [totpAccount("a")])
        let sealed = try VaultFormat.seal(contents, passphrase: passphrase, parameters: parameters)
        #expect(try VaultFormat.open(sealed, passphrase: passphrase) == contents)
    }

    @Test func largestAcceptedCostsAreWithinBounds() {
        #expect(ScryptParameters.standard == ScryptParameters(log2N: 15, r: 8, p: 1))
        #expect(ScryptParameters.standard.isWithinBounds)
        #expect(ScryptParameters(log2N: 20, r: 8, p: 16).isWithinBounds)  // exactly 1 GiB
        #expect(ScryptParameters(log2N: 17, r: 16, p: 16).isWithinBounds)
    }

    /// The parameters are authenticated: a change that stays within bounds fails authentication, not derivation.
    @Test func editedParametersWithinBoundsAreDetected() throws {
        var sealed = try VaultFormat.seal(try sampleContents(), passphrase: passphrase, parameters: cheapParameters)
        sealed[14] = 2
        #expect(throws: VaultError(.wrongPassphraseOrTampered)) { try VaultFormat.open(sealed, passphrase: passphrase) }
    }

    /// Plaintexts that authenticate but are not valid contents: the error says where, without the secret.
    @Test(arguments: [
        ("not json", "invalid JSON"),
        (#"{"accounts":[{"name":"a","createDate":1}]}"#, "invalid value at accounts.0.uri"),
        (
            #"{"accounts":[{"name":"a","createDate":1,"uri":"otpauth://totp/x?secret=GEZDGNBV&digits=3"}]}"#,
            "invalid value at accounts.0.uri"
        ),
        (
            #"{"accounts":[{"name":"a","createDate":1,"uri":"otpauth://totp/x?secret=GEZDGNBV"},"#
                + #"{"name":"a","createDate":2,"uri":"otpauth://totp/y?secret=GEZDGNBV"}]}"#,
            #"the vault already has an account named "a""#
        ),
        (
            #"{"accounts":[{"name":"","createDate":1,"uri":"otpauth://totp/x?secret=GEZDGNBV"}]}"#,
            #"account "": the name is empty"#
        ),
    ])
    func malformedContentsAreReported(plaintext: String, detail: String) throws {
        let key = try VaultKey(passphrase: passphrase, parameters: cheapParameters)
        let nonce = AES.GCM.Nonce()
        let header = VaultHeader(
            parameters: cheapParameters, salt: key.salt, nonce: Array(nonce), bodyLength: plaintext.utf8.count + 16)
        let box = try AES.GCM.seal(
            Array(plaintext.utf8), using: key.symmetricKey, nonce: nonce,
            authenticating: header.bytes)
        let error = vaultError {
            _ = try VaultFormat.open(header.bytes + box.ciphertext + box.tag, passphrase: passphrase)
        }
        #expect(error == VaultError(.notAVault(.malformedContents(detail))))
        #expect(error?.description.contains("GEZDGNBV") == false)
    }

    @Test func oversizedContentsAreNotSealed() throws {
        let longSecret = [UInt8](repeating: 7, count: HOTP.maximumSecretLength)
        var contents = VaultContents()
        for index in 0..<10_500 {
            try contents.add(
                VaultAccount(
                    name: "account \(index)", uri: OTPAuthURI(issuer: nil, accountName: "x", secret: longSecret),
                    createDate: Date()))
        }
        let error = vaultError {
            _ = try VaultFormat.seal(contents, passphrase: passphrase, parameters: cheapParameters)
        }
        guard case .notAVault(.oversized(let size)) = error?.kind else {
            Issue.record("expected oversized, got \(String(describing: error))")
            return
        }
        #expect(size > VaultFormat.maximumFileSize)
    }

    // MARK: Cross-check with an independent implementation (Python hashlib.scrypt + cryptography's AESGCM)

    static let pythonVault = """
        import hashlib, json, os, sys
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        mode, path, passphrase = sys.argv[1:4]
        def key(salt, log2n, r, p):
            return hashlib.scrypt(passphrase.encode(), salt=salt, n=1 << log2n, r=r, p=p, dklen=32, maxmem=1 << 28)
        if mode == "open":
            data = open(path, "rb").read()
            assert data[:12] == b"vegas-vault\\n" and data[12] == 1
            length = int.from_bytes(data[44:48], "big")
            assert len(data) == 48 + length
            k = key(data[16:32], data[13], data[14], data[15])
            sys.stdout.buffer.write(AESGCM(k).decrypt(data[32:44], data[48:], data[:48]))
        else:
            plaintext = sys.stdin.buffer.read()
            salt, nonce, (log2n, r, p) = os.urandom(16), os.urandom(12), (5, 2, 3)
            length = (len(plaintext) + 16).to_bytes(4, "big")
            header = b"vegas-vault\\n" + bytes([1, log2n, r, p]) + salt + nonce + length
            open(path, "wb").write(header + AESGCM(key(salt, log2n, r, p)).encrypt(nonce, plaintext, header))
        """

    @Test func pythonOpensAVaultSealedHere() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/vault.sealed"
        let contents = try sampleContents()
        try writeFile(path, try VaultFormat.seal(contents, passphrase: "pässword", parameters: cheapParameters))
        let plaintext = try #require(try runPython(Self.pythonVault, ["open", path, "pässword"]))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plaintext)) as? [String: Any])
        let accounts = try #require(json["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["name"] as? String } == contents.accounts.map(\.name))
        #expect(accounts.map { $0["uri"] as? String } == contents.accounts.map(\.uri.uriString))
        #expect(
            accounts.map { $0["createDate"] as? Double }
                == contents.accounts.map(\.createDate.timeIntervalSinceReferenceDate))
        #expect(try runPython(Self.pythonVault, ["open", path, "password"]) == nil)
    }

    @Test func vaultSealedByPythonOpensHere() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/vault.sealed"
        let plaintext = #"""
            {"accounts":[{"name":"github","createDate":700000000.5,
            "uri":"otpauth://totp/GitHub:octocat?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"},
            {"name":"aws root","createDate":0,"uri":"otpauth://hotp/root?secret=GEZDGNBV&counter=7&digits=8"}]}
            """#
        _ = try #require(try runPython(Self.pythonVault, ["seal", path, "s3cret"], input: Array(plaintext.utf8)))
        let contents = try VaultFormat.open(try readFile(path), passphrase: "s3cret")
        let expected = try VaultContents(accounts: [
            VaultAccount(
                name: "github", uri: OTPAuthURI(issuer: "GitHub", accountName: "octocat", secret: rfcSecret),
                createDate: Date(timeIntervalSinceReferenceDate: 700_000_000.5)),
            VaultAccount(
                name: "aws root",
                uri: OTPAuthURI(
                    kind: .hotp(counter: 7), issuer: nil, accountName: "root", secret: Array(rfcSecret.prefix(5)),
                    digits: 8),
                createDate: Date(timeIntervalSinceReferenceDate: 0)),
        ])
        #expect(contents == expected)
        #expect(contents.accounts.map(\.name) == ["aws root", "github"])
    }
}
