#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

// Plain records, as a `IdentityStore` keeps them. Secrets are stored only as AEAD ciphertext (see `SecretBox`).

/// The AWS account this server plays.
public struct AccountRecord: Codable, Sendable, Equatable {
    public var accountId: String
    public var alias: String?
    public var createDate: Date

    public init(accountId: String, alias: String? = nil, createDate: Date) {
        self.accountId = accountId
        self.alias = alias
        self.createDate = createDate
    }
}

/// An IAM user. `nameKey` is the lower-cased name: IAM user names are unique case-insensitively.
public struct UserRecord: Codable, Sendable, Equatable {
    public var userId: String
    public var userName: String
    public var nameKey: String
    public var path: String
    public var arn: String
    public var createDate: Date

    public init(userId: String, userName: String, path: String, arn: String, createDate: Date) {
        self.userId = userId
        self.userName = userName
        self.nameKey = userName.lowercased()
        self.path = path
        self.arn = arn
        self.createDate = createDate
    }
}

/// A long-term access key of the root user (`userName == nil`) or of an IAM user.
public struct AccessKeyRecord: Codable, Sendable, Equatable {
    public var accessKeyId: String
    public var userName: String?
    public var secretCiphertext: Data
    public var isActive: Bool
    public var createDate: Date

    public init(accessKeyId: String, userName: String?, secretCiphertext: Data, isActive: Bool, createDate: Date) {
        self.accessKeyId = accessKeyId
        self.userName = userName
        self.secretCiphertext = secretCiphertext
        self.isActive = isActive
        self.createDate = createDate
    }
}

/// A console password, stored as a slow (scrypt) hash. `userName == nil` is the root user.
public struct LoginProfileRecord: Codable, Sendable, Equatable {
    public var userKey: String
    public var userName: String?
    public var passwordHash: String
    public var passwordResetRequired: Bool
    public var createDate: Date
    /// Wrong passwords in a row and the console lock-out they led to (see `Lockout`).
    public var failedAttempts = 0
    public var lockouts = 0
    public var lockedUntil: Date?

    public init(userName: String?, passwordHash: String, passwordResetRequired: Bool, createDate: Date) {
        self.userKey = userName?.lowercased() ?? Principal.rootUserKey
        self.userName = userName
        self.passwordHash = passwordHash
        self.passwordResetRequired = passwordResetRequired
        self.createDate = createDate
    }
}

/// The kinds of MFA device IAM knows.
public enum MFADeviceKind: String, Codable, Sendable {
    case virtual
    case securityKey = "u2f"
    case hardware
}

/// An MFA device: a virtual (TOTP) device, assigned or not, or a security key.
public struct MFADeviceRecord: Codable, Sendable, Equatable {
    public var serialNumber: String
    public var kind: MFADeviceKind
    public var name: String
    public var path: String
    /// Lower-cased user name of the owner; `Principal.rootUserKey` for the root user; nil while unassigned.
    public var userKey: String?
    public var userName: String?
    public var seedCiphertext: Data?
    public var createDate: Date
    public var enableDate: Date?
    /// Steps between the device's clock and ours, learned at enable/resync and on each accepted code.
    public var driftSteps: Int64
    /// The last time step accepted from this device; a step is never accepted twice.
    public var lastUsedStep: Int64?
    public var failedAttempts: Int
    public var lockouts: Int
    public var lockedUntil: Date?

    public init(
        serialNumber: String, kind: MFADeviceKind, name: String, path: String, seedCiphertext: Data?, createDate: Date
    ) {
        self.serialNumber = serialNumber
        self.kind = kind
        self.name = name
        self.path = path
        self.userKey = nil
        self.userName = nil
        self.seedCiphertext = seedCiphertext
        self.createDate = createDate
        self.enableDate = nil
        self.driftSteps = 0
        self.lastUsedStep = nil
        self.failedAttempts = 0
        self.lockouts = 0
        self.lockedUntil = nil
    }
}

