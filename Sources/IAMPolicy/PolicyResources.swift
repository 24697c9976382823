/// An identity statement's `Resource` or `NotResource` element: `*` or ARN patterns, matched part by part,
/// case-sensitive, with `*`/`?` and (in 2012-10-17 documents) `${key}` policy variables.
public struct PolicyResources: Sendable, Equatable {
    /// The patterns as written.
    public let patterns: [String]
    /// True for `NotResource`: the statement applies to every resource that matches none of the patterns.
    public let isNegated: Bool
    private let matchers: [ARNPattern]

    init(patterns: [String], isNegated: Bool, variables: Bool) throws(PolicyError) {
        var matchers: [ARNPattern] = []
        for pattern in patterns {
            guard let matcher = try ARNPattern(pattern, allowsAny: true, variables: variables) else {
                throw PolicyError("Resource \(pattern) must be in ARN format or \"*\".")
            }
            matchers.append(matcher)
        }
        self.patterns = patterns
        self.isNegated = isNegated
        self.matchers = matchers
    }

    func matches(_ context: RequestContext) -> Bool {
        let matched = matchers.contains { $0.matches(context.resource, in: context) }
        return matched != isNegated
    }
}
