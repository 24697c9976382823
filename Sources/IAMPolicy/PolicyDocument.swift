/// Which kind of policy a document is: it decides which statement elements are required or prohibited.
public enum PolicyKind: Sendable {
    /// A role's trust (assume-role) policy: `Principal` required, `Resource`/`NotResource` prohibited.
    case trust
    /// An identity policy of a user, group or role: `Resource` required, `Principal` prohibited.
    case identity
}

/// The outcome of evaluating a policy for one request.
public enum PolicyDecision: Sendable, Equatable {
    case allow
    case explicitDeny
    case implicitDeny
}

/// A parsed and validated IAM policy document.
public struct PolicyDocument: Sendable, Equatable {
    /// Largest accepted document, in UTF-8 bytes.
    public static let maximumSize = 10_240
    /// Deepest accepted JSON nesting (objects and arrays); real policies need six levels.
    public static let maximumDepth = 10

    /// `2012-10-17` or `2008-10-17` (also when the document has no `Version`; then policy variables are literal text).
    public let version: String
    /// The optional `Id` element.
    public let id: String?
    public let statements: [PolicyStatement]

    /// Parses `json` strictly: unknown elements, duplicate keys, wrong types and unsupported operators or condition
    /// keys are errors, never ignored. `Statement` may be one object or a list.
    public init(json: String, kind: PolicyKind) throws(PolicyError) {
        guard json.utf8.count <= Self.maximumSize else { throw .tooLarge }
        guard case .object(let members) = try StrictJSONReader.parse(json, maximumDepth: Self.maximumDepth) else {
            throw .syntax
        }
        let fields = try PolicyObject(members, allowed: ["Version", "Id", "Statement"])
        let version = try fields.string("Version") ?? "2008-10-17"
        guard version == "2012-10-17" || version == "2008-10-17" else {
            throw PolicyError("Invalid Version: \(version)")
        }
        self.version = version
        id = try fields.string("Id")

        let statementValues: [JSONValue]
        switch fields["Statement"] {
        case nil: throw .missingField("Statement")
        case .array(let items)?:
            guard !items.isEmpty else { throw .missingField("Statement") }
            statementValues = items
        case let single?: statementValues = [single]
        }
        var statements: [PolicyStatement] = []
        var sids: Set<String> = []
        for value in statementValues {
            let statement = try PolicyStatement(json: value, kind: kind, variables: version == "2012-10-17")
            if let sid = statement.sid, !sid.isEmpty, !sids.insert(sid).inserted { throw .duplicateSid }
            statements.append(statement)
        }
        self.statements = statements
    }

    /// Standard IAM logic: any matching `Deny` → `.explicitDeny`; else any matching `Allow` → `.allow`;
    /// else `.implicitDeny`.
    public func evaluate(_ context: RequestContext) -> PolicyDecision {
        var allowed = false
        for statement in statements where statement.applies(to: context) {
            if statement.effect == .deny { return .explicitDeny }
            allowed = true
        }
        return allowed ? .allow : .implicitDeny
    }
}
