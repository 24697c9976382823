import OTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One account: its name in the vault and its otpauth URI (TOTP or HOTP; HOTP counters advance on use).
///
/// Encoded as `{"name": …, "uri": <uri.uriString>, "createDate": …}`.
public struct VaultAccount: Sendable, Equatable, Codable {
    /// Longest accepted name, in UTF-8 bytes.
    public static let maximumNameLength = 256

    public var name: String
    public var uri: OTPAuthURI
    public var createDate: Date

    public init(name: String, uri: OTPAuthURI, createDate: Date) {
        self.name = name
        self.uri = uri
        self.createDate = createDate
    }

    private enum CodingKeys: String, CodingKey {
        case name, uri, createDate
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        createDate = try container.decode(Date.self, forKey: .createDate)
        do {
            uri = try OTPAuthURI(parsing: try container.decode(String.self, forKey: .uri))
        } catch let error as OTPAuthURIError {
            throw DecodingError.dataCorruptedError(
                forKey: .uri, in: container, debugDescription: "not a valid otpauth URI: \(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(uri.uriString, forKey: .uri)
        try container.encode(createDate, forKey: .createDate)
    }

    /// This account as it reads back after being stored: the name checked and the URI replaced by what its
    /// ``OTPAuthURI/uriString`` parses to (which also proves it yields a working generator).
    func validated() throws(VaultError) -> VaultAccount {
        if let problem = Self.nameProblem(name) { throw VaultError(.invalidAccount(name: name, reason: problem)) }
        var account = self
        do {
            account.uri = try OTPAuthURI(parsing: uri.uriString)
        } catch {
            throw VaultError(.invalidAccount(name: name, reason: "its otpauth URI is not valid: \(error)"))
        }
        return account
    }

    private static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.utf8.count > maximumNameLength { return "the name is longer than \(maximumNameLength) bytes" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "the name contains control characters"
        }
        return nil
    }
}

extension VaultAccount: CustomStringConvertible, CustomReflectable {
    /// The account without its secret.
    public var description: String {
        let type = if case .hotp = uri.kind { "hotp" } else { "totp" }
        let issuer = (uri.issuer ?? "").debugDescription
        return "VaultAccount(name: \(name.debugDescription), type: \(type), issuer: \(issuer), "
            + "accountName: \(uri.accountName.debugDescription), createDate: \(createDate))"
    }

    /// Reflection (`dump`, test output) without the secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "kind": uri.kind, "issuer": uri.issuer as Any, "accountName": uri.accountName,
                "algorithm": uri.algorithm, "digits": uri.digits, "createDate": createDate,
            ])
    }
}
