import IAMPolicy
import Testing

/// Evaluates one condition against an optional value of `sts:ExternalId` (or another key).
private func holds(
    _ condition: String, key: String = "sts:externalid", _ value: String?
) throws -> Bool {
    let values = value.map { [key: [$0]] } ?? [:]
    return try decision(trustPolicy(condition: condition), assumeRole(values)) == .allow
}

@Suite struct StringOperatorTests {
    @Test func stringEqualsIsExactAndCaseSensitive() throws {
        #expect(try holds(#"{"StringEquals": {"sts:ExternalId": "a*"}}"#, "a*"))
        #expect(try !holds(#"{"StringEquals": {"sts:ExternalId": "a*"}}"#, "abc"))
        #expect(try !holds(#"{"StringEquals": {"sts:ExternalId": "abc"}}"#, "ABC"))
    }

    @Test func stringEqualsIgnoreCase() throws {
        #expect(try holds(#"{"StringEqualsIgnoreCase": {"sts:ExternalId": "abc"}}"#, "AbC"))
        #expect(try !holds(#"{"StringNotEqualsIgnoreCase": {"sts:ExternalId": "abc"}}"#, "AbC"))
        #expect(try holds(#"{"StringNotEqualsIgnoreCase": {"sts:ExternalId": "abc"}}"#, "abd"))
    }

    @Test func stringLikeWildcards() throws {
        let condition = #"{"StringLike": {"sts:ExternalId": ["team-?-*", "exact"]}}"#
        #expect(try holds(condition, "team-a-"))
        #expect(try holds(condition, "team-b-anything/at:all"))
        #expect(try holds(condition, "exact"))
        #expect(try !holds(condition, "team--x"))
        #expect(try !holds(condition, "Team-a-x"))
        #expect(try !holds(condition, "exactly"))
    }

    @Test func stringLikeBacktracksAcrossStars() throws {
        #expect(try holds(#"{"StringLike": {"sts:ExternalId": "*a*b*c"}}"#, "xxaxxbxxbxxc"))
        #expect(try !holds(#"{"StringLike": {"sts:ExternalId": "*a*b*c"}}"#, "xxaxxbxxcxxb"))
        let long = String(repeating: "a", count: 1_200)
        #expect(try !holds(#"{"StringLike": {"sts:ExternalId": "*a*a*a*a*a*a*a*a*b"}}"#, long))
    }

    @Test func negatedOperatorsAreNorOverValuesAndTrueWhenKeyAbsent() throws {
        let condition = #"{"StringNotEquals": {"sts:ExternalId": ["one", "two"]}}"#
        #expect(try holds(condition, "three"))
        #expect(try !holds(condition, "two"))
        #expect(try holds(condition, nil))
        #expect(try holds(#"{"StringNotLike": {"sts:ExternalId": "x*"}}"#, nil))
        #expect(try !holds(#"{"StringNotLike": {"sts:ExternalId": "x*"}}"#, "xyz"))
    }

    @Test func ifExistsPassesWhenAbsentAndTestsWhenPresent() throws {
        let condition = #"{"StringEqualsIfExists": {"sts:ExternalId": "abc"}}"#
        #expect(try holds(condition, nil))
        #expect(try holds(condition, "abc"))
        #expect(try !holds(condition, "abd"))
    }

    @Test func nullTestsPresence() throws {
        #expect(try holds(#"{"Null": {"sts:ExternalId": "true"}}"#, nil))
        #expect(try !holds(#"{"Null": {"sts:ExternalId": "true"}}"#, "x"))
        #expect(try holds(#"{"Null": {"sts:ExternalId": false}}"#, "x"))
        #expect(try !holds(#"{"Null": {"sts:ExternalId": false}}"#, nil))
    }

