/// One entry of a trust policy's `Principal` element.
public enum PolicyPrincipal: Sendable, Equatable {
    /// `"*"` or `{"AWS": "*"}`: anyone.
    case everyone
    /// A 12-digit account id or `arn:<partition>:iam::<account>:root`: every principal of that account (the partition
    /// is not compared).
    case account(String)
    /// An IAM user or role ARN (with path) or an STS assumed-role session ARN.
    case arn(String)
    /// A service principal such as `ec2.amazonaws.com`.
    case service(String)

    /// Whether the request's caller is this principal. A role ARN also admits that role's sessions
    /// (`arn:<partition>:sts::<account>:assumed-role/<role>/<session>`).
    func admits(_ context: RequestContext) -> Bool {
        switch self {
        case .everyone:
            return true
        case .account(let account):
            return context.principalAccount == account
        case .service(let service):
            return context.principalARN == service
        case .arn(let arn):
            return arn == context.principalARN || Self.roleARN(arn, admitsSession: context.principalARN)
        }
    }

    private static func roleARN(_ roleARN: String, admitsSession sessionARN: String) -> Bool {
        let role = roleARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        let session = sessionARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard role.count == 6, session.count == 6, role[2] == "iam", session[2] == "sts",
            role[1] == session[1], role[4] == session[4],
            let roleName = role[5].split(separator: "/").last, role[5].hasPrefix("role/")
        else { return false }
        let sessionPath = session[5].split(separator: "/", omittingEmptySubsequences: false)
        return sessionPath.count == 3 && sessionPath[0] == "assumed-role" && sessionPath[1] == roleName
    }
}

extension PolicyPrincipal {
    /// Parses a `Principal` value: `"*"` or an object with `AWS` and/or `Service` entries (string or list).
    static func parseList(_ json: JSONValue) throws(PolicyError) -> [PolicyPrincipal] {
        switch json {
        case .string("*"):
            return [.everyone]
        case .object(let members) where !members.isEmpty:
            var principals: [PolicyPrincipal] = []
            for member in members {
                guard member.key == "AWS" || member.key == "Service" else {
                    throw PolicyError("Unsupported principal type: \(member.key)")
                }
                guard let entries = member.value.stringList else {
                    throw PolicyError("Invalid principal in policy: \"\(member.key)\"")
                }
                for entry in entries {
                    guard let principal = member.key == "AWS" ? awsEntry(entry) : serviceEntry(entry) else {
                        throw PolicyError("Invalid principal in policy: \"\(member.key)\":\"\(entry)\"")
                    }
                    principals.append(principal)
                }
            }
            return principals
        default:
            throw PolicyError("Invalid principal in policy")
        }
    }

    /// `*`, a 12-digit account id, or an ARN: `iam::<acct>:root`, `iam::<acct>:user|role/<path>/<name>`,
    /// `sts::<acct>:assumed-role/<role>/<session>`. Partial wildcards are invalid, as in AWS.
    private static func awsEntry(_ entry: String) -> PolicyPrincipal? {
        if entry == "*" { return .everyone }
        if isAccountID(entry) { return .account(entry) }
        let parts = entry.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", isPartition(parts[1]), parts[3].isEmpty, isAccountID(parts[4])
        else { return nil }
        let path = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        switch (parts[2], path[0]) {
        case ("iam", "root") where path.count == 1:
            return .account(String(parts[4]))
        case ("iam", "user"), ("iam", "role"):
            guard path.count >= 2, path.dropFirst().dropLast().allSatisfy(isPathSegment),
                let name = path.last, isName(name, length: 1...64)
            else { return nil }
            return .arn(entry)
        case ("sts", "assumed-role"):
            guard path.count == 3, isName(path[1], length: 1...64), isName(path[2], length: 2...64) else { return nil }
            return .arn(entry)
        default:
            return nil
        }
    }

    /// A service principal name: lower-case letters, digits, `-` and `.`, with at least one dot.
    private static func serviceEntry(_ entry: String) -> PolicyPrincipal? {
        let valid =
            entry.contains(".")
            && entry.utf8.allSatisfy { byte in
                byte.isASCIILowercase || byte.isASCIIDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
        return valid ? .service(entry) : nil
    }

    private static func isAccountID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy(\.isASCIIDigit)
    }

    private static func isPartition(_ text: Substring) -> Bool {
        (text == "aws" || text.hasPrefix("aws-"))
            && text.utf8.allSatisfy { $0.isASCIILowercase || $0 == UInt8(ascii: "-") }
    }

    /// IAM user, role and session names: `[\w+=,.@-]`.
    private static func isName(_ text: Substring, length: ClosedRange<Int>) -> Bool {
        length.contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                byte.isASCIIAlphanumeric || "_+=,.@-".utf8.contains(byte)
            }
    }

    /// A path segment between slashes: printable ASCII without wildcards.
    private static func isPathSegment(_ text: Substring) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "*") && byte != UInt8(ascii: "?")
            }
    }
}
