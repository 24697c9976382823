import AWSProtocol
import Testing

@Suite struct ParameterValidatorTests {
    private func validator(_ pairs: [(String, String)]) -> ParameterValidator {
        ParameterValidator(QueryParameters(pairs: pairs))
    }

    @Test func singleErrorMatchesAWSText() {
        var validator = validator([("TokenCode", "11111111111111")])
        #expect(validator.string("TokenCode", min: 6, max: 6, pattern: .stsDigits) == nil)
        #expect(
            throws: AWSError.validation(
                "1 validation error detected: Value '11111111111111' at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6"
            )
        ) { try validator.check() }
    }

    @Test func multipleErrorsOfOneMemberMatchAWSText() {
        let otp = "cccjgjgkhcbbirdrfdnlnghhfgrtnnlgedjlftrbdeut"
        var validator = validator([("SerialNumber", "arn:aws:iam::123456789012:mfa/alice"), ("TokenCode", otp)])
        _ = validator.string("SerialNumber", min: 9, max: 256, pattern: .stsSerialNumber)
        _ = validator.string("TokenCode", min: 6, max: 6, pattern: .stsDigits)
        #expect(
            throws: AWSError.validation(
                "2 validation errors detected: Value '\(otp)' at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*; Value '\(otp)' at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6"
            )
        ) { try validator.check() }
    }

    @Test func collectsAllMembersInCheckOrder() {
        var validator = validator([("AuthenticationCode1", "abc"), ("DurationSeconds", "100")])
        #expect(validator.string("UserName", required: true, min: 1, max: 128, pattern: .userName) == nil)
        #expect(validator.string("AuthenticationCode1", required: true, min: 6, max: 6, pattern: .digits) == nil)
        #expect(validator.integer("DurationSeconds", min: 900, max: 129_600) == nil)
        #expect(validator.enumeration("AssignmentStatus", allowed: ["Assigned", "Unassigned", "Any"]) == nil)
        #expect(
            validator.violations == [
                "Value null at 'userName' failed to satisfy constraint: Member must not be null",
                "Value 'abc' at 'authenticationCode1' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+",
                "Value 'abc' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6",
                "Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
            ])
        #expect(throws: AWSError.self) { try validator.check() }
        do {
            try validator.check()
        } catch {
            #expect(error.code == "ValidationError")
            #expect(error.httpStatus == 400)
            #expect(error.message.hasPrefix("4 validation errors detected: Value null at 'userName' failed"))
            #expect(error.message.contains("Member must not be null; Value 'abc' at 'authenticationCode1'"))
        }
    }

    @Test func validValuesPassThrough() throws {
        var validator = validator([
            ("UserName", "alice"), ("AuthenticationCode1", "081804"), ("DurationSeconds", "3600"),
            ("AssignmentStatus", "Assigned"), ("Flag", "TRUE"), ("Path", "/team/"),
        ])
        #expect(validator.string("UserName", required: true, min: 1, max: 128, pattern: .userName) == "alice")
        #expect(validator.string("AuthenticationCode1", min: 6, max: 6, pattern: .digits) == "081804")
        #expect(validator.integer("DurationSeconds", min: 900, max: 129_600) == 3600)
        #expect(validator.enumeration("AssignmentStatus", allowed: ["Assigned", "Unassigned", "Any"]) == "Assigned")
        #expect(validator.boolean("Flag") == true)
        #expect(validator.string("Path", min: 1, max: 512, pattern: .path) == "/team/")
        #expect(validator.string("Marker") == nil)
        #expect(validator.integer("MaxItems", min: 1, max: 1000) == nil)
        try validator.check()
    }

    @Test func rangeEnumBooleanAndNumberMessages() {
        var validator = validator([
            ("DurationSeconds", "200000"), ("MaxItems", "x1"), ("AssignmentStatus", "All"), ("Flag", "yes"),
        ])
        _ = validator.integer("DurationSeconds", min: 900, max: 129_600)
        _ = validator.integer("MaxItems", min: 1, max: 1000)
        _ = validator.enumeration("AssignmentStatus", allowed: ["Assigned", "Unassigned", "Any"])
        _ = validator.boolean("Flag")
        #expect(
            validator.violations == [
                "Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
                "Value 'x1' at 'maxItems' failed to satisfy constraint: Member must be an integer",
                "Value 'All' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]",
                "Value 'yes' at 'flag' failed to satisfy constraint: Member must be a boolean (true or false)",
            ])
    }

    @Test func listEntriesUseTheGivenMemberName() {
        var validator = validator([])
        #expect(validator.value("a b", member: "tags.1.member.key", pattern: .tagKey) == "a b")
        #expect(validator.value("a#b", member: "tags.2.member.key", pattern: .tagKey) == nil)
        #expect(validator.violations.first?.contains("at 'tags.2.member.key'") == true)
    }

    @Test func lengthCountsUTF16CodeUnitsLikeJava() {
        var validator = validator([("Name", "😀😀😀")])
        #expect(validator.string("Name", max: 5) == nil)
        #expect(validator.violations.first?.hasSuffix("Member must have length less than or equal to 5") == true)
    }

    @Test func memberNames() {
        #expect(ParameterValidator.memberName("TokenCode") == "tokenCode")
        #expect(ParameterValidator.memberName("MaxItems") == "maxItems")
        #expect(ParameterValidator.memberName("AuthenticationCode1") == "authenticationCode1")
        #expect(ParameterValidator.memberName("DurationSeconds") == "durationSeconds")
        #expect(ParameterValidator.memberName("SAMLAssertion") == "sAMLAssertion")
        #expect(ParameterValidator.memberName("") == "")
    }
}

