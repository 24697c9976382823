import OTP
import Testing

struct Base32Tests {
    static let rfc4648 = [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("RFC 4648 §10 vectors encode with and without padding and decode back", arguments: rfc4648)
    func rfc4648Vectors(plain: String, encoded: String) throws {
        let bytes = Array(plain.utf8)
        #expect(Base32.encode(bytes, padding: true) == encoded)
        #expect(Base32.encode(bytes) == encoded.filter { $0 != "=" })
        #expect(try Base32.decode(encoded) == bytes)
        #expect(try Base32.decode(encoded.filter { $0 != "=" }) == bytes)
    }

    @Test("The reference secrets: 20-byte SHA1 key and padded 32-byte SHA256 key")
    func referenceSecrets() throws {
        #expect(Base32.encode(Fixtures.sha1Secret) == Fixtures.sha1SecretBase32)
        #expect(
            Base32.encode(Fixtures.sha256Secret, padding: true)
                == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====")
        #expect(try Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====") == Fixtures.sha256Secret)
    }

    @Test("AWS-sized seeds: 40 bytes are 64 characters without padding, and round-trip")
    func awsSeedSize() throws {
        let seed = Fixtures.randomBytes(40)
        let text = Base32.encode(seed)
        #expect(text.count == 64)
        #expect(!text.contains("="))
        #expect(try Base32.decode(text) == seed)
    }

    @Test("Random byte strings of every length 0...80 round-trip, padded or not")
    func roundTrips() throws {
        for length in 0...80 {
            let bytes = Fixtures.randomBytes(length)
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
            let padded = Base32.encode(bytes, padding: true)
            #expect(padded.count % 8 == 0)
            #expect(try Base32.decode(padded) == bytes)
        }
    }

    @Test("Decoding is case-insensitive and ignores spaces anywhere")
    func lenientInput() throws {
        #expect(try Base32.decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq") == Fixtures.sha1Secret)
        #expect(try Base32.decode("gezd gnbv gy3t qojq GEZD GNBV GY3T QOJQ") == Fixtures.sha1Secret)
        #expect(try Base32.decode(" MZXW6=== ") == Array("foo".utf8))
        #expect(try Base32.decode("MZXW6 = = =") == Array("foo".utf8))
        #expect(try Base32.decode("") == [])
        #expect(try Base32.decode("   ") == [])
    }

    @Test("Characters outside the alphabet are rejected with the character and its offset")
    func invalidCharacters() {
        #expect(throws: Base32Error(.invalidCharacter("1", offset: 3))) { try Base32.decode("GEZ1") }
        #expect(throws: Base32Error(.invalidCharacter("8", offset: 0))) { try Base32.decode("8EZD") }
        #expect(throws: Base32Error(.invalidCharacter("-", offset: 4))) { try Base32.decode("GEZD-GNBV") }
        #expect(throws: Base32Error(.invalidCharacter("\t", offset: 2))) { try Base32.decode("GE\tZD") }
        #expect(throws: Base32Error(.invalidCharacter("é", offset: 1))) { try Base32.decode("Aé") }
        #expect(throws: Base32Error(.invalidCharacter("👍🏽", offset: 2))) { try Base32.decode("AB👍🏽CD") }
        #expect(
            Base32Error(.invalidCharacter("1", offset: 3)).description
                == #"invalid base32 character "1" (U+0031) at offset 3"#)
        #expect(
            Base32Error(.invalidCharacter("\n", offset: 0)).description == "invalid base32 character U+000A at offset 0"
        )
    }

    @Test("Symbols after padding and impossible lengths are rejected")
    func structuralErrors() {
        #expect(throws: Base32Error(.symbolAfterPadding(paddingOffset: 2, symbolOffset: 3))) {
            try Base32.decode("MY=A")
        }
        #expect(throws: Base32Error(.symbolAfterPadding(paddingOffset: 0, symbolOffset: 1))) {
            try Base32.decode("=MY")
        }
        for (text, count) in [("A", 1), ("ABC", 3), ("ABCDEF", 6), ("ABCDEFGHI", 9), ("A=======", 1)] {
            #expect(throws: Base32Error(.impossibleLength(symbolCount: count)), "\(text)") { try Base32.decode(text) }
        }
        #expect(Base32Error(.impossibleLength(symbolCount: 3)).description.contains("3 base32 symbols"))
    }
}
