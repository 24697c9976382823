import IAMPolicy
import Testing

@Suite struct IdentityPolicyTests {
    func request(_ action: String, _ resource: String, _ values: [String: [String]] = [:]) -> RequestContext {
        RequestContext(
            principalARN: alice, principalAccount: account, action: action, resource: resource, values: values)
    }

    @Test func resourceWildcardsMatchPartByPart() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*MFADevice*",
             "Resource": ["arn:aws:iam::*:mfa/*", "arn:aws:iam::111122223333:user/division/*"]}}
            """
        #expect(try decision(policy, kind: .identity, request("iam:ListMFADevices", alice)) == .allow)
        #expect(
            try decision(policy, kind: .identity, request("iam:EnableMFADevice", "arn:aws:iam::444455556666:mfa/x"))
                == .allow)
        #expect(
            try decision(policy, kind: .identity, request("iam:ListMFADevices", "arn:aws:iam::111122223333:user/bob"))
                == .implicitDeny)
        #expect(try decision(policy, kind: .identity, request("iam:CreateUser", alice)) == .implicitDeny)
    }

    @Test func starResourceAndNotResource() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "*", "Resource": "*"},
              {"Effect": "Deny", "NotAction": "iam:ChangePassword", "NotResource": "arn:aws:iam::*:user/division/*"}]}
            """
        #expect(
            try decision(policy, kind: .identity, request("s3:GetObject", "arn:aws:s3:::bucket/key")) == .explicitDeny)
        #expect(try decision(policy, kind: .identity, request("s3:GetObject", alice)) == .allow)
        #expect(try decision(policy, kind: .identity, request("iam:ChangePassword", "arn:aws:s3:::b")) == .allow)
    }

    @Test func policyVariablesIn2012Documents() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:ListMFADevices",
             "Resource": "arn:aws:iam::*:user/*/${aws:username}"}}
            """
        let mine = request("iam:ListMFADevices", alice, ["aws:username": ["alice"]])
        let others = request("iam:ListMFADevices", alice, ["aws:username": ["bob"]])
        #expect(try decision(policy, kind: .identity, mine) == .allow)
        #expect(try decision(policy, kind: .identity, others) == .implicitDeny)
        #expect(try decision(policy, kind: .identity, request("iam:ListMFADevices", alice)) == .implicitDeny)
    }

    @Test func variableValuesAreLiteralAndSpecialVariablesEscape() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::b/${aws:username}/${*}${?}${$}"}}
            """
        #expect(
            try decision(
                policy, kind: .identity, request("s3:GetObject", "arn:aws:s3:::b/a*/*?$", ["aws:username": ["a*"]]))
                == .allow)
        #expect(
            try decision(
                policy, kind: .identity, request("s3:GetObject", "arn:aws:s3:::b/abc/*?$", ["aws:username": ["a*"]]))
                == .implicitDeny)
    }

    @Test func variablesAreLiteralIn2008Documents() throws {
        let policy = """
            {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::b/${aws:username}"}}
            """
        #expect(
            try decision(policy, kind: .identity, request("s3:GetObject", "arn:aws:s3:::b/${aws:username}")) == .allow)
        #expect(
            try decision(
                policy, kind: .identity, request("s3:GetObject", "arn:aws:s3:::b/alice", ["aws:username": ["alice"]]))
                == .implicitDeny)
    }

    @Test func mfaDenyPatternForIdentityPolicies() throws {
        let policy = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
              {"Sid": "BlockMostAccessUnlessSignedInWithMFA", "Effect": "Deny",
               "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "sts:GetSessionToken"],
               "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}
            """
        #expect(try decision(policy, kind: .identity, request("ec2:RunInstances", "*")) == .explicitDeny)
        #expect(try decision(policy, kind: .identity, request("sts:GetSessionToken", "*")) == .allow)
        #expect(
            try decision(
                policy, kind: .identity, request("ec2:RunInstances", "*", ["aws:multifactorauthpresent": ["true"]]))
                == .allow)
    }
}