@Suite struct AWSPatternTests {
    @Test func wordClassPatterns() {
        #expect(AWSPattern.userName.matches("Alice+bob=,.@-_9"))
        for bad in ["", "alice bob", "ü", "a/b", "a:b"] { #expect(!AWSPattern.userName.matches(bad), "\(bad)") }
        #expect(AWSPattern.serialNumber.matches("arn:aws:iam::123456789012:mfa/team/alice-phone"))
        #expect(AWSPattern.serialNumber.matches("GAKT12345678"))
        #expect(!AWSPattern.serialNumber.matches(""))
        #expect(AWSPattern.stsSerialNumber.matches(""))
        #expect(!AWSPattern.serialNumber.matches("arn:aws:iam::1:mfa/a b"))
        #expect(AWSPattern.externalId.matches("a:b/c-d@e"))
        #expect(AWSPattern.roleSessionName.matches(""))
        #expect(AWSPattern.accessKeyId.matches("AKIAIOSFODNN7EXAMPLE"))
        #expect(!AWSPattern.accessKeyId.matches("AKIA-"))
        #expect(AWSPattern.userName.source == #"[\w+=,.@-]+"#)
    }

    @Test func digitPatterns() {
        #expect(AWSPattern.digits.matches("081804"))
        #expect(!AWSPattern.digits.matches(""))
        #expect(!AWSPattern.digits.matches("12a456"))
        #expect(!AWSPattern.digits.matches("١٢٣"))
        #expect(AWSPattern.stsDigits.matches(""))
    }

    @Test func pathPattern() {
        for good in ["/", "/team/", "/a/b/", "///", "/!~/"] { #expect(AWSPattern.path.matches(good), "\(good)") }
        for bad in ["", "//", "team/", "/team", "/a b/", "/é/"] { #expect(!AWSPattern.path.matches(bad), "\(bad)") }
    }

    @Test func unicodeClassPatterns() {
        #expect(AWSPattern.tagKey.matches("Ünïcödé 名前 ٣_.:/=+-@"))
        #expect(!AWSPattern.tagKey.matches("a#b"))
        #expect(!AWSPattern.tagKey.matches(""))
        #expect(AWSPattern.tagValue.matches(""))
        #expect(!AWSPattern.tagValue.matches("😀"))
        let printable = String(decoding: Array(0x20...0x7E), as: UTF8.self)
        #expect(AWSPattern.arn.matches(printable + "\t\n\r\u{85}\u{A0}😀"))
        #expect(!AWSPattern.arn.matches("a\u{1}"))
        #expect(AWSPattern.marker.matches(printable + "ÿ"))
        #expect(!AWSPattern.marker.matches("Ā"))
    }

    @Test func customPattern() {
        let hex = AWSPattern(source: "[0-9a-f]+", asciiCharacters: "0123456789abcdef")
        #expect(hex.matches("deadbeef"))
        #expect(!hex.matches("DEADBEEF"))
    }
}
