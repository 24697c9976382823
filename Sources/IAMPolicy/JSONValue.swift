/// A parsed JSON value. Numbers keep their literal text; objects keep their members in document order.
enum JSONValue: Sendable, Equatable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
}

struct JSONMember: Sendable, Equatable {
    let key: String
    let value: JSONValue
}

extension JSONValue {
    /// The text of a scalar as IAM reads it: strings as they are, numbers as written, booleans as `true`/`false`.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .object, .array, .null: nil
        }
    }

    /// A string, or a non-empty array of strings (IAM's "one or a list" form).
    var stringList: [String]? {
        switch self {
        case .string(let text):
            return [text]
        case .array(let items) where !items.isEmpty:
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item else { return nil }
                strings.append(text)
            }
            return strings
        default:
            return nil
        }
    }

    /// A scalar, or a non-empty array of scalars, as text (condition values).
    var scalarList: [String]? {
        if let text = scalarText { return [text] }
        guard case .array(let items) = self, !items.isEmpty else { return nil }
        var texts: [String] = []
        for item in items {
            guard let text = item.scalarText else { return nil }
            texts.append(text)
        }
        return texts
    }
}
