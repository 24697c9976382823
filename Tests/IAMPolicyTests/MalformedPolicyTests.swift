import IAMPolicy
import Testing

/// Wraps statement members into a 2012-10-17 document.
private func statement(_ members: String) -> String {
    #"{"Version": "2012-10-17", "Statement": [{\#(members)}]}"#
}

private let allow = #""Effect": "Allow""#
private let anyone = #""Principal": "*""#
private let assume = #""Action": "sts:AssumeRole""#

private func condition(_ block: String) -> String {
    statement("\(allow), \(anyone), \(assume), \"Condition\": \(block)")
}

@Suite struct JSONSyntaxTests {
    @Test(arguments: [
        "", "   ", "not json", "{", #"{"Version": "2012-10-17""#, #"{"Version" "2012-10-17"}"#,
        #"{"Version": "2012-10-17",}"#, #"{"Statement": [{"Effect": "Allow",}]}"#, "[]", "\"text\"", "null",
        #"{"Version": "2012-10-17"} {}"#, #"{"Version": 'x'}"#, #"{"Statement": [01]}"#, #"{"Statement": [1.]}"#,
        #"{"Statement": [-]}"#, #"{"Statement": [1e]}"#, #"{"Statement": [tru]}"#, #"{"Statement": [nul]}"#,
        "{\"Version\": \"2012-10-17\u{01}\"}", #"{"Version": "\x"}"#, #"{"Version": "\u12G4"}"#,
        #"{"Version": "\ud800"}"#, #"{"Version": "\udc00\ud800"}"#, #"{"Version": "\ud800\u0041"}"#,
        #"{"Version": "abc"#, "\u{FEFF}{}", #"{Version: "2012-10-17"}"#,
    ])
    func malformedJSONIsASyntaxError(json: String) {
        #expect(rejection(json) == "Syntax errors in policy.")
    }

