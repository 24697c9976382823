import IAMPolicy

let account = "111122223333"
let alice = "arn:aws:iam::111122223333:user/division/team/alice"
let roleARN = "arn:aws:iam::111122223333:role/admin"

/// A trust policy of one statement with the given principal, action and extra statement members.
func trustPolicy(
    effect: String = "Allow", principal: String = #"{"AWS": "111122223333"}"#,
    action: String = #""sts:AssumeRole""#, extra: String = ""
) -> String {
    """
    {"Version": "2012-10-17", "Statement": [{"Effect": "\(effect)", "Principal": \(principal), \
    "Action": \(action)\(extra.isEmpty ? "" : ", " + extra)}]}
    """
}

func trustPolicy(condition: String) -> String {
    trustPolicy(extra: #""Condition": "# + condition)
}

/// An AssumeRole request for `roleARN` by `principal` with the given condition keys.
func assumeRole(
    by principal: String = alice, account principalAccount: String = account, action: String = "sts:AssumeRole",
    _ values: [String: [String]] = [:]
) -> RequestContext {
    RequestContext(
        principalARN: principal, principalAccount: principalAccount, action: action, resource: roleARN,
        values: values)
}

func decision(_ json: String, kind: PolicyKind = .trust, _ context: RequestContext) throws -> PolicyDecision {
    try PolicyDocument(json: json, kind: kind).evaluate(context)
}

/// The message a document is rejected with, or nil when it parses.
func rejection(_ json: String, kind: PolicyKind = .trust) -> String? {
    do {
        _ = try PolicyDocument(json: json, kind: kind)
        return nil
    } catch {
        return error.message
    }
}
