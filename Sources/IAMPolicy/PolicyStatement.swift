/// One statement of a policy document.
public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// The optional statement id (`[0-9A-Za-z]*`).
    public let sid: String?
    public let effect: Effect
    /// Who the statement is about (trust policies); nil in identity policies.
    public let principals: [PolicyPrincipal]?
    public let actions: PolicyActions
    /// What the statement is about (identity policies); nil in trust policies.
    public let resources: PolicyResources?
    /// Conditions that must all hold; empty when the statement has none.
    public let conditions: [PolicyCondition]

    /// Whether the statement matches the request: principal, action, resource and every condition.
    func applies(to context: RequestContext) -> Bool {
        let principalMatches = principals.map { $0.contains { $0.admits(context) } } ?? true
        return principalMatches && actions.matches(context) && (resources?.matches(context) ?? true)
            && conditions.allSatisfy { $0.holds(in: context) }
    }
}

extension PolicyStatement {
    private static let elementNames: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    init(json: JSONValue, kind: PolicyKind, variables: Bool) throws(PolicyError) {
        guard case .object(let members) = json else { throw .wrongType("Statement", "an object or a list of objects") }
        let fields = try PolicyObject(members, allowed: Self.elementNames)
        sid = try fields.string("Sid")
        if let sid, !sid.utf8.allSatisfy(\.isASCIIAlphanumeric) { throw .invalidSid }
        effect = try Self.effect(fields)
        principals = try Self.principals(fields, kind: kind)
        actions = try Self.actions(fields, kind: kind)
        resources = try Self.resources(fields, kind: kind, variables: variables)
        conditions =
            try fields["Condition"].map { (json) throws(PolicyError) in
                try PolicyCondition.parseBlock(json, variables: variables)
            } ?? []
    }

    private static func effect(_ fields: PolicyObject) throws(PolicyError) -> Effect {
        guard let text = try fields.string("Effect") else { throw .missingField("Effect") }
        guard let effect = Effect(rawValue: text) else { throw PolicyError("Invalid effect: \(text)") }
        return effect
    }

    /// Trust policies require `Principal` and reject `NotPrincipal`; identity policies reject both.
    private static func principals(_ fields: PolicyObject, kind: PolicyKind) throws(PolicyError) -> [PolicyPrincipal]? {
        switch kind {
        case .identity:
            guard fields["Principal"] == nil, fields["NotPrincipal"] == nil else { throw .principalInIdentityPolicy }
            return nil
        case .trust:
            guard fields["NotPrincipal"] == nil else { throw .unsupportedElement("NotPrincipal") }
            guard let json = fields["Principal"] else { throw .missingField("Principal") }
            return try PolicyPrincipal.parseList(json)
        }
    }

    private static func actions(_ fields: PolicyObject, kind: PolicyKind) throws(PolicyError) -> PolicyActions {
        let missing =
            switch kind {
            case .trust: PolicyError.missingField("Action")
            case .identity: PolicyError("Policy statement must contain actions.")
            }
        guard let (json, isNegated) = try fields.either("Action", "NotAction") else { throw missing }
        let patterns = try patternList(json, field: isNegated ? "NotAction" : "Action", missing: missing)
        return try PolicyActions(patterns: patterns, isNegated: isNegated)
    }

    /// Trust policies prohibit `Resource`/`NotResource`; identity policies require one of them.
    private static func resources(
        _ fields: PolicyObject, kind: PolicyKind, variables: Bool
    ) throws(PolicyError)
        -> PolicyResources?
    {
        let element = try fields.either("Resource", "NotResource")
        switch kind {
        case .trust:
            guard let element else { return nil }
            throw .prohibitedField(element.isNegated ? "NotResource" : "Resource")
        case .identity:
            let missing = PolicyError("Policy statement must contain resources.")
            guard let (json, isNegated) = element else { throw missing }
            let patterns = try patternList(json, field: isNegated ? "NotResource" : "Resource", missing: missing)
            return try PolicyResources(patterns: patterns, isNegated: isNegated, variables: variables)
        }
    }

    /// A string or a non-empty list of strings; an empty list counts as missing.
    private static func patternList(
        _ json: JSONValue, field: String, missing: PolicyError
    ) throws(PolicyError)
        -> [String]
    {
        if case .array(let items) = json, items.isEmpty { throw missing }
        guard let list = json.stringList else { throw .wrongType(field, "a string or a non-empty list of strings") }
        return list
    }
}
