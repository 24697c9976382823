/// Checks Query parameters against service-model constraints and reports every violation of one request at once,
/// with AWS's wording:
///
///     1 validation error detected: Value 'abc' at 'tokenCode' failed to satisfy constraint: Member must have length
///     less than or equal to 6
///     2 validation errors detected: Value 'x' at 'tokenCode' failed to satisfy constraint: Member must satisfy
///     regular expression pattern: [\d]*; Value 'x' at 'tokenCode' failed to satisfy constraint: …
///
/// Each accessor returns the value only when it is present and satisfies its constraints; call `check()` before
/// acting on the request. Constraints of one member are checked in AWS's order: pattern, then length or range.
public struct ParameterValidator: Sendable {
    public let parameters: QueryParameters
    /// The constraint violations found so far, in the order they were checked.
    public private(set) var violations: [String] = []

    public init(_ parameters: QueryParameters) { self.parameters = parameters }

    /// A string parameter; `min`/`max` bound its length in UTF-16 code units (as AWS's Java services count).
    public mutating func string(
        _ name: String, required: Bool = false, min: Int? = nil, max: Int? = nil, pattern: AWSPattern? = nil
    ) -> String? {
        value(parameters[name], member: Self.memberName(name), required: required, min: min, max: max, pattern: pattern)
    }

    /// Checks an already-extracted value under the member name used in messages (e.g. a list entry).
    public mutating func value(
        _ value: String?, member: String, required: Bool = false, min: Int? = nil, max: Int? = nil,
        pattern: AWSPattern? = nil
    ) -> String? {
        guard let value else {
            if required {
                violations.append("Value null at '\(member)' failed to satisfy constraint: Member must not be null")
            }
            return nil
        }
        let count = violations.count
        if let pattern, !pattern.matches(value) {
            violate(value, member, "Member must satisfy regular expression pattern: \(pattern.source)")
        }
        let length = value.utf16.count
        if let min, length < min { violate(value, member, "Member must have length greater than or equal to \(min)") }
        if let max, length > max { violate(value, member, "Member must have length less than or equal to \(max)") }
        return violations.count == count ? value : nil
    }

    /// A decimal integer parameter within `min…max` ("Member must have value greater than or equal to 900").
    public mutating func integer(_ name: String, required: Bool = false, min: Int? = nil, max: Int? = nil) -> Int? {
        let member = Self.memberName(name)
        guard let text = value(parameters[name], member: member, required: required) else { return nil }
        guard let number = Int(text), text.utf8.first != UInt8(ascii: "+") else {
            violate(text, member, "Member must be an integer")
            return nil
        }
        let count = violations.count
        if let min, number < min { violate(text, member, "Member must have value greater than or equal to \(min)") }
        if let max, number > max { violate(text, member, "Member must have value less than or equal to \(max)") }
        return violations.count == count ? number : nil
    }

    /// A parameter restricted to `allowed` ("Member must satisfy enum value set: [Assigned, Unassigned, Any]").
    public mutating func enumeration(_ name: String, allowed: [String], required: Bool = false) -> String? {
        let member = Self.memberName(name)
        guard let text = value(parameters[name], member: member, required: required) else { return nil }
        guard allowed.contains(text) else {
            violate(text, member, "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
            return nil
        }
        return text
    }

    /// A boolean parameter: `true` or `false` in any letter case.
    public mutating func boolean(_ name: String, required: Bool = false) -> Bool? {
        let member = Self.memberName(name)
        guard let text = value(parameters[name], member: member, required: required) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            violate(text, member, "Member must be a boolean (true or false)")
            return nil
        }
    }

    /// Throws one `ValidationError` listing every violation ("N validation errors detected: …; …"), if any.
    public func check() throws(AWSError) {
        switch violations.count {
        case 0: return
        case 1: throw .validation("1 validation error detected: \(violations[0])")
        default:
            throw .validation(
                "\(violations.count) validation errors detected: \(violations.joined(separator: "; "))")
        }
    }

    /// The member name AWS uses in messages: the PascalCase parameter name with its first letter lowered
    /// (`TokenCode` → `tokenCode`, `MaxItems` → `maxItems`; like AWS, only the first letter: `SAMLAssertion` →
    /// `sAMLAssertion`).
    public static func memberName(_ parameterName: String) -> String {
        guard let first = parameterName.first else { return parameterName }
        return first.lowercased() + parameterName.dropFirst()
    }

    private mutating func violate(_ value: String, _ member: String, _ constraint: String) {
        violations.append("Value '\(value)' at '\(member)' failed to satisfy constraint: \(constraint)")
    }
}
