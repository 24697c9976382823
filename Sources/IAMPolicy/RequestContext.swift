/// What a policy is evaluated against: who asks, for what action on which resource, and the request's condition keys.
public struct RequestContext: Sendable {
    /// The caller, e.g. `arn:aws:iam::123456789012:user/path/alice`, `arn:aws:sts::123456789012:assumed-role/r/s`,
    /// or a service principal name such as `ec2.amazonaws.com`.
    public var principalARN: String
    /// The caller's 12-digit account id (empty for service principals).
    public var principalAccount: String
    /// The action requested, e.g. `sts:AssumeRole`.
    public var action: String
    /// The resource ARN acted on, e.g. the role's ARN.
    public var resource: String
    /// Condition keys (lower-cased) and their values; a key missing here (or with no values) is absent from the request.
    /// `aws:principalarn` and `aws:principalaccount` default to `principalARN` and `principalAccount`; set
    /// `aws:principalarn` explicitly to the role's ARN for role sessions, as AWS does.
    public var values: [String: [String]]

    /// Creates a context; keys of `values` are lower-cased (values of keys that differ only in case are joined).
    public init(
        principalARN: String, principalAccount: String, action: String, resource: String,
        values: [String: [String]] = [:]
    ) {
        self.principalARN = principalARN
        self.principalAccount = principalAccount
        self.action = action
        self.resource = resource
        self.values = Dictionary(values.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
    }

    /// The values of a lower-cased condition key, or nil when the key is absent from the request.
    func conditionValues(forKey key: String) -> [String]? {
        if let given = values[key] { return given.isEmpty ? nil : given }
        let derived: String? =
            switch key {
            case "aws:principalarn": principalARN
            case "aws:principalaccount": principalAccount
            default: nil
            }
        guard let derived, !derived.isEmpty else { return nil }
        return [derived]
    }
}
