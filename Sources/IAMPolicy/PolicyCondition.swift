/// One test of a statement's `Condition` element: an operator applied to one condition key. Every condition of a
/// statement must hold; within one, any of the policy values may match.
public struct PolicyCondition: Sendable, Equatable {
    /// The operator as written, e.g. `NumericLessThan` or `BoolIfExists`.
    public let operatorName: String
    /// The condition key, lower-cased, e.g. `aws:multifactorauthage`.
    public let key: String
    /// The policy's values as text (numbers as written, booleans as `true`/`false`).
    public let values: [String]
    let test: ConditionTest
    let isNegated: Bool
    let ifExists: Bool

    /// AWS semantics: a key absent from the request fails positive operators and passes negated ones
    /// (`StringNotEquals`, `StringNotLike`, …); `…IfExists` passes; `Null` tests presence itself.
    func holds(in context: RequestContext) -> Bool {
        let actual = context.conditionValues(forKey: key)
        if case .null(let expectsAbsent) = test { return expectsAbsent.contains(actual == nil) }
        guard let actual else { return ifExists || isNegated }
        let matched = actual.contains { test.matches($0, in: context) }
        return matched != isNegated
    }
}

/// The compiled, positive form of a condition operator with its policy values.
enum ConditionTest: Sendable, Equatable {
    case strings([WildcardPattern], ignoringCase: Bool)
    case arns([ARNPattern])
    case numbers([Double], NumericComparison)
    case booleans([Bool])
    case null(expectsAbsent: [Bool])

    func matches(_ actual: String, in context: RequestContext) -> Bool {
        switch self {
        case .strings(let patterns, let ignoringCase):
            return patterns.contains { $0.matches(actual, in: context, ignoringCase: ignoringCase) }
        case .arns(let patterns):
            return patterns.contains { $0.matches(actual, in: context) }
        case .numbers(let numbers, let comparison):
            guard let actual = ConditionValue.number(actual) else { return false }
            return numbers.contains { comparison.holds(actual, $0) }
        case .booleans(let flags):
            guard let actual = ConditionValue.bool(actual) else { return false }
            return flags.contains(actual)
        case .null:
            return false
        }
    }
}

enum NumericComparison: Sendable, Equatable {
    case equal, less, lessOrEqual, greater, greaterOrEqual

    func holds(_ actual: Double, _ policy: Double) -> Bool {
        switch self {
        case .equal: actual == policy
        case .less: actual < policy
        case .lessOrEqual: actual <= policy
        case .greater: actual > policy
        case .greaterOrEqual: actual >= policy
        }
    }
}

/// Typed readings of condition values, shared by policy values and request values.
enum ConditionValue {
    /// A decimal number `-?digits(.digits)?`; nil otherwise (no exponents, no infinities).
    static func number(_ text: String) -> Double? {
        let unsigned = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        let parts = unsigned.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let wellFormed = parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy(\.isASCIIDigit)
        }
        guard wellFormed, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `true` or `false`, in any case.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }
}

extension PolicyCondition {
    /// Parses a `Condition` element: `{ "<operator>": { "<key>": value | [values] } }`.
    static func parseBlock(_ json: JSONValue, variables: Bool) throws(PolicyError) -> [PolicyCondition] {
        guard case .object(let operators) = json else { throw .wrongType("Condition", "an object") }
        var conditions: [PolicyCondition] = []
        for entry in operators {
            let form = try ConditionOperatorForm(entry.key)
            guard case .object(let keys) = entry.value, !keys.isEmpty else {
                throw .wrongType("Condition operator \(entry.key)", "a non-empty object of condition keys")
            }
            for keyEntry in keys {
                let key = try ConditionKeys.validated(keyEntry.key)
                guard let values = keyEntry.value.scalarList else {
                    throw .wrongType(
                        "Condition key \(keyEntry.key)", "a string, number, boolean or non-empty list of them")
                }
                conditions.append(
                    PolicyCondition(
                        operatorName: entry.key, key: key, values: values,
                        test: try form.test(values, variables: variables),
                        isNegated: form.isNegated, ifExists: form.ifExists))
            }
        }
        return conditions
    }
}

