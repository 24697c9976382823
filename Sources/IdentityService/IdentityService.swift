import AWSProtocol
import Logging
import Metrics
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Tunables of the identity domain.
public struct IdentityServiceConfiguration: Sendable {
    /// The issuer shown by authenticator apps (`otpauth://totp/<issuer>:…`).
    public var totpIssuer = "Vegas"
    /// How far (in 30 s steps, either way) EnableMFADevice and ResyncMFADevice look for the two consecutive codes.
    public var consecutiveCodeWindow = 10
    /// How far (in steps, either way) around a device's remembered drift a single code is accepted.
    public var codeTolerance = 1
    /// MFA devices in use per user, of any kind (AWS: 8).
    public var maxMFADevicesPerUser = 8
    /// Consecutive failed codes after which a device is locked.
    public var mfaMaxFailures = 5
    /// The first lock-out; each further one doubles, up to a day.
    public var mfaLockoutSeconds: Double = 60
    /// When wrong console passwords lock a login (the same answer as a wrong password until it ends); the longest
    /// lock-out is kept short, since anyone who knows a user name can cause it.
    public var consoleLockoutPolicy = Lockout.Policy(maxFailures: 10, firstLockout: 60, longestLockout: 900)
    /// When failed codes lock a device.
    var mfaLockoutPolicy: Lockout.Policy {
        Lockout.Policy(maxFailures: mfaMaxFailures, firstLockout: mfaLockoutSeconds)
    }
    /// Access keys per user (AWS: 2).
    public var maxAccessKeysPerUser = 2
    /// Console password hashing.
    public var passwordHasher = PasswordHasher()

    public init() {}
}

/// The IAM and STS domain as plain async functions over a `Store`: accounts, users, access keys, login profiles, MFA devices,
/// roles and sessions. Errors are `AWSError`s with AWS's codes and texts; anything else is a server failure.
public final class IdentityService: Sendable {
    public let store: any Store
    public let configuration: IdentityServiceConfiguration
    let secrets: SecretBox
    let clock: @Sendable () -> Date
    let logger: Logger
    let mfaCounters: MFACounters
    let callers = CallerCache()
    /// The devices assigned to each user, as ListMFADevices reports them; cleared by every change of assignment.
    let assignedDevices = RecentCache<[MFADeviceRecord]>()
    let totpGenerators = TOTPGeneratorCache()
    /// The store revision this instance's caches were last checked against (see `refreshCaches`).
    let watchedRevision = Mutex<Int64?>(nil)

    public init(
        store: any Store, secrets: SecretBox, configuration: IdentityServiceConfiguration = .init(),
        metrics: any MetricsFactory, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.secrets = secrets
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.mfaCounters = MFACounters(factory: metrics)
    }

    /// The account; created with its root access key on first start.
    public struct Bootstrap: Sendable {
        public let account: AccountRecord
        /// Set when the root key was created (or pinned) by this call: the only time its secret is shown.
        public let newRootCredentials: AWSCredentials?
    }