    @Test func duplicateKeysAreRejectedAtEveryLevel() {
        #expect(
            rejection(#"{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}"#)
                == #"Duplicate key "Version" in policy."#)
        #expect(
            rejection(statement(#""Effect": "Allow", "Effect": "Deny", "Principal": "*", "Action": "*""#))
                == #"Duplicate key "Effect" in policy."#)
        #expect(
            rejection(
                condition(#"{"Bool": {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthPresent": "false"}}"#))
                == #"Duplicate key "aws:MultiFactorAuthPresent" in policy."#)
        // The same key spelled with an escape is still the same key.
        #expect(
            rejection(statement(#""Effect": "Allow", "\u0045ffect": "Deny", "Principal": "*", "Action": "*""#))
                == #"Duplicate key "Effect" in policy."#)
    }

    @Test func sizeLimitIsInclusive() throws {
        let base = statement("\(allow), \(anyone), \(assume)")
        let exact = base + String(repeating: " ", count: PolicyDocument.maximumSize - base.utf8.count)
        #expect(exact.utf8.count == 10_240)
        #expect(rejection(exact) == nil)
        #expect(rejection(exact + " ") == "Cannot exceed quota for PolicySize: 10240")
        #expect(rejection(String(repeating: "é", count: 5_121)) == "Cannot exceed quota for PolicySize: 10240")
    }

    @Test func nestingIsLimited() {
        let nested = "Syntax errors in policy. JSON nesting exceeds 10 levels."
        // Ten levels parse as JSON (and then fail as a policy); eleven do not.
        func values(depth: Int) -> String {
            String(repeating: "[", count: depth) + "\"x\"" + String(repeating: "]", count: depth)
        }
        // document(1) → Statement array(2) → statement(3) → Condition(4) → operator(5) → value arrays(6…)
        #expect(
            rejection(condition(#"{"StringEquals": {"sts:ExternalId": \#(values(depth: 5))}}"#))
                == "Syntax errors in policy. Condition key sts:ExternalId must be a string, number, boolean or non-empty list of them."
        )
        #expect(rejection(condition(#"{"StringEquals": {"sts:ExternalId": \#(values(depth: 6))}}"#)) == nested)
        #expect(rejection(String(repeating: "[", count: 10_000)) == nested)
        #expect(rejection(String(repeating: #"{"a":"#, count: 2_000)) == nested)
    }
}

@Suite struct MalformedTrustPolicyTests {
    @Test(arguments: [
        // Document level
        (#"{"Version": "2012-10-17", "Statement": [], "Foo": 1}"#, "Unknown field Foo"),
        (#"{"Version": "2012-10-17"}"#, "Missing required field Statement"),
        (#"{"Version": "2012-10-17", "Statement": []}"#, "Missing required field Statement"),
        (
            #"{"Version": "2012-10-17", "Statement": "Allow"}"#,
            "Syntax errors in policy. Statement must be an object or a list of objects."
        ),
        (#"{"Version": "2012-10-18", "Statement": []}"#, "Invalid Version: 2012-10-18"),
        (#"{"Version": 2012, "Statement": []}"#, "Syntax errors in policy. Version must be a string."),
        (#"{"Id": ["x"], "Statement": []}"#, "Syntax errors in policy. Id must be a string."),
        // Statement level
        (statement("\(allow), \(anyone), \(assume), \"Effects\": \"Allow\""), "Unknown field Effects"),
        (statement("\(allow), \(anyone), \(assume), \"effect\": \"Allow\""), "Unknown field effect"),
        (statement("\(anyone), \(assume)"), "Missing required field Effect"),
        (statement("\"Effect\": \"allow\", \(anyone), \(assume)"), "Invalid effect: allow"),
        (statement("\"Effect\": true, \(anyone), \(assume)"), "Syntax errors in policy. Effect must be a string."),
        (
            statement("\"Sid\": \"my-sid\", \(allow), \(anyone), \(assume)"),
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
        ),
        (
            #"{"Statement": [{"Sid": "A1", "Effect": "Allow", "Principal": "*", "Action": "*"}, {"Sid": "A1", "Effect": "Deny", "Principal": "*", "Action": "*"}]}"#,
            "Statement IDs (SID) in a single policy must be unique."
        ),
        // Principal
        (statement("\(allow), \(assume)"), "Missing required field Principal"),
        (
            statement("\(allow), \"NotPrincipal\": {\"AWS\": \"111122223333\"}, \(assume)"),
            "Unsupported policy element: NotPrincipal"
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"foo\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"foo""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": [\"111122223333\", \"12345678901\"]}, \(assume)"),
            #"Invalid principal in policy: "AWS":"12345678901""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:user/*\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:user/a*/bob\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/a*/bob""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:group/admins\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:group/admins""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:iam:us-east-1:111122223333:root\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:iam:us-east-1:111122223333:root""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:foo:iam::111122223333:root\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:foo:iam::111122223333:root""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:sts::111122223333:assumed-role/ops\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:sts::111122223333:assumed-role/ops""#
        ),
        (
            statement("\(allow), \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:user/\"}, \(assume)"),
            #"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/""#
        ),
        (
            statement("\(allow), \"Principal\": {\"Service\": \"*\"}, \(assume)"),
            #"Invalid principal in policy: "Service":"*""#
        ),
        (statement("\(allow), \"Principal\": {\"AWS\": []}, \(assume)"), #"Invalid principal in policy: "AWS""#),
        (
            statement("\(allow), \"Principal\": {\"AWS\": 111122223333}, \(assume)"),
            #"Invalid principal in policy: "AWS""#
        ),
        (
            statement("\(allow), \"Principal\": {\"Federated\": \"cognito-identity.amazonaws.com\"}, \(assume)"),
            "Unsupported principal type: Federated"
        ),
        (statement("\(allow), \"Principal\": {}, \(assume)"), "Invalid principal in policy"),
        (statement("\(allow), \"Principal\": \"111122223333\", \(assume)"), "Invalid principal in policy"),
        // Action
        (statement("\(allow), \(anyone)"), "Missing required field Action"),
        (statement("\(allow), \(anyone), \"Action\": []"), "Missing required field Action"),
        (
            statement("\(allow), \(anyone), \(assume), \"NotAction\": \"sts:TagSession\""),
            "Statement must not contain both Action and NotAction"
        ),
        (
            statement("\(allow), \(anyone), \"Action\": \"AssumeRole\""),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        ),
        (
            statement("\(allow), \(anyone), \"Action\": \"sts:Assume:Role\""),
            "Actions/Condition can contain only one colon."
        ),
        (statement("\(allow), \(anyone), \"Action\": \"s*s:AssumeRole\""), "Vendor s*s is not valid"),
        (statement("\(allow), \(anyone), \"Action\": \"sts:Assume Role\""), "Invalid action: sts:Assume Role"),
        (
            statement("\(allow), \(anyone), \"Action\": [\"sts:AssumeRole\", 5]"),
            "Syntax errors in policy. Action must be a string or a non-empty list of strings."
        ),
        // Resource
        (statement("\(allow), \(anyone), \(assume), \"Resource\": \"*\""), "Has prohibited field Resource"),
        (statement("\(allow), \(anyone), \(assume), \"NotResource\": \"*\""), "Has prohibited field NotResource"),
    ])
    func rejectedWithMessage(json: String, message: String) {
        #expect(rejection(json) == message)
    }

    @Test(arguments: [
        (
            #"{"ForAnyValue:StringLike": {"sts:ExternalId": "a*"}}"#,
            "Condition operator ForAnyValue:StringLike is not supported"
        ),
        (
            #"{"ForAllValues:StringEquals": {"sts:ExternalId": "a"}}"#,
            "Condition operator ForAllValues:StringEquals is not supported"
        ),
        (#"{"DateLessThan": {"aws:EpochTime": "1700000000"}}"#, "Condition operator DateLessThan is not supported"),
        (
            #"{"IpAddressIfExists": {"aws:EpochTime": "10.0.0.0/8"}}"#,
            "Condition operator IpAddressIfExists is not supported"
        ),
        (#"{"StringEqualz": {"sts:ExternalId": "a"}}"#, "Invalid Condition type : StringEqualz"),
        (#"{"stringequals": {"sts:ExternalId": "a"}}"#, "Invalid Condition type : stringequals"),
        (#"{"NullIfExists": {"sts:ExternalId": "true"}}"#, "Invalid Condition type : NullIfExists"),
        (#"{"IfExists": {"sts:ExternalId": "true"}}"#, "Invalid Condition type : IfExists"),
        (#"{"StringEquals": {"aws:SourceIp": "10.0.0.1"}}"#, "Condition key aws:SourceIp is not supported"),
        (#"{"StringEquals": {"aws:PrincipalTag/team": "a"}}"#, "Condition key aws:PrincipalTag/team is not supported"),
        (
            #"{"Bool": {"MultiFactorAuthPresent": "true"}}"#,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        ),
        (
            #"{"NumericLessThan": {"aws:MultiFactorAuthAge": "an hour"}}"#,
            #"Invalid numeric value "an hour" for condition operator NumericLessThan"#
        ),
        (
            #"{"NumericLessThan": {"aws:MultiFactorAuthAge": 1e3}}"#,
            #"Invalid numeric value "1e3" for condition operator NumericLessThan"#
        ),
        (
            #"{"Bool": {"aws:MultiFactorAuthPresent": "yes"}}"#,
            #"Invalid boolean value "yes" for condition operator Bool"#
        ),
        (#"{"Null": {"sts:ExternalId": 1}}"#, #"Invalid boolean value "1" for condition operator Null"#),
        (#"{"ArnLike": {"aws:PrincipalArn": "alice"}}"#, #"Invalid ARN value "alice" for condition operator ArnLike"#),
        (
            #"{"StringEquals": {"sts:ExternalId": null}}"#,
            "Syntax errors in policy. Condition key sts:ExternalId must be a string, number, boolean or non-empty list of them."
        ),
        (
            #"{"StringEquals": {"sts:ExternalId": []}}"#,
            "Syntax errors in policy. Condition key sts:ExternalId must be a string, number, boolean or non-empty list of them."
        ),
        (
            #"{"StringEquals": {"sts:ExternalId": {"a": "b"}}}"#,
            "Syntax errors in policy. Condition key sts:ExternalId must be a string, number, boolean or non-empty list of them."
        ),
        (
            #"{"StringEquals": {}}"#,
            "Syntax errors in policy. Condition operator StringEquals must be a non-empty object of condition keys."
        ),
        (
            #"{"StringEquals": "sts:ExternalId"}"#,
            "Syntax errors in policy. Condition operator StringEquals must be a non-empty object of condition keys."
        ),
        (#"[{"StringEquals": {"sts:ExternalId": "a"}}]"#, "Syntax errors in policy. Condition must be an object."),
        (
            #"{"StringEquals": {"sts:ExternalId": "${aws:SourceIp}"}}"#,
            "Policy variable ${aws:SourceIp} is not supported"
        ),
        (
            #"{"StringEquals": {"sts:ExternalId": "${aws:username, 'x'}"}}"#,
            "Policy variable ${aws:username, 'x'} is not supported"
        ),
        (
            #"{"StringEquals": {"sts:ExternalId": "a${aws:username"}}"#,
            "Unterminated policy variable in a${aws:username"
        ),
    ])
    func conditionRejectedWithMessage(block: String, message: String) {
        #expect(rejection(condition(block)) == message)
    }

    @Test func emptyConditionObjectMeansNoConditions() throws {
        let document = try PolicyDocument(json: condition("{}"), kind: .trust)
        #expect(document.statements[0].conditions.isEmpty)
    }

    @Test func errorDescriptionIsTheMessage() {
        do {
            _ = try PolicyDocument(json: "{", kind: .trust)
            Issue.record("expected a PolicyError")
        } catch {
            #expect(error.description == "Syntax errors in policy.")
            #expect(error == error)
        }
    }
}

@Suite struct MalformedIdentityPolicyTests {
    @Test(arguments: [
        (
            statement("\(allow), \(anyone), \(assume), \"Resource\": \"*\""),
            "Policy document should not specify a principal."
        ),
        (
            statement("\(allow), \"NotPrincipal\": \"*\", \(assume), \"Resource\": \"*\""),
            "Policy document should not specify a principal."
        ),
        (statement("\(allow), \"Resource\": \"*\""), "Policy statement must contain actions."),
        (statement("\(allow), \(assume)"), "Policy statement must contain resources."),
        (statement("\(allow), \(assume), \"Resource\": []"), "Policy statement must contain resources."),
        (
            statement("\(allow), \(assume), \"Resource\": \"*\", \"NotResource\": \"*\""),
            "Statement must not contain both Resource and NotResource"
        ),
        (
            statement("\(allow), \(assume), \"Resource\": \"role/admin\""),
            #"Resource role/admin must be in ARN format or "*"."#
        ),
        (
            statement("\(allow), \(assume), \"Resource\": \"arn:aws:iam::111122223333\""),
            #"Resource arn:aws:iam::111122223333 must be in ARN format or "*"."#
        ),
        (
            statement("\(allow), \(assume), \"Resource\": {\"arn\": \"*\"}"),
            "Syntax errors in policy. Resource must be a string or a non-empty list of strings."
        ),
        (
            statement("\(allow), \(assume), \"Resource\": \"arn:aws:s3:::${aws:foo}\""),
            "Policy variable ${aws:foo} is not supported"
        ),
    ])
    func rejectedWithMessage(json: String, message: String) {
        #expect(rejection(json, kind: .identity) == message)
    }
}
