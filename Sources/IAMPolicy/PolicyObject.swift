/// The members of a policy JSON object by element name, checked against the names allowed at that level.
struct PolicyObject {
    private let members: [String: JSONValue]

    /// Throws `Unknown field <name>` for the first member whose name is not in `allowed` (names are case-sensitive).
    init(_ members: [JSONMember], allowed: Set<String>) throws(PolicyError) {
        if let unknown = members.first(where: { !allowed.contains($0.key) }) { throw .unknownField(unknown.key) }
        self.members = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    subscript(name: String) -> JSONValue? { members[name] }

    /// The string value of an optional element.
    func string(_ name: String) throws(PolicyError) -> String? {
        guard let value = members[name] else { return nil }
        guard case .string(let text) = value else { throw .wrongType(name, "a string") }
        return text
    }

    /// The value of whichever of `name` and its negated twin `notName` is present (throws if both are).
    func either(_ name: String, _ notName: String) throws(PolicyError) -> (value: JSONValue, isNegated: Bool)? {
        switch (members[name], members[notName]) {
        case (.some, .some): throw .conflictingFields(name, notName)
        case (.some(let value), nil): (value, false)
        case (nil, .some(let value)): (value, true)
        case (nil, nil): nil
        }
    }
}