/// A parsed operator name: its base operator, whether it is negated, and the `IfExists` suffix.
private struct ConditionOperatorForm {
    enum Kind {
        case string(ignoringCase: Bool, wildcards: Bool)
        case arn
        case numeric(NumericComparison)
        case bool
        case null
    }

    let name: String
    let kind: Kind
    let isNegated: Bool
    let ifExists: Bool

    /// Operators AWS has that this module does not evaluate (rejected, never ignored).
    private static let unsupported: Set<String> = [
        "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "BinaryEquals", "IpAddress", "NotIpAddress",
    ]

    init(_ name: String) throws(PolicyError) {
        let unsupported = PolicyError("Condition operator \(name) is not supported")
        guard !name.hasPrefix("ForAnyValue:"), !name.hasPrefix("ForAllValues:") else { throw unsupported }
        let ifExists = name.hasSuffix("IfExists")
        let base = ifExists ? String(name.dropLast("IfExists".count)) : name
        guard let (kind, isNegated) = Self.kind(of: base) else {
            throw Self.unsupported.contains(base) ? unsupported : PolicyError("Invalid Condition type : \(name)")
        }
        if ifExists, case .null = kind { throw PolicyError("Invalid Condition type : \(name)") }
        self.name = name
        self.kind = kind
        self.isNegated = isNegated
        self.ifExists = ifExists
    }

    private static func kind(of base: String) -> (Kind, negated: Bool)? {
        switch base {
        case "StringEquals": (.string(ignoringCase: false, wildcards: false), false)
        case "StringNotEquals": (.string(ignoringCase: false, wildcards: false), true)
        case "StringEqualsIgnoreCase": (.string(ignoringCase: true, wildcards: false), false)
        case "StringNotEqualsIgnoreCase": (.string(ignoringCase: true, wildcards: false), true)
        case "StringLike": (.string(ignoringCase: false, wildcards: true), false)
        case "StringNotLike": (.string(ignoringCase: false, wildcards: true), true)
        case "NumericEquals": (.numeric(.equal), false)
        case "NumericNotEquals": (.numeric(.equal), true)
        case "NumericLessThan": (.numeric(.less), false)
        case "NumericLessThanEquals": (.numeric(.lessOrEqual), false)
        case "NumericGreaterThan": (.numeric(.greater), false)
        case "NumericGreaterThanEquals": (.numeric(.greaterOrEqual), false)
        case "Bool": (.bool, false)
        case "ArnEquals", "ArnLike": (.arn, false)
        case "ArnNotEquals", "ArnNotLike": (.arn, true)
        case "Null": (.null, false)
        default: nil
        }
    }

    /// Compiles the policy values for this operator; a value the operator cannot read is an error.
    func test(_ values: [String], variables: Bool) throws(PolicyError) -> ConditionTest {
        switch kind {
        case .string(let ignoringCase, let wildcards):
            var patterns: [WildcardPattern] = []
            for value in values {
                patterns.append(try WildcardPattern(value, wildcards: wildcards, variables: variables))
            }
            return .strings(patterns, ignoringCase: ignoringCase)
        case .arn:
            var patterns: [ARNPattern] = []
            for value in values {
                guard let pattern = try ARNPattern(value, allowsAny: false, variables: variables) else {
                    throw invalidValue(value, "ARN")
                }
                patterns.append(pattern)
            }
            return .arns(patterns)
        case .numeric(let comparison):
            var numbers: [Double] = []
            for value in values {
                guard let number = ConditionValue.number(value) else { throw invalidValue(value, "numeric") }
                numbers.append(number)
            }
            return .numbers(numbers, comparison)
        case .bool, .null:
            var flags: [Bool] = []
            for value in values {
                guard let flag = ConditionValue.bool(value) else { throw invalidValue(value, "boolean") }
                flags.append(flag)
            }
            if case .null = kind { return .null(expectsAbsent: flags) }
            return .booleans(flags)
        }
    }

    private func invalidValue(_ value: String, _ type: String) -> PolicyError {
        PolicyError("Invalid \(type) value \"\(value)\" for condition operator \(name)")
    }
}