    /// Creates the account and its root access key if the store has none; adds a pinned root key if given and missing.
    public func bootstrap(accountId: String?, pinnedRootKey: AWSCredentials?) async throws -> Bootstrap {
        let now = clock()
        if let accountId, !(accountId.count == 12 && AWSPattern.digits.matches(accountId)) {
            throw IdentityConfigurationError("the account id must be 12 digits, got '\(accountId)'")
        }
        if let pinned = pinnedRootKey {
            guard pinned.accessKeyId.hasPrefix("AKIA"), pinned.accessKeyId.count >= 16, pinned.accessKeyId.count <= 128,
                pinned.accessKeyId.allSatisfy({ $0.isASCIIUpperAlphanumeric })
            else {
                throw IdentityConfigurationError(
                    "VEGAS_ROOT_ACCESS_KEY_ID must look like AKIA… (16–128 upper-case letters/digits)")
            }
            guard pinned.secretAccessKey.utf8.count >= 16 else {
                throw IdentityConfigurationError("VEGAS_ROOT_SECRET_ACCESS_KEY must be at least 16 characters")
            }
        }
        let secrets = self.secrets
        let result = try await store.write { tx -> Bootstrap in
            var newCredentials: AWSCredentials?
            let account: AccountRecord
            if let existing = try await tx.account() {
                if let accountId, accountId != existing.accountId {
                    throw IdentityConfigurationError(
                        "VEGAS_ACCOUNT_ID is \(accountId) but the data directory holds account \(existing.accountId)")
                }
                account = existing
            } else {
                account = AccountRecord(accountId: accountId ?? Identifiers.accountId(), createDate: now)
                try await tx.save(account)
            }
            if let pinned = pinnedRootKey {
                if let key = try await tx.accessKey(id: pinned.accessKeyId) {
                    guard key.userName == nil,
                        (try? secrets.open(key.secretCiphertext, context: Self.accessKeyContext(pinned.accessKeyId)))
                            == Array(pinned.secretAccessKey.utf8)
                    else {
                        throw IdentityConfigurationError("the pinned root access key differs from the stored one")
                    }
                } else {
                    try await tx.save(Self.accessKey(pinned, userName: nil, secrets: secrets, now: now))
                    newCredentials = pinned
                }
            } else if try await tx.accessKeys(userName: nil).isEmpty {
                let credentials = AWSCredentials(
                    accessKeyId: Identifiers.make(prefix: "AKIA", length: 16),
                    secretAccessKey: Identifiers.secretAccessKey(), sessionToken: nil)
                try await tx.save(Self.accessKey(credentials, userName: nil, secrets: secrets, now: now))
                newCredentials = credentials
            }
            _ = try await tx.deleteSessions(expiredBefore: now)
            return Bootstrap(account: account, newRootCredentials: newCredentials)
        }
        return result
    }

    /// Loads the account; the store must have been bootstrapped.
    func account(_ tx: any StoreTransaction) async throws -> AccountRecord {
        guard let account = try await tx.account() else {
            throw IdentityConfigurationError("the store holds no account")
        }
        return account
    }

    static func accessKey(
        _ credentials: AWSCredentials, userName: String?, secrets: SecretBox, now: Date
    ) -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyId: credentials.accessKeyId, userName: userName,
            secretCiphertext: secrets.seal(
                Array(credentials.secretAccessKey.utf8), context: accessKeyContext(credentials.accessKeyId)),
            isActive: true, createDate: now)
    }

    static func accessKeyContext(_ id: String) -> String { "access-key:\(id)" }
    static func sessionContext(_ id: String) -> String { "session:\(id)" }
    static func seedContext(_ serial: String) -> String { "mfa-seed:\(serial)" }
}

/// MFA verification outcomes, counted for `/metrics`.
struct MFACounters: Sendable {
    let ok: Counter
    let failed: Counter
    let replayed: Counter
    let locked: Counter

    init(factory: any MetricsFactory) {
        func counter(_ result: String) -> Counter {
            Counter(label: "vegas_mfa_verifications_total", dimensions: [("result", result)], factory: factory)
        }
        ok = counter("ok")
        failed = counter("failed")
        replayed = counter("replayed")
        locked = counter("locked")
    }
}

extension Character {
    var isASCIIUpperAlphanumeric: Bool { isASCII && (isUppercase || isNumber) }
}

/// What one sweep of expired rows removed.
public struct SweepResult: Sendable, Equatable {
    public var sessions: Int
    public var consoleSessions: Int
    public var signinTokens: Int

    public init(sessions: Int = 0, consoleSessions: Int = 0, signinTokens: Int = 0) {
        self.sessions = sessions
        self.consoleSessions = consoleSessions
        self.signinTokens = signinTokens
    }
}

extension IdentityService {
    /// Removes the rows that expired before now: STS sessions, console sessions and federation sign-in tokens. Any
    /// instance may run it at any time; the rows are refused once expired whether swept or not.
    public func sweepExpired() async throws -> SweepResult {
        let now = clock()
        return try await store.write { tx in
            SweepResult(
                sessions: try await tx.deleteSessions(expiredBefore: now),
                consoleSessions: try await tx.deleteConsoleSessions(expiredBefore: now),
                signinTokens: try await tx.deleteSigninTokens(expiredBefore: now))
        }
    }
}
