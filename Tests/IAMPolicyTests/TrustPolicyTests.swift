import IAMPolicy
import Testing

@Suite struct MFAConditionTests {
    @Test func boolMultiFactorAuthPresentTrueAllowsOnlyMFASessions() throws {
        let policy = trustPolicy(condition: #"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["true"]])) == .allow)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["false"]])) == .implicitDeny)
        // Long-term access keys: the key is absent from the request.
        #expect(try decision(policy, assumeRole()) == .implicitDeny)
    }

    @Test func boolAcceptsJSONBooleanAndAnyCase() throws {
        let policy = trustPolicy(condition: #"{"Bool": {"aws:MultiFactorAuthPresent": true}}"#)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["TRUE"]])) == .allow)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["yes"]])) == .implicitDeny)
    }

    @Test func boolIfExistsFalseDenyCatchesLongTermKeysToo() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
              {"Effect": "Deny", "Principal": "*", "Action": "*",
               "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
            """
        #expect(try decision(policy, assumeRole()) == .explicitDeny)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["false"]])) == .explicitDeny)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["true"]])) == .allow)
    }

    @Test func plainBoolFalseDenyLetsLongTermKeysThrough() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"},
              {"Effect": "Deny", "Principal": "*", "Action": "*",
               "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}
            """
        #expect(try decision(policy, assumeRole()) == .allow)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthpresent": ["false"]])) == .explicitDeny)
    }

    @Test(arguments: [
        ("1200", PolicyDecision.allow), ("3599", .allow), ("3600", .implicitDeny), ("7200", .implicitDeny),
    ])
    func numericLessThanMultiFactorAuthAge(age: String, expected: PolicyDecision) throws {
        let policy = trustPolicy(condition: #"{"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}"#)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthage": [age]])) == expected)
    }

    @Test func multiFactorAuthAgeAbsentFailsAndJSONNumberWorks() throws {
        let policy = trustPolicy(condition: #"{"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}"#)
        #expect(try decision(policy, assumeRole()) == .implicitDeny)
        #expect(try decision(policy, assumeRole(["aws:multifactorauthage": ["60"]])) == .allow)
    }

    @Test func mfaPresentAndRecentBothRequired() throws {
        let policy = trustPolicy(
            condition: """
                {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                 "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "900"}}
                """)
        let fresh = ["aws:multifactorauthpresent": ["true"], "aws:multifactorauthage": ["900"]]
        let stale = ["aws:multifactorauthpresent": ["true"], "aws:multifactorauthage": ["901"]]
        #expect(try decision(policy, assumeRole(fresh)) == .allow)
        #expect(try decision(policy, assumeRole(stale)) == .implicitDeny)
    }

    @Test func contextKeysAreCaseInsensitive() throws {
        let policy = trustPolicy(condition: #"{"Bool": {"AWS:multifactorAUTHpresent": "true"}}"#)
        #expect(try decision(policy, assumeRole(["aws:MultiFactorAuthPresent": ["true"]])) == .allow)
    }
}

@Suite struct ExternalIdTests {
    let policy = trustPolicy(
        principal: #"{"AWS": "arn:aws:iam::444455556666:root"}"#,
        extra: #""Condition": {"StringEquals": {"sts:ExternalId": ["Unique-ID-1", "Unique-ID-2"]}}"#)

    func partner(_ values: [String: [String]]) -> RequestContext {
        assumeRole(by: "arn:aws:iam::444455556666:user/partner", account: "444455556666", values)
    }

    @Test func matchingExternalIdAllows() throws {
        #expect(try decision(policy, partner(["sts:externalid": ["Unique-ID-1"]])) == .allow)
        #expect(try decision(policy, partner(["sts:externalid": ["Unique-ID-2"]])) == .allow)
    }

    @Test func wrongCaseOrMissingExternalIdDenies() throws {
        #expect(try decision(policy, partner(["sts:externalid": ["unique-id-1"]])) == .implicitDeny)
        #expect(try decision(policy, partner(["sts:externalid": ["Unique-ID-3"]])) == .implicitDeny)
        #expect(try decision(policy, partner([:])) == .implicitDeny)
    }

    @Test func unicodeEscapesDecode() throws {
        let policy = trustPolicy(condition: #"{"StringEquals": {"sts:ExternalId": "\u00e9t\u00E9-\ud83d\ude00"}}"#)
        #expect(try decision(policy, assumeRole(["sts:externalid": ["été-😀"]])) == .allow)
    }
}

@Suite struct PrincipalTests {
    static let sameAccountCallers = [
        alice, "arn:aws:iam::111122223333:user/bob", "arn:aws:sts::111122223333:assumed-role/ops/session1",
    ]

    @Test(arguments: sameAccountCallers)
    func accountIdAdmitsEveryPrincipalOfTheAccount(caller: String) throws {
        #expect(try decision(trustPolicy(principal: #"{"AWS": "111122223333"}"#), assumeRole(by: caller)) == .allow)
    }

    @Test(arguments: sameAccountCallers)
    func rootARNAdmitsEveryPrincipalOfTheAccount(caller: String) throws {
        let policy = trustPolicy(principal: #"{"AWS": "arn:aws:iam::111122223333:root"}"#)
        #expect(try decision(policy, assumeRole(by: caller)) == .allow)
    }

    @Test func userARNWithPathAdmitsOnlyThatUser() throws {
        let policy = trustPolicy(principal: #"{"AWS": ["arn:aws:iam::111122223333:user/division/team/alice"]}"#)
        #expect(try decision(policy, assumeRole(by: alice)) == .allow)
        #expect(try decision(policy, assumeRole(by: "arn:aws:iam::111122223333:user/alice")) == .implicitDeny)
        #expect(
            try decision(policy, assumeRole(by: "arn:aws:iam::111122223333:user/division/team/bob")) == .implicitDeny)
    }

    @Test func wrongAccountIsDenied() throws {
        let other = assumeRole(by: "arn:aws:iam::999988887777:user/division/team/alice", account: "999988887777")
        #expect(try decision(trustPolicy(principal: #"{"AWS": "111122223333"}"#), other) == .implicitDeny)
        #expect(
            try decision(trustPolicy(principal: #"{"AWS": "arn:aws:iam::111122223333:root"}"#), other) == .implicitDeny)
        #expect(try decision(trustPolicy(principal: #"{"AWS": "\#(alice)"}"#), other) == .implicitDeny)
    }

    @Test(arguments: [#""*""#, #"{"AWS": "*"}"#])
    func wildcardAdmitsAnyone(principal: String) throws {
        let stranger = assumeRole(by: "arn:aws:iam::999988887777:user/eve", account: "999988887777")
        #expect(try decision(trustPolicy(principal: principal), stranger) == .allow)
    }

    @Test func roleARNAdmitsItsSessionsOnly() throws {
        let policy = trustPolicy(principal: #"{"AWS": "arn:aws:iam::111122223333:role/team/ops"}"#)
        #expect(try decision(policy, assumeRole(by: "arn:aws:sts::111122223333:assumed-role/ops/s1")) == .allow)
        #expect(try decision(policy, assumeRole(by: "arn:aws:sts::111122223333:assumed-role/dev/s1")) == .implicitDeny)
        let otherAccount = assumeRole(by: "arn:aws:sts::999988887777:assumed-role/ops/s1", account: "999988887777")
        #expect(try decision(policy, otherAccount) == .implicitDeny)
    }

    @Test func assumedRoleSessionARNIsExact() throws {
        let policy = trustPolicy(principal: #"{"AWS": "arn:aws:sts::111122223333:assumed-role/ops/s1"}"#)
        #expect(try decision(policy, assumeRole(by: "arn:aws:sts::111122223333:assumed-role/ops/s1")) == .allow)
        #expect(try decision(policy, assumeRole(by: "arn:aws:sts::111122223333:assumed-role/ops/s2")) == .implicitDeny)
    }

    @Test func servicePrincipal() throws {
        let policy = trustPolicy(principal: #"{"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}"#)
        #expect(try decision(policy, assumeRole(by: "lambda.amazonaws.com", account: "")) == .allow)
        #expect(try decision(policy, assumeRole(by: "ecs.amazonaws.com", account: "")) == .implicitDeny)
        #expect(try decision(policy, assumeRole()) == .implicitDeny)
    }

    @Test func parsedPrincipalsAreNormalised() throws {
        let document = try PolicyDocument(
            json: trustPolicy(
                principal: """
                    {"AWS": ["111122223333", "arn:aws-cn:iam::444455556666:root", "*", "\(alice)"],
                     "Service": "ec2.amazonaws.com"}
                    """),
            kind: .trust)
        #expect(
            document.statements[0].principals == [
                .account("111122223333"), .account("444455556666"), .everyone, .arn(alice),
                .service("ec2.amazonaws.com"),
            ])
    }
}

@Suite struct EvaluationLogicTests {
    @Test func denyOverridesAllow() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:*"},
              {"Effect": "Deny", "Principal": {"AWS": "\(alice)"}, "Action": "sts:AssumeRole"}]}
            """
        #expect(try decision(policy, assumeRole()) == .explicitDeny)
        #expect(try decision(policy, assumeRole(by: "arn:aws:iam::111122223333:user/bob")) == .allow)
        #expect(try decision(policy, assumeRole(action: "sts:TagSession")) == .allow)
    }

    @Test func denyAloneIsExplicitAndNoMatchIsImplicit() throws {
        #expect(try decision(trustPolicy(effect: "Deny"), assumeRole()) == .explicitDeny)
        #expect(try decision(trustPolicy(), assumeRole(action: "sts:TagSession")) == .implicitDeny)
    }

    @Test func notActionMatchesEverythingElse() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "111122223333"},
             "NotAction": ["sts:AssumeRole"]}}
            """
        #expect(try decision(policy, assumeRole(action: "sts:TagSession")) == .allow)
        #expect(try decision(policy, assumeRole(action: "sts:AssumeRole")) == .implicitDeny)
        #expect(try PolicyDocument(json: policy, kind: .trust).statements[0].actions.isNegated)
    }

    @Test(arguments: [
        #""*""#, #""sts:*""#, #""sts:Assume*""#, #""sts:AssumeRol?""#, #""STS:assumerole""#, #""sts:*Role""#,
    ])
    func wildcardAndCaseInsensitiveActionsMatch(action: String) throws {
        #expect(try decision(trustPolicy(action: action), assumeRole(action: "sts:AssumeRole")) == .allow)
    }

    @Test(arguments: [#""sts:AssumeRole?""#, #""sts:Assume""#, #""iam:*""#, #""sts:?ssumeRoleWith*""#])
    func nonMatchingActionsDoNotMatch(action: String) throws {
        #expect(try decision(trustPolicy(action: action), assumeRole(action: "sts:AssumeRole")) == .implicitDeny)
    }

    @Test func missingVersionMeans2008() throws {
        let document = try PolicyDocument(
            json: #"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}"#, kind: .trust)
        #expect(document.version == "2008-10-17")
        #expect(document.evaluate(assumeRole()) == .allow)
    }

    @Test func documentExposesItsElements() throws {
        let document = try PolicyDocument(
            json: """
                {"Version": "2012-10-17", "Id": "trust-1", "Statement": {"Sid": "MFA1", "Effect": "Deny",
                 "Principal": "*", "Action": ["sts:AssumeRole", "sts:TagSession"],
                 "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": [3600, "7200.5"]}}}}
                """,
            kind: .trust)
        #expect(document.id == "trust-1")
        let statement = document.statements[0]
        #expect(statement.sid == "MFA1")
        #expect(statement.effect == .deny)
        #expect(statement.actions.patterns == ["sts:AssumeRole", "sts:TagSession"])
        #expect(statement.resources == nil)
        #expect(statement.conditions.map(\.operatorName) == ["NumericGreaterThan"])
        #expect(statement.conditions.map(\.key) == ["aws:multifactorauthage"])
        #expect(statement.conditions.map(\.values) == [["3600", "7200.5"]])
    }
}
