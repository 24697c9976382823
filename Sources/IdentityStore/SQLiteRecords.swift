import Foundation
import GRDB
import IdentityService

// GRDB row mappings of the records; columns are named as the records' properties.

extension AccountRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "account"
}
extension UserRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"
}
extension AccessKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "accessKey"
}
extension LoginProfileRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "loginProfile"
}
extension MFADeviceRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mfaDevice"

    /// The columns every device query selects, in the order `init(row:)` reads them.
    static let selection = """
        serialNumber, kind, name, path, seedCiphertext, createDate, userKey, userName, enableDate, driftSteps, \
        lastUsedStep, failedAttempts, lockouts, lockedUntil
        """

    /// Reads a row of `selection` by position rather than through `Decodable` or by column name: every code check
    /// fetches a device, and the generic decoder costs several times the query.
    public init(row: Row) throws {
        let kindName: String = try row.decode(atIndex: 1)
        guard let kind = MFADeviceKind(rawValue: kindName) else {
            throw IdentityConfigurationError("the stored MFA device kind '\(kindName)' is unknown")
        }
        self.init(
            serialNumber: try row.decode(atIndex: 0), kind: kind, name: try row.decode(atIndex: 2),
            path: try row.decode(atIndex: 3), seedCiphertext: try row.decode(atIndex: 4),
            createDate: try row.decode(atIndex: 5))
        userKey = try row.decode(atIndex: 6)
        userName = try row.decode(atIndex: 7)
        enableDate = try row.decode(atIndex: 8)
        driftSteps = try row.decode(atIndex: 9)
        lastUsedStep = try row.decode(atIndex: 10)
        failedAttempts = try row.decode(atIndex: 11)
        lockouts = try row.decode(atIndex: 12)
        lockedUntil = try row.decode(atIndex: 13)
    }
}
extension SecurityKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "securityKey"
}
extension RoleRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "role"
}
extension SessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"
}

/// A tag row: the tag with the device it belongs to.
struct TagRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "mfaDeviceTag"
    var serialNumber: String
    var key: String
    var value: String
}
extension ConsoleSessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "consoleSession"
}
extension SigninTokenRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signinToken"
}
