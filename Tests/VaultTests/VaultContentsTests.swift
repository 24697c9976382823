import Foundation
import OTP
import Testing
import Vault

@Suite struct VaultContentsTests {
    @Test func accountsStaySortedByName() throws {
        var contents = VaultContents()
        for name in ["m", "B", "a", "Z", "b", "é", "e"] { try contents.add(totpAccount(name)) }
        #expect(contents.accounts.map(\.name) == ["B", "Z", "a", "b", "e", "m", "é"])
        #expect(contents.account(named: "m")?.name == "m")
        #expect(contents.account(named: "M") == nil)
    }

    @Test func duplicateNamesAreRejectedCaseSensitively() throws {
        var contents = try VaultContents(accounts: [totpAccount("work")])
        #expect(throws: VaultError(.duplicateAccount("work"))) { try contents.add(hotpAccount("work")) }
        try contents.add(totpAccount("Work"))
        #expect(contents.accounts.map(\.name) == ["Work", "work"])
        #expect(throws: VaultError(.duplicateAccount("work"))) {
            try VaultContents(accounts: [totpAccount("work"), totpAccount("work")])
        }
    }

    @Test func removeReturnsTheAccountOrThrows() throws {
        var contents = try sampleContents()
        let removed = try contents.remove(named: "work")
        #expect(removed == totpAccount("work"))
        #expect(contents.account(named: "work") == nil)
        #expect(contents.accounts.count == 2)
        #expect(throws: VaultError(.noSuchAccount("work"))) { try contents.remove(named: "work") }
    }

    @Test(arguments: [
        ("", "the name is empty"),
        ("tab\there", "the name contains control characters"),
        ("line\n", "the name contains control characters"),
        (String(repeating: "x", count: 257), "the name is longer than 256 bytes"),
    ])
    func invalidNamesAreRejected(name: String, reason: String) {
        var contents = VaultContents()
        #expect(throws: VaultError(.invalidAccount(name: name, reason: reason))) { try contents.add(totpAccount(name)) }
    }

    @Test func longestNameIsAccepted() throws {
        var contents = VaultContents()
        try contents.add(totpAccount(String(repeating: "é", count: 128)))
        #expect(contents.accounts.count == 1)
    }

    @Test func invalidURIsAreRejectedWithoutTheSecret() {
        var contents = VaultContents()
        var account = totpAccount("bad")
        account.uri.digits = 4
        let error = vaultError { try contents.add(account) }
        #expect(
            error?.kind
                == .invalidAccount(
                    name: "bad", reason: #"its otpauth URI is not valid: invalid digits "4" (expected 6...10)"#))
        account.uri.digits = 6
        account.uri.secret = []
        #expect(
            vaultError { try contents.add(account) }?.kind
                == .invalidAccount(name: "bad", reason: "its otpauth URI is not valid: otpauth URI has no secret"))
        #expect(contents.accounts.isEmpty)
    }

    /// The URI is stored as what its string form reads back as, so that contents equal themselves after a reopen.
    @Test func urisAreStoredInCanonicalForm() throws {
        var contents = VaultContents()
        let uri = OTPAuthURI(issuer: "", accountName: "acme:  alice", secret: rfcSecret)
        try contents.add(VaultAccount(name: "acme", uri: uri, createDate: Date(timeIntervalSince1970: 1)))
        let stored = try #require(contents.account(named: "acme")).uri
        #expect(stored == (try OTPAuthURI(parsing: uri.uriString)))
        #expect(stored.issuer == "acme")
        #expect(stored.accountName == "alice")
    }

    /// RFC 6238 appendix B, SHA-1, 8 digits.
    @Test func nextCodeOfATOTPAccountIsTheTimeCode() throws {
        var account = totpAccount("rfc")
        account.uri.digits = 8
        var contents = try VaultContents(accounts: [account])
        #expect(try contents.nextCode(forAccountNamed: "rfc", unixTime: 59) == "94287082")
        #expect(try contents.nextCode(forAccountNamed: "rfc", unixTime: 1_111_111_109) == "07081804")
        #expect(contents.account(named: "rfc")?.uri.kind == .totp(period: 30))
    }

    /// RFC 4226 appendix D: codes for counters 0, 1, 2; the counter advances on each use.
    @Test func nextCodeOfAnHOTPAccountAdvancesTheCounter() throws {
        var contents = try VaultContents(accounts: [hotpAccount("h")])
        let codes = try (0..<3).map { _ in try contents.nextCode(forAccountNamed: "h", unixTime: 0) }
        #expect(codes == ["755224", "287082", "359152"])
        #expect(contents.account(named: "h")?.uri.kind == .hotp(counter: 3))
    }

    @Test func exhaustedHOTPCounterIsAnError() throws {
        var contents = try VaultContents(accounts: [hotpAccount("h", counter: .max)])
        #expect(throws: VaultError(.invalidAccount(name: "h", reason: "its HOTP counter is exhausted"))) {
            try contents.nextCode(forAccountNamed: "h", unixTime: 0)
        }
        #expect(throws: VaultError(.noSuchAccount("x"))) { try contents.nextCode(forAccountNamed: "x", unixTime: 0) }
    }

    @Test func accountEncodesItsURIAsAString() throws {
        let account = totpAccount("work")
        let json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(account)) as? [String: Any]
        #expect(json?["uri"] as? String == account.uri.uriString)
        #expect(json?["name"] as? String == "work")
        #expect(try JSONDecoder().decode(VaultAccount.self, from: try JSONEncoder().encode(account)) == account)
    }

    @Test func errorDescriptionsNeverContainTheSecret() throws {
        let secretText = Base32.encode(rfcSecret)
        var contents = try sampleContents()
        var bad = totpAccount("bad")
        bad.uri.digits = 11
        let errors = [
            vaultError { try contents.add(totpAccount("work")) },
            vaultError { try contents.add(bad) },
            vaultError { try contents.remove(named: "nope") },
        ]
        for error in errors {
            let description = try #require(error).description
            #expect(!description.contains(secretText))
            #expect(!description.contains("otpauth://"))
        }
    }

    @Test func descriptionsAndReflectionOmitTheSecret() throws {
        let contents = try sampleContents()
        var dumped = ""
        dump(contents, to: &dumped)
        let texts =
            [String(describing: contents), String(reflecting: contents), dumped]
            + contents.accounts.flatMap { [String(describing: $0), String(reflecting: $0)] }
        for text in texts {
            #expect(text.contains("work") || text.contains("VaultAccount(name:"))
            #expect(!text.contains("secret"))
            #expect(!text.contains(Base32.encode(rfcSecret)))
            #expect(!text.contains("49, 50, 51"))  // the secret's bytes
        }
    }
}
