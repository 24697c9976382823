import AWSProtocol
import Testing

@Suite struct QueryParametersTests {
    private func parse(_ text: String, maxBytes: Int = 1 << 20) throws(AWSError) -> QueryParameters {
        try QueryParameters(formEncoded: text.utf8, maxBytes: maxBytes)
    }

    private func failure(_ text: String, maxBytes: Int = 1 << 20) -> AWSError? {
        do {
            _ = try parse(text, maxBytes: maxBytes)
            return nil
        } catch { return error }
    }

    @Test func decodesPlusPercentAndUTF8() throws {
        let parameters = try parse(
            "Action=GetSessionToken&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&Name=a%2Bb+c&Uni=%C3%A9%E2%82%AC&Raw=é"
        )
        #expect(parameters.names == ["Action", "SerialNumber", "Name", "Uni", "Raw"])
        #expect(parameters["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice")
        #expect(parameters["Name"] == "a+b c")
        #expect(parameters["Uni"] == "é€")
        #expect(parameters["Raw"] == "é")
        #expect(parameters["action"] == nil)
        #expect(parameters.count == 5)
    }

    @Test func emptyValuesAndSegments() throws {
        let parameters = try parse("Marker=&Flag&&a=1&&b=x=y&")
        #expect(parameters.names == ["Marker", "Flag", "a", "b"])
        #expect(parameters["Marker"] == "")
        #expect(parameters["Flag"] == "")
        #expect(parameters["b"] == "x=y")
        #expect(try parse("").count == 0)
    }

    @Test func readsNonContiguousInput() throws {
        let parameters = try QueryParameters(formEncoded: AnyCollection(Array("a=1&b=%41".utf8)))
        #expect(parameters["b"] == "A")
    }

    @Test func malformedEscapes() {
        #expect(
            failure("a=1&b=%ZZ")
                == .malformedQueryString("Illegal hex character in escape % pattern: %ZZ in the value of parameter 'b'")
        )
        #expect(
            failure("b=%4")
                == .malformedQueryString("Incomplete trailing escape % sequence in the value of parameter 'b'"))
        #expect(
            failure("b=%4&c=1")
                == .malformedQueryString("Incomplete trailing escape % sequence in the value of parameter 'b'"))
        #expect(failure("b=%")?.code == "MalformedQueryString")
        #expect(
            failure("a=1&x%G1=2")
                == .malformedQueryString(
                    "Illegal hex character in escape % pattern: %G1 in a parameter name at byte offset 4"))
    }

    @Test func invalidUTF8() throws {
        #expect(
            failure("a=%FF")
                == .malformedQueryString("Invalid UTF-8 in the value of parameter 'a' after percent-decoding"))
        #expect(
            failure("a=%C3")
                == .malformedQueryString("Invalid UTF-8 in the value of parameter 'a' after percent-decoding"))
        #expect(failure("a=%ED%A0%80")?.code == "MalformedQueryString")  // an encoded surrogate
        #expect(
            throws: AWSError.malformedQueryString("Invalid UTF-8 in the value of parameter 'a'")
        ) { try QueryParameters(formEncoded: [0x61, 0x3D, 0xFF]) }
        #expect(
            throws: AWSError.malformedQueryString("Invalid UTF-8 in a parameter name at byte offset 0")
        ) { try QueryParameters(formEncoded: [0xC0, 0x80, 0x3D, 0x31]) }
    }

    @Test func duplicatesAndEmptyNames() {
        #expect(failure("UserName=a&UserName=b") == .malformedQueryString("Duplicate parameter 'UserName'"))
        #expect(failure("a=1&%61=2") == .malformedQueryString("Duplicate parameter 'a'"))
        #expect(failure("a=1&=x") == .malformedQueryString("Empty parameter name at byte offset 4"))
    }

    @Test func limits() throws {
        #expect(
            failure("a=12345678", maxBytes: 9)
                == .malformedQueryString("The query string is 10 bytes long, more than the limit of 9 bytes"))
        _ = try parse("a=12345678", maxBytes: 10)
        let thousand = (1...1000).map { "p\($0)=v" }.joined(separator: "&")
        #expect(try parse(thousand).count == 1000)
        #expect(failure(thousand + "&p1001=v") == .malformedQueryString("The request has more than 1000 parameters"))
        let longName = String(repeating: "n", count: 256)
        #expect(try parse(longName + "=1")[longName] == "1")
        #expect(failure(longName + "n=1")?.message.contains("is longer than 256 bytes") == true)
        #expect(AWSError.malformedQueryString("x").httpStatus == 404)
    }

    @Test func memberListInIndexOrder() throws {
        let parameters = try parse("TagKeys.member.2=b&TagKeys.member.1=a&TagKeys.member.3=c&Other.member.1=z")
        #expect(try parameters.memberList("TagKeys") == ["a", "b", "c"])
        #expect(try parameters.memberList("Missing") == [])
        #expect(try parse("TagKeys=").memberList("TagKeys") == [])
    }

    @Test func memberListRejectsGapsAndBadIndices() throws {
        #expect(
            throws: AWSError.validation(
                "List 'TagKeys.member.N' must be numbered 1, 2, 3, … without gaps, but index 2 is missing (found 1, 3)"
            )
        ) { try parse("TagKeys.member.1=a&TagKeys.member.3=c").memberList("TagKeys") }
        #expect(
            throws: AWSError.validation(
                "Invalid list index 'x' in parameter 'TagKeys.member.x': expected a positive integer"
            )
        ) { try parse("TagKeys.member.x=a").memberList("TagKeys") }
        for index in ["0", "01", "-1", "", "1.5", "1234567890"] {
            #expect(throws: AWSError.self, "index '\(index)'") {
                try parse("TagKeys.member.\(index)=a").memberList("TagKeys")
            }
        }
    }

    @Test func memberStructs() throws {
        let parameters = try parse(
            "Tags.member.2.Key=env&Tags.member.1.Key=team&Tags.member.1.Value=ops&Tags.member.2.Value=&TagsX.member.1.Key=no"
        )
        #expect(
            try parameters.memberStructs("Tags") == [["Key": "team", "Value": "ops"], ["Key": "env", "Value": ""]])
        #expect(
            throws: AWSError.validation(
                "Parameter 'Tags.member.1' needs a field name after the index, as in 'Tags.member.1.Key'"
            )
        ) { try parse("Tags.member.1=x").memberStructs("Tags") }
        #expect(
            throws: AWSError.validation(
                "Parameter 'Tags.member.1.' needs a field name after the index, as in 'Tags.member.1.Key'"
            )
        ) { try parse("Tags.member.1.=x").memberStructs("Tags") }
        #expect(throws: AWSError.self) { try parse("Tags.member.2.Key=x").memberStructs("Tags") }
        #expect(throws: AWSError.self) { try parse("Tags.member.one.Key=x").memberStructs("Tags") }
    }

    @Test func fromPairs() {
        let parameters = QueryParameters(pairs: [("b", "1"), ("a", "2"), ("b", "3")])
        #expect(parameters.names == ["b", "a"])
        #expect(parameters["b"] == "3")
    }
}

