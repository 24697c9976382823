/// The condition keys this module evaluates (matched case-insensitively, stored lower-cased).
enum ConditionKeys {
    static let supported: Set<String> = [
        "aws:multifactorauthpresent", "aws:multifactorauthage", "aws:principalarn", "aws:principalaccount",
        "aws:principaltype", "aws:userid", "aws:username", "aws:sourceidentity", "aws:epochtime",
        "aws:securetransport", "sts:externalid", "sts:rolesessionname", "sts:sourceidentity",
    ]

    /// The lower-cased form of `key`; throws when it has no vendor prefix or is not supported.
    static func validated(_ key: String) throws(PolicyError) -> String {
        guard key.contains(":") else { throw .missingVendor }
        let lowered = key.lowercased()
        guard supported.contains(lowered) else { throw PolicyError("Condition key \(key) is not supported") }
        return lowered
    }
}
