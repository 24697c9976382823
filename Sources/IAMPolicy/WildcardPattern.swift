/// A policy string pattern: literal characters, `*` and `?` wildcards (where the element allows them) and `${key}`
/// policy variables (in 2012-10-17 documents), matched against a request value.
struct WildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        case literal(Character)
        case anyRun
        case anyOne
        case variable(key: String)
    }

    let elements: [Element]

    init(elements: [Element]) {
        self.elements = elements
    }

    /// Compiles `text`; with `wildcards` false `*` and `?` are literal, with `variables` false so is `${…}`.
    init(_ text: String, wildcards: Bool, variables: Bool) throws(PolicyError) {
        let characters = Array(text)
        var elements: [Element] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if variables, character == "$", index + 1 < characters.count, characters[index + 1] == "{" {
                guard let close = characters[(index + 2)...].firstIndex(of: "}") else {
                    throw PolicyError("Unterminated policy variable in \(text)")
                }
                elements.append(try Self.variable(String(characters[(index + 2)..<close])))
                index = close + 1
                continue
            }
            switch character {
            case "*" where wildcards: elements.append(.anyRun)
            case "?" where wildcards: elements.append(.anyOne)
            default: elements.append(.literal(character))
            }
            index += 1
        }
        self.elements = elements
    }

    /// `${*}`, `${?}` and `${$}` stand for the literal characters; any other name must be a supported condition key.
    private static func variable(_ name: String) throws(PolicyError) -> Element {
        switch name {
        case "*", "?", "$": return .literal(Character(name))
        default:
            let key = name.lowercased()
            guard ConditionKeys.supported.contains(key) else {
                throw PolicyError("Policy variable ${\(name)} is not supported")
            }
            return .variable(key: key)
        }
    }

    /// Whether `value` matches; a variable whose key is absent from the request matches nothing.
    func matches(_ value: String, in context: RequestContext, ignoringCase: Bool) -> Bool {
        guard let pattern = resolved(in: context) else { return false }
        return Self.glob(pattern, Array(value), ignoringCase: ignoringCase)
    }

    /// The elements with each variable replaced by its request value as literal text (wildcards in it stay literal).
    private func resolved(in context: RequestContext) -> [Element]? {
        var resolved: [Element] = []
        for element in elements {
            guard case .variable(let key) = element else {
                resolved.append(element)
                continue
            }
            guard let value = context.conditionValues(forKey: key)?.first else { return nil }
            resolved.append(contentsOf: value.map(Element.literal))
        }
        return resolved
    }

    /// Linear-backtracking wildcard match (at most pattern × value steps, never exponential).
    private static func glob(_ pattern: [Element], _ value: [Character], ignoringCase: Bool) -> Bool {
        var patternIndex = 0
        var valueIndex = 0
        var lastStar: (pattern: Int, value: Int)? = nil
        while valueIndex < value.count {
            if patternIndex < pattern.count,
                accepts(pattern[patternIndex], value[valueIndex], ignoringCase: ignoringCase)
            {
                patternIndex += 1
                valueIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == .anyRun {
                lastStar = (patternIndex, valueIndex)
                patternIndex += 1
            } else if let star = lastStar {
                lastStar = (star.pattern, star.value + 1)
                patternIndex = star.pattern + 1
                valueIndex = star.value + 1
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == .anyRun { patternIndex += 1 }
        return patternIndex == pattern.count
    }

    private static func accepts(_ element: Element, _ character: Character, ignoringCase: Bool) -> Bool {
        switch element {
        case .anyOne: true
        case .literal(let literal):
            literal == character || (ignoringCase && literal.lowercased() == character.lowercased())
        case .anyRun, .variable: false
        }
    }
}

/// A resource or ARN-condition pattern: `*`, or an ARN whose six colon-separated parts are matched each on its own
/// (case-sensitive; wildcards do not cross the first five colons).
enum ARNPattern: Sendable, Equatable {
    case any
    case parts([WildcardPattern])

    /// Nil when `text` is neither an ARN (`arn:` and six parts) nor, where `allowsAny`, `*`.
    init?(_ text: String, allowsAny: Bool, variables: Bool) throws(PolicyError) {
        if allowsAny, text == "*" {
            self = .any
            return
        }
        let pattern = try WildcardPattern(text, wildcards: true, variables: variables)
        let parts = pattern.elements.split(separator: .literal(":"), maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == [.literal("a"), .literal("r"), .literal("n")] else { return nil }
        self = .parts(parts.map { WildcardPattern(elements: Array($0)) })
    }

    func matches(_ value: String, in context: RequestContext) -> Bool {
        switch self {
        case .any:
            return true
        case .parts(let patterns):
            let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == patterns.count else { return false }
            return zip(patterns, parts).allSatisfy { $0.matches(String($1), in: context, ignoringCase: false) }
        }
    }
}
