/// A statement's `Action` or `NotAction` element: `*` or `vendor:name` patterns with `*`/`?`, case-insensitive.
public struct PolicyActions: Sendable, Equatable {
    /// The patterns as written.
    public let patterns: [String]
    /// True for `NotAction`: the statement applies to every action that matches none of the patterns.
    public let isNegated: Bool
    private let matchers: [WildcardPattern]

    init(patterns: [String], isNegated: Bool) throws(PolicyError) {
        var matchers: [WildcardPattern] = []
        for pattern in patterns {
            try Self.validate(pattern)
            matchers.append(try WildcardPattern(pattern, wildcards: true, variables: false))
        }
        self.patterns = patterns
        self.isNegated = isNegated
        self.matchers = matchers
    }

    /// `*`, or one colon between a vendor `[A-Za-z0-9-]+` and a name `[A-Za-z0-9*?]+`.
    private static func validate(_ pattern: String) throws(PolicyError) {
        if pattern == "*" { return }
        let parts = pattern.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1 else { throw .missingVendor }
        guard parts.count == 2 else { throw PolicyError("Actions/Condition can contain only one colon.") }
        let vendorValid =
            !parts[0].isEmpty && parts[0].utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") }
        guard vendorValid else { throw PolicyError("Vendor \(parts[0]) is not valid") }
        let nameValid =
            !parts[1].isEmpty
            && parts[1].utf8.allSatisfy {
                $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?")
            }
        guard nameValid else { throw PolicyError("Invalid action: \(pattern)") }
    }

    func matches(_ context: RequestContext) -> Bool {
        let matched = matchers.contains { $0.matches(context.action, in: context, ignoringCase: true) }
        return matched != isNegated
    }
}