@Suite struct PercentEncodingTests {
    @Test func encodesTheAWSWay() {
        #expect(AWSPercentEncoding.encode("a b/c~_.-é+*") == "a%20b%2Fc~_.-%C3%A9%2B%2A")
        #expect(AWSPercentEncoding.encode("/a b/c", encodeSlash: false) == "/a%20b/c")
    }

    @Test("every byte is encoded as %XX with upper-case hex, and hex-encoded in lower case")
    func everyByte() {
        let bytes = (0...255).map { UInt8($0) }
        let padded = bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        #expect(Hex.lower(bytes) == padded.joined())
        #expect(Hex.lower([UInt8]()) == "")
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
        for byte in bytes where byte < 0x80 && !unreserved.contains(byte) {
            let encoded = AWSPercentEncoding.encode(String(decoding: [byte], as: UTF8.self))
            #expect(encoded == "%" + padded[Int(byte)].uppercased())
        }
    }

    @Test func formBodyReproducesTheReferenceBody() {
        let body = AWSPercentEncoding.formBody([
            ("Action", "GetSessionToken"), ("Version", "2011-06-15"), ("DurationSeconds", "3600"),
            ("SerialNumber", "arn:aws:iam::123456789012:mfa/alice"), ("TokenCode", "123456"),
        ])
        #expect(body == Vectors.stsBody)
    }

    @Test func formBodyRoundTripsThroughTheParser() throws {
        let pairs = [("Name", "a+b c&d=e%f/é😀"), ("Empty", "")]
        let parsed = try QueryParameters(formEncoded: AWSPercentEncoding.formBody(pairs).utf8)
        #expect(parsed["Name"] == pairs[0].1)
        #expect(parsed["Empty"] == "")
    }
}

@Suite struct SigV4CanonicalPiecesTests {
    @Test func canonicalURI() {
        #expect(SigV4Canonical.canonicalURI("") == "/")
        #expect(SigV4Canonical.canonicalURI("/") == "/")
        #expect(SigV4Canonical.canonicalURI("/a/./b/../c/") == "/a/c/")
        #expect(SigV4Canonical.canonicalURI("//a//b") == "/a/b")
        #expect(SigV4Canonical.canonicalURI("/a/../..") == "/")
        #expect(SigV4Canonical.canonicalURI("/foo%20bar") == "/foo%2520bar")
        #expect(SigV4Canonical.canonicalURI("/é x") == "/%C3%A9%20x")
    }

    @Test func canonicalQuery() {
        #expect(SigV4Canonical.canonicalQuery("") == "")
        #expect(SigV4Canonical.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4Canonical.canonicalQuery("x=a+b&y=%7e&z=%2f") == "x=a%20b&y=~&z=%2F")
        #expect(SigV4Canonical.canonicalQuery("k=%zz&j") == "j=&k=%25zz")
        #expect(SigV4Canonical.canonicalQuery("a-b=1&a=2&a.b=3") == "a=2&a-b=1&a.b=3")
        #expect(SigV4Canonical.canonicalQuery("X-Amz-Signature=ab&a=1", omitting: "X-Amz-Signature") == "a=1")
    }

    @Test func canonicalHeadersTrimAndJoin() {
        let request = SigV4Request(
            method: "GET", headers: [("X-Amz-Meta", "  a   b\tc "), ("Host", "h"), ("x-amz-meta", "second")])
        #expect(
            SigV4Canonical.canonicalHeaders(request, signedHeaders: ["host", "x-amz-meta", "absent"])
                == "host:h\nx-amz-meta:a b c,second\n")
    }

    @Test func emptyPayloadHash() {
        #expect(SigV4Canonical.payloadHash([]) == SigV4Canonical.emptyPayloadHash)
        #expect(
            SigV4Canonical.payloadHash(Array("x".utf8))
                == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
    }
}
