import OTP
import Testing

struct OTPAuthURITests {
    static let awsSeed = "GXVNEKS2ZZ4O7R6M5LYBXNMYQ2HRTL6HZ2W54HXYEHQ3KVEMZJ4QYEY325YMAAAA"

    func parseError(_ uri: String) -> OTPAuthURIError.Reason? {
        do {
            _ = try OTPAuthURI(parsing: uri)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("AWS's real QR payload parses to issuer, device@account and defaults, and prints back identically")
    func awsShape() throws {
        let uri =
            "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=\(Self.awsSeed)&issuer=Amazon%20Web%20Services"
        let parsed = try OTPAuthURI(parsing: uri)
        #expect(parsed.kind == .totp(period: 30))
        #expect(parsed.issuer == "Amazon Web Services")
        #expect(parsed.accountName == "alice@123456789012")
        #expect(parsed.secret == (try Base32.decode(Self.awsSeed)))
        #expect(parsed.secret.count == 40)
        #expect(parsed.algorithm == .sha1)
        #expect(parsed.digits == 6)
        #expect(parsed.uriString == uri)
        let built = OTPAuthURI(issuer: "Amazon Web Services", accountName: "alice@123456789012", secret: parsed.secret)
        #expect(built.uriString == uri)
        #expect(built == parsed)
    }

    @Test("AWS variants: '@' percent-encoded, and the documented label without issuer")
    func awsVariants() throws {
        let escaped = try OTPAuthURI(
            parsing:
                "otpauth://totp/Amazon%20Web%20Services:kayama-pc%40613951263398?secret=\(Self.awsSeed)&issuer=Amazon%20Web%20Services"
        )
        #expect(escaped.accountName == "kayama-pc@613951263398")
        #expect(escaped.uriString.contains("Services:kayama-pc@613951263398?"))
        let documented = try OTPAuthURI(parsing: "otpauth://totp/alice-phone@123456789012?secret=\(Self.awsSeed)")
        #expect(documented.issuer == nil)
        #expect(documented.accountName == "alice-phone@123456789012")
        #expect(documented.uriString == "otpauth://totp/alice-phone@123456789012?secret=\(Self.awsSeed)")
    }

    @Test("Label issuer separated by %3A, spaces after the separator trimmed (Google's examples)")
    func escapedSeparator() throws {
        let uri = try OTPAuthURI(
            parsing: "otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=JBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "Big Corporation")
        #expect(uri.accountName == "alice@bigco.com")
        let spaced = try OTPAuthURI(
            parsing: "otpauth://totp/Provider1:%20%20Alice%20Smith?secret=JBSWY3DPEHPK3PXP&issuer=Provider1")
        #expect(spaced.issuer == "Provider1")
        #expect(spaced.accountName == "Alice Smith")
        let lower = try OTPAuthURI(parsing: "otpauth://totp/ACME%3abob?secret=JBSWY3DPEHPK3PXP")
        #expect(lower.issuer == "ACME")
        #expect(lower.accountName == "bob")
    }

    @Test("A literal ':' separates first, so an issuer containing %3A survives a round trip")
    func colonInsideIssuer() throws {
        let original = OTPAuthURI(issuer: "Dept: Ops", accountName: "carol:admin", secret: [1, 2, 3, 4, 5])
        #expect(original.uriString == "otpauth://totp/Dept%3A%20Ops:carol%3Aadmin?secret=AEBAGBAF&issuer=Dept%3A%20Ops")
        #expect(try OTPAuthURI(parsing: original.uriString) == original)
    }

    @Test(
        "Odd labels round-trip: Unicode, spaces, reserved characters, slashes, percent signs",
        arguments: [
            ("Ünïcode Bank", "jürgen@bank.example"), ("ACME Co", "Alice Smith"), ("a&b=c?d#e", "x/y+z%w"),
            ("日本銀行", "山田"), ("Tilde~Dot.Under_Dash-", "~user"), ("", "no-issuer-here"),
        ])
    func oddLabels(issuer: String, account: String) throws {
        let original = OTPAuthURI(
            issuer: issuer.isEmpty ? nil : issuer, accountName: account, secret: Fixtures.randomBytes(20))
        let printed = original.uriString
        #expect(printed.utf8.allSatisfy { $0 < 0x80 && $0 > 0x20 })
        #expect(try OTPAuthURI(parsing: printed) == original, "\(printed)")
    }

    @Test("Non-default parameters are printed in a fixed order and parsed back")
    func nonDefaults() throws {
        let original = OTPAuthURI(
            kind: .totp(period: 60), issuer: "Example", accountName: "bob", secret: Fixtures.sha1Secret,
            algorithm: .sha512, digits: 8)
        #expect(
            original.uriString
                == "otpauth://totp/Example:bob?secret=\(Fixtures.sha1SecretBase32)&issuer=Example&algorithm=SHA512&digits=8&period=60"
        )
        #expect(try OTPAuthURI(parsing: original.uriString) == original)
    }

    @Test("hotp URIs carry a counter, print it, and only give an HOTP generator")
    func hotp() throws {
        let parsed = try OTPAuthURI(
            parsing:
                "otpauth://hotp/Example:bob?secret=\(Fixtures.sha1SecretBase32)&counter=42&digits=8&algorithm=SHA256")
        #expect(parsed.kind == .hotp(counter: 42))
        #expect(parsed.algorithm == .sha256)
        #expect(parsed.digits == 8)
        #expect(
            parsed.uriString
                == "otpauth://hotp/Example:bob?secret=\(Fixtures.sha1SecretBase32)&issuer=Example&algorithm=SHA256&digits=8&counter=42"
        )
        #expect(try OTPAuthURI(parsing: parsed.uriString) == parsed)
        #expect(throws: OTPError.notTimeBased) { try parsed.totp() }
        #expect(try parsed.hotp() == HOTP(secret: Fixtures.sha1Secret, digits: 8, algorithm: .sha256))
        let maximum = try OTPAuthURI(parsing: "otpauth://hotp/bob?secret=AEBAGBAF&counter=18446744073709551615")
        #expect(maximum.kind == .hotp(counter: .max))
    }

    @Test("totp() builds the generator the URI describes")
    func generator() throws {
        let parsed = try OTPAuthURI(
            parsing: "otpauth://totp/bob?secret=\(Fixtures.sha1SecretBase32)&digits=8&period=30")
        #expect(try parsed.totp().code(at: 59) == "94287082")
        let invalid = OTPAuthURI(issuer: nil, accountName: "x", secret: [], digits: 6)
        #expect(throws: OTPError.emptySecret) { try invalid.totp() }
    }

    @Test("Issuer from the parameter alone; equal issuers accepted; contradicting issuers rejected")
    func issuerRules() throws {
        let parameterOnly = try OTPAuthURI(parsing: "otpauth://totp/alice?secret=AEBAGBAF&issuer=ACME%20Corp")
        #expect(parameterOnly.issuer == "ACME Corp")
        #expect(parameterOnly.accountName == "alice")
        #expect(parameterOnly.uriString == "otpauth://totp/ACME%20Corp:alice?secret=AEBAGBAF&issuer=ACME%20Corp")
        #expect(try OTPAuthURI(parsing: "otpauth://totp/ACME:alice?issuer=ACME&secret=AEBAGBAF").issuer == "ACME")
        #expect(try OTPAuthURI(parsing: "otpauth://totp/ACME:alice?secret=AEBAGBAF&issuer=").issuer == "ACME")
        #expect(try OTPAuthURI(parsing: "otpauth://totp/:alice?secret=AEBAGBAF").issuer == nil)
        #expect(
            parseError("otpauth://totp/ACME:alice?secret=AEBAGBAF&issuer=Evil")
                == .issuerMismatch(label: "ACME", parameter: "Evil"))
        #expect(
            parseError("otpauth://totp/ACME:alice?secret=AEBAGBAF&issuer=acme")
                == .issuerMismatch(label: "ACME", parameter: "acme"))
    }

    @Test("Query values decode '+' as a space, labels keep '+' literally")
    func plusSign() throws {
        let parsed = try OTPAuthURI(parsing: "otpauth://totp/A+B:c+d?secret=AEBAGBAF")
        #expect(parsed.issuer == "A+B")
        #expect(parsed.accountName == "c+d")
        #expect(try OTPAuthURI(parsing: "otpauth://totp/A%20B:c?secret=AEBAGBAF&issuer=A+B").issuer == "A B")
    }

    @Test(
        "Case-insensitive scheme, type and algorithm; unknown parameters and fragments ignored; padded lower-case secret"
    )
    func leniency() throws {
        let parsed = try OTPAuthURI(
            parsing:
                "OTPAUTH://TOTP/ACME:alice?secret=aeba%20gbaf%3D%3D%3D&algorithm=sha256&image=https%3A%2F%2Fx.example%2Fa.png&foo&#frag"
        )
        #expect(parsed.secret == [1, 2, 3, 4, 5])
        #expect(parsed.algorithm == .sha256)
        #expect(parsed.kind == .totp(period: 30))
    }

    @Test("Wrong scheme, unknown type, missing label or account name")
    func structure() {
        #expect(parseError("https://totp/a?secret=AEBAGBAF") == .wrongScheme("https"))
        #expect(parseError("otpauth:/totp/a?secret=AEBAGBAF") == .wrongScheme("otpauth"))
        #expect(parseError("otpauth") == .wrongScheme("otpauth"))
        #expect(parseError("") == .wrongScheme(""))
        #expect(parseError(" otpauth://totp/a?secret=AEBAGBAF") == .wrongScheme(" otpauth"))
        #expect(parseError("otpauth://motp/a?secret=AEBAGBAF") == .unknownType("motp"))
        #expect(parseError("otpauth:///a?secret=AEBAGBAF") == .unknownType(""))
        #expect(parseError("otpauth://totp?secret=AEBAGBAF") == .missingLabel)
        #expect(parseError("otpauth://totp") == .missingLabel)
        #expect(parseError("otpauth://totp/?secret=AEBAGBAF") == .missingAccountName)
        #expect(parseError("otpauth://totp/ACME:?secret=AEBAGBAF") == .missingAccountName)
        #expect(parseError("otpauth://totp/ACME:%20%20?secret=AEBAGBAF") == .missingAccountName)
    }

    @Test("Malformed percent-escapes name their byte offset; bad UTF-8 and control characters are rejected")
    func escapes() {
        #expect(parseError("otpauth://totp/a%2?secret=AEBAGBAF") == .malformedPercentEscape(offset: 16))
        #expect(parseError("otpauth://totp/a%zz?secret=AEBAGBAF") == .malformedPercentEscape(offset: 16))
        #expect(parseError("otpauth://totp/alice?secret=AEBAGBAF&issuer=%") == .malformedPercentEscape(offset: 44))
        #expect(parseError("otpauth://totp/alice?secret=AEBAGBAF&x%4=1") == .malformedPercentEscape(offset: 38))
        #expect(parseError("otpauth://totp/%FF?secret=AEBAGBAF") == .invalidText(offset: 15))
        #expect(parseError("otpauth://totp/a%00b?secret=AEBAGBAF") == .invalidText(offset: 15))
        #expect(parseError("otpauth://totp/alice?secret=AEBAGBAF&issuer=a%0Ab") == .invalidText(offset: 44))
        #expect(parseError("otpauth://totp/a%C2%85?secret=AEBAGBAF") == .invalidText(offset: 15))
    }

    @Test("Secret: missing, empty, not base32, too long, repeated")
    func secrets() {
        #expect(parseError("otpauth://totp/alice") == .missingSecret)
        #expect(parseError("otpauth://totp/alice?issuer=A") == .missingSecret)
        #expect(parseError("otpauth://totp/alice?secret=") == .missingSecret)
        #expect(parseError("otpauth://totp/alice?secret=%3D%3D") == .missingSecret)
        #expect(
            parseError("otpauth://totp/alice?secret=AEBA1BAF")
                == .invalidSecret(Base32Error(.invalidCharacter("1", offset: 4))))
        #expect(
            parseError("otpauth://totp/alice?secret=AEB")
                == .invalidSecret(Base32Error(.impossibleLength(symbolCount: 3))))
        let long = Base32.encode(Array(repeating: 7, count: 1025))
        #expect(parseError("otpauth://totp/alice?secret=\(long)") == .secretTooLong(byteCount: 1025))
        #expect(parseError("otpauth://totp/alice?secret=AEBAGBAF&secret=AEBAGBAF") == .duplicateParameter("secret"))
        #expect(parseError("otpauth://totp/alice?secret=AEBAGBAF&digits=6&digits=6") == .duplicateParameter("digits"))
    }

    @Test("Algorithm, digits, period and counter must be valid; hotp needs a counter")
    func parameterValues() {
        let base = "otpauth://totp/alice?secret=AEBAGBAF"
        #expect(parseError(base + "&algorithm=MD5") == .invalidAlgorithm("MD5"))
        #expect(parseError(base + "&algorithm=") == .invalidAlgorithm(""))
        for digits in ["5", "11", "x", "", "-6", "6.0", "99999999999999999999999"] {
            #expect(parseError(base + "&digits=\(digits)") == .invalidDigits(digits), "\(digits)")
        }
        #expect(parseError(base + "&digits=+6") == .invalidDigits(" 6"))
        #expect(parseError(base + "&digits=%2B6") == .invalidDigits("+6"))
        for period in ["0", "3601", "-30", "30s", "", "99999999999999999999999"] {
            #expect(parseError(base + "&period=\(period)") == .invalidPeriod(period), "\(period)")
        }
        let hotp = "otpauth://hotp/alice?secret=AEBAGBAF"
        #expect(parseError(hotp) == .missingCounter)
        #expect(parseError(hotp + "&counter=-1") == .invalidCounter("-1"))
        #expect(parseError(hotp + "&counter=18446744073709551616") == .invalidCounter("18446744073709551616"))
        #expect(parseError(hotp + "&counter=") == .invalidCounter(""))
    }

    @Test("URIs up to 4096 bytes parse, longer ones are rejected before any other check")
    func size() throws {
        let base = "otpauth://totp/alice?secret=AEBAGBAF&image="
        let exact = base + String(repeating: "a", count: OTPAuthURI.maximumLength - base.utf8.count)
        #expect(exact.utf8.count == 4096)
        #expect(try OTPAuthURI(parsing: exact).accountName == "alice")
        #expect(parseError(exact + "a") == .tooLong(byteCount: 4097))
        #expect(parseError(String(repeating: "%", count: 100_000)) == .tooLong(byteCount: 100_000))
    }

    @Test("Error descriptions name what is wrong")
    func descriptions() {
        #expect(OTPAuthURIError(.issuerMismatch(label: "ACME", parameter: "Evil")).description.contains(#""Evil""#))
        #expect(OTPAuthURIError(.malformedPercentEscape(offset: 16)).description.contains("16"))
        #expect(
            OTPAuthURIError(.invalidSecret(Base32Error(.invalidCharacter("1", offset: 4)))).description
                == #"invalid secret: invalid base32 character "1" (U+0031) at offset 4"#)
        #expect(OTPAuthURIError(.wrongScheme("ht\ntp")).description.contains(#""ht\ntp""#))
    }
}