    @Test func sessionNameAgainstPolicyVariableAndSourceIdentity() throws {
        let policy = trustPolicy(condition: #"{"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}"#)
        let values = ["sts:rolesessionname": ["alice"], "aws:username": ["alice"]]
        #expect(try decision(policy, assumeRole(values)) == .allow)
        let mismatch = ["sts:rolesessionname": ["bob"], "aws:username": ["alice"]]
        #expect(try decision(policy, assumeRole(mismatch)) == .implicitDeny)
        // A variable whose key is absent from the request matches nothing.
        #expect(try decision(policy, assumeRole(["sts:rolesessionname": ["alice"]])) == .implicitDeny)
        #expect(
            try holds(
                #"{"StringEquals": {"sts:SourceIdentity": "DevUser123"}}"#, key: "sts:sourceidentity", "DevUser123"))
    }
}

@Suite struct NumericAndBoolOperatorTests {
    @Test(arguments: [
        ("NumericEquals", "10", true), ("NumericEquals", "10.0", true), ("NumericEquals", "11", false),
        ("NumericNotEquals", "11", true), ("NumericNotEquals", "10", false),
        ("NumericLessThan", "9.5", true), ("NumericLessThan", "10", false),
        ("NumericLessThanEquals", "10", true), ("NumericLessThanEquals", "10.01", false),
        ("NumericGreaterThan", "10.5", true), ("NumericGreaterThan", "10", false),
        ("NumericGreaterThanEquals", "10", true), ("NumericGreaterThanEquals", "-3", false),
        ("NumericEquals", "ten", false),
    ])
    func numericOperatorsCompareNumbers(operatorName: String, age: String, expected: Bool) throws {
        let condition = #"{"\#(operatorName)": {"aws:MultiFactorAuthAge": "10"}}"#
        #expect(try holds(condition, key: "aws:multifactorauthage", age) == expected)
    }

    @Test func numericIfExists() throws {
        let condition = #"{"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}"#
        #expect(try holds(condition, key: "aws:multifactorauthage", nil))
        #expect(try !holds(condition, key: "aws:multifactorauthage", "4000"))
    }

    @Test func epochTimeWindow() throws {
        let condition = """
            {"NumericGreaterThanEquals": {"aws:EpochTime": 1700000000},
             "NumericLessThan": {"aws:EpochTime": "1800000000"}}
            """
        #expect(try holds(condition, key: "aws:epochtime", "1750000000"))
        #expect(try !holds(condition, key: "aws:epochtime", "1800000000"))
    }

    @Test func secureTransportBool() throws {
        #expect(try holds(#"{"Bool": {"aws:SecureTransport": "True"}}"#, key: "aws:securetransport", "true"))
        #expect(try !holds(#"{"Bool": {"aws:SecureTransport": "true"}}"#, key: "aws:securetransport", "false"))
    }
}

@Suite struct ArnOperatorTests {
    @Test func arnLikeOnPrincipalArnDefaultsToTheCaller() throws {
        let policy = trustPolicy(
            condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/division/*"}}"#)
        #expect(try decision(policy, assumeRole()) == .allow)
        #expect(try decision(policy, assumeRole(by: "arn:aws:iam::111122223333:user/alice")) == .implicitDeny)
    }

    @Test func explicitPrincipalArnWinsForRoleSessions() throws {
        let policy = trustPolicy(
            condition: #"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ops"}}"#)
        let session = "arn:aws:sts::111122223333:assumed-role/ops/s1"
        #expect(try decision(policy, assumeRole(by: session)) == .implicitDeny)
        let withRole = assumeRole(by: session, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/ops"]])
        #expect(try decision(policy, withRole) == .allow)
    }

    @Test func arnWildcardsStayWithinTheirPart() throws {
        let condition = #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/a*"}}"#
        #expect(try holds(condition, key: "aws:principalarn", "arn:aws:iam::123456789012:role/admin"))
        #expect(try !holds(condition, key: "aws:principalarn", "arn:aws:iam::123456789012:user/x:role/admin"))
        #expect(try !holds(condition, key: "aws:principalarn", "not-an-arn"))
        #expect(
            try holds(#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/a*"}}"#, key: "aws:principalarn", "x"))
    }

    @Test func principalAccountDefaultsToTheCallerAccount() throws {
        #expect(
            try decision(
                trustPolicy(condition: #"{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#), assumeRole())
                == .allow)
        #expect(
            try decision(
                trustPolicy(condition: #"{"StringEquals": {"aws:PrincipalAccount": "444455556666"}}"#), assumeRole())
                == .implicitDeny)
    }
}
