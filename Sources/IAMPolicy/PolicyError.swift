/// A rejected policy document. `message` is meant to be returned as the message of an AWS `MalformedPolicyDocument` error.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// AWS-style explanation, e.g. `Has prohibited field Resource`.
    public let message: String

    public var description: String { message }

    init(_ message: String) {
        self.message = message
    }
}

extension PolicyError {
    static let syntax = PolicyError("Syntax errors in policy.")
    static let tooLarge = PolicyError("Cannot exceed quota for PolicySize: \(PolicyDocument.maximumSize)")
    static let nestedTooDeeply = PolicyError(
        "Syntax errors in policy. JSON nesting exceeds \(PolicyDocument.maximumDepth) levels.")
    static let missingVendor = PolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    static let principalInIdentityPolicy = PolicyError("Policy document should not specify a principal.")
    static let duplicateSid = PolicyError("Statement IDs (SID) in a single policy must be unique.")
    static let invalidSid = PolicyError(
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
    )

    static func duplicateKey(_ key: String) -> PolicyError { PolicyError("Duplicate key \"\(key)\" in policy.") }
    static func unknownField(_ name: String) -> PolicyError { PolicyError("Unknown field \(name)") }
    static func missingField(_ name: String) -> PolicyError { PolicyError("Missing required field \(name)") }
    static func prohibitedField(_ name: String) -> PolicyError { PolicyError("Has prohibited field \(name)") }
    static func unsupportedElement(_ name: String) -> PolicyError { PolicyError("Unsupported policy element: \(name)") }
    static func conflictingFields(_ name: String, _ other: String) -> PolicyError {
        PolicyError("Statement must not contain both \(name) and \(other)")
    }
    static func wrongType(_ field: String, _ expected: String) -> PolicyError {
        PolicyError("Syntax errors in policy. \(field) must be \(expected).")
    }
}