/// The WebAuthn credential behind a security-key MFA device (`MFADeviceKind.securityKey`), registered in the console.
public struct SecurityKeyRecord: Codable, Sendable, Equatable {
    public var serialNumber: String
    public var credentialId: Data
    /// The credential's public key as a COSE_Key.
    public var publicKey: Data
    public var signCount: Int64
    public var backupEligible: Bool
    /// Transports the browser reported at registration (`usb`, `nfc`, …), space-separated.
    public var transports: String
    /// The attestation statement format it was registered with (`packed`, `fido-u2f`, `none`).
    public var attestationFormat: String
    public var aaguid: Data
    /// When an assertion's counter went backwards (a sign of a cloned key); such a key is refused from then on.
    public var cloneSuspectedAt: Date?
    public var lastUsedDate: Date?
    /// Registered with the U2F API before WebAuthn (imported): it signs in through the AppID extension.
    public var legacyU2F: Bool

    public init(
        serialNumber: String, credentialId: Data, publicKey: Data, signCount: Int64, backupEligible: Bool,
        transports: [String], attestationFormat: String, aaguid: Data, legacyU2F: Bool = false
    ) {
        self.serialNumber = serialNumber
        self.credentialId = credentialId
        self.publicKey = publicKey
        self.signCount = signCount
        self.backupEligible = backupEligible
        self.transports = transports.joined(separator: " ")
        self.attestationFormat = attestationFormat
        self.aaguid = aaguid
        self.cloneSuspectedAt = nil
        self.lastUsedDate = nil
        self.legacyU2F = legacyU2F
    }

    public var transportList: [String] { transports.split(separator: " ").map(String.init) }
}

/// A tag on an MFA device.
public struct TagRecord: Codable, Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM role with its trust policy (the JSON text as given).
public struct RoleRecord: Codable, Sendable, Equatable {
    public var roleId: String
    public var roleName: String
    public var nameKey: String
    public var path: String
    public var arn: String
    public var trustPolicy: String
    public var description: String?
    public var maxSessionDuration: Int
    public var createDate: Date

    public init(
        roleId: String, roleName: String, path: String, arn: String, trustPolicy: String, description: String?,
        maxSessionDuration: Int, createDate: Date
    ) {
        self.roleId = roleId
        self.roleName = roleName
        self.nameKey = roleName.lowercased()
        self.path = path
        self.arn = arn
        self.trustPolicy = trustPolicy
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.createDate = createDate
    }
}

/// How a set of temporary credentials was obtained.
public enum SessionOrigin: String, Codable, Sendable {
    case sessionToken = "GetSessionToken"
    case assumedRole = "AssumeRole"
}

/// Temporary credentials (ASIA… keys). The token is kept only as its SHA-256.
public struct SessionRecord: Codable, Sendable, Equatable {
    public var accessKeyId: String
    public var secretCiphertext: Data
    public var tokenHash: Data
    public var origin: SessionOrigin
    /// The IAM user behind a GetSessionToken session (nil: root) or the caller who assumed the role.
    public var userName: String?
    public var roleName: String?
    public var roleSessionName: String?
    public var sourceIdentity: String?
    /// When MFA was verified for this session (GetSessionToken with a code); nil without MFA context.
    public var mfaAuthenticatedAt: Date?
    public var createDate: Date
    public var expiration: Date

    public init(
        accessKeyId: String, secretCiphertext: Data, tokenHash: Data, origin: SessionOrigin, userName: String?,
        roleName: String?, roleSessionName: String?, sourceIdentity: String?, mfaAuthenticatedAt: Date?,
        createDate: Date, expiration: Date
    ) {
        self.accessKeyId = accessKeyId
        self.secretCiphertext = secretCiphertext
        self.tokenHash = tokenHash
        self.origin = origin
        self.userName = userName
        self.roleName = roleName
        self.roleSessionName = roleSessionName
        self.sourceIdentity = sourceIdentity
        self.mfaAuthenticatedAt = mfaAuthenticatedAt
        self.createDate = createDate
        self.expiration = expiration
    }
}
