import Foundation
import IdentityService
import PostgresNIO

// MFA devices, security keys and device tags.
extension PostgresTransaction {
    // MARK: MFA devices and security keys

    static let deviceColumns = """
        serialNumber, kind, name, path, seedCiphertext, createDate, userKey, userName, enableDate, driftSteps, \
        lastUsedStep, failedAttempts, lockouts, lockedUntil
        """
    static func device(_ row: PostgresRow) throws -> MFADeviceRecord {
        let (
            serial, kindName, name, path, seed, created, userKey, userName, enabled, drift, lastStep, failures,
            lockouts, lockedUntil
        ) = try row.decode(
            (String, String, String, String, Data?, Date, String?, String?, Date?, Int64, Int64?, Int, Int, Date?)
                .self)
        guard let kind = MFADeviceKind(rawValue: kindName) else {
            throw IdentityConfigurationError("the stored MFA device kind '\(kindName)' is unknown")
        }
        var device = MFADeviceRecord(
            serialNumber: serial, kind: kind, name: name, path: path, seedCiphertext: seed, createDate: created)
        device.userKey = userKey
        device.userName = userName
        device.enableDate = enabled
        device.driftSteps = drift
        device.lastUsedStep = lastStep
        device.failedAttempts = failures
        device.lockouts = lockouts
        device.lockedUntil = lockedUntil
        return device
    }
    func mfaDevice(serialNumber: String) async throws -> MFADeviceRecord? {
        try await mfaDevice(serialNumber: serialNumber, forUpdate: false)
    }
    /// The device; with `forUpdate`, its row stays locked until the transaction ends.
    func mfaDevice(serialNumber: String, forUpdate: Bool) async throws -> MFADeviceRecord? {
        try await rows(
            """
            SELECT \(unescaped: Self.deviceColumns) FROM mfa_device WHERE serialNumber = \(serialNumber) \
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, Self.device
        ).first
    }
    func mfaDevices(userKey: String) async throws -> [MFADeviceRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.deviceColumns) FROM mfa_device WHERE userKey = \(userKey)
            ORDER BY enableDate NULLS FIRST, serialNumber
            """, Self.device)
    }
    func virtualMFADevices() async throws -> [MFADeviceRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.deviceColumns) FROM mfa_device WHERE kind = \(MFADeviceKind.virtual.rawValue)
            ORDER BY serialNumber
            """, Self.device)
    }
    func save(_ device: MFADeviceRecord) async throws {
        try change(
            """
            INSERT INTO mfa_device (\(unescaped: Self.deviceColumns)) VALUES (\(device.serialNumber), \
            \(device.kind.rawValue), \(device.name), \(device.path), \(device.seedCiphertext), \(device.createDate), \
            \(device.userKey), \(device.userName), \(device.enableDate), \(device.driftSteps), \(device.lastUsedStep), \
            \(device.failedAttempts), \(device.lockouts), \(device.lockedUntil))
            ON CONFLICT (serialNumber) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, path = EXCLUDED.path,
            seedCiphertext = EXCLUDED.seedCiphertext, createDate = EXCLUDED.createDate, userKey = EXCLUDED.userKey,
            userName = EXCLUDED.userName, enableDate = EXCLUDED.enableDate, driftSteps = EXCLUDED.driftSteps,
            lastUsedStep = EXCLUDED.lastUsedStep, failedAttempts = EXCLUDED.failedAttempts,
            lockouts = EXCLUDED.lockouts, lockedUntil = EXCLUDED.lockedUntil
            """)
    }
    func saveVerificationState(of device: MFADeviceRecord) async throws {
        try change(
            """
            UPDATE mfa_device SET driftSteps = \(device.driftSteps), lastUsedStep = \(device.lastUsedStep), \
            failedAttempts = \(device.failedAttempts), lockouts = \(device.lockouts), \
            lockedUntil = \(device.lockedUntil) WHERE serialNumber = \(device.serialNumber)
            """)
    }
    func deleteMFADevice(serialNumber: String) async throws {
        try change("DELETE FROM mfa_device WHERE serialNumber = \(serialNumber)")
    }

    static let securityKeyColumns = """
        serialNumber, credentialId, publicKey, signCount, backupEligible, transports, attestationFormat, aaguid, \
        cloneSuspectedAt, lastUsedDate, legacyU2F
        """
    static func securityKey(_ row: PostgresRow) throws -> SecurityKeyRecord {
        let (serial, credential, publicKey, count, backup, transports, format, aaguid, cloned, used, legacy) =
            try row.decode((String, Data, Data, Int64, Bool, String, String, Data, Date?, Date?, Bool).self)
        var key = SecurityKeyRecord(
            serialNumber: serial, credentialId: credential, publicKey: publicKey, signCount: count,
            backupEligible: backup, transports: [], attestationFormat: format, aaguid: aaguid, legacyU2F: legacy)
        key.transports = transports
        key.cloneSuspectedAt = cloned
        key.lastUsedDate = used
        return key
    }
    func securityKey(serialNumber: String) async throws -> SecurityKeyRecord? {
        try await rows(
            "SELECT \(unescaped: Self.securityKeyColumns) FROM security_key WHERE serialNumber = \(serialNumber)",
            Self.securityKey
        ).first
    }
    func securityKey(credentialId: Data) async throws -> SecurityKeyRecord? {
        try await rows(
            "SELECT \(unescaped: Self.securityKeyColumns) FROM security_key WHERE credentialId = \(credentialId)",
            Self.securityKey
        ).first
    }
    func save(_ key: SecurityKeyRecord) async throws {
        try change(
            """
            INSERT INTO security_key (\(unescaped: Self.securityKeyColumns)) VALUES (\(key.serialNumber), \
            \(key.credentialId), \(key.publicKey), \(key.signCount), \(key.backupEligible), \(key.transports), \
            \(key.attestationFormat), \(key.aaguid), \(key.cloneSuspectedAt), \(key.lastUsedDate), \(key.legacyU2F))
            ON CONFLICT (serialNumber) DO UPDATE SET credentialId = EXCLUDED.credentialId,
            publicKey = EXCLUDED.publicKey, signCount = EXCLUDED.signCount, backupEligible = EXCLUDED.backupEligible,
            transports = EXCLUDED.transports, attestationFormat = EXCLUDED.attestationFormat, aaguid = EXCLUDED.aaguid,
            cloneSuspectedAt = EXCLUDED.cloneSuspectedAt, lastUsedDate = EXCLUDED.lastUsedDate,
            legacyU2F = EXCLUDED.legacyU2F
            """)
    }
    func tags(serialNumber: String) async throws -> [TagRecord] {
        try await rows("SELECT key, value FROM mfa_device_tag WHERE serialNumber = \(serialNumber) ORDER BY key") {
            row in
            let (key, value) = try row.decode((String, String).self)
            return TagRecord(key: key, value: value)
        }
    }
    func setTags(_ tags: [TagRecord], serialNumber: String) async throws {
        try change("DELETE FROM mfa_device_tag WHERE serialNumber = \(serialNumber)")
        for tag in tags {
            try change(
                """
                INSERT INTO mfa_device_tag (serialNumber, key, value) VALUES (\(serialNumber), \(tag.key), \
                \(tag.value))
                """)
        }
    }
}
