import AWSProtocol
import WebAuthn

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A WebAuthn credential the console has verified at registration, as the service stores it.
public struct NewSecurityKey: Sendable {
    public var credentialId: [UInt8]
    public var publicKey: [UInt8]
    public var signCount: UInt32
    public var backupEligible: Bool
    public var transports: [String]
    public var attestationFormat: String
    public var aaguid: [UInt8]
    /// A registration made with the U2F API, imported; it signs in through the AppID extension.
    public var legacyU2F: Bool

    public init(
        credentialId: [UInt8], publicKey: [UInt8], signCount: UInt32, backupEligible: Bool, transports: [String],
        attestationFormat: String, aaguid: [UInt8], legacyU2F: Bool = false
    ) {
        self.legacyU2F = legacyU2F
        self.credentialId = credentialId
        self.publicKey = publicKey
        self.signCount = signCount
        self.backupEligible = backupEligible
        self.transports = transports
        self.attestationFormat = attestationFormat
        self.aaguid = aaguid
    }
}

/// What the relying party concluded about one assertion from a stored security key.
enum SecurityKeyVerdict: Sendable, Equatable {
    case valid(signCount: UInt32)
    /// Signature valid but the counter did not increase: a sign of a cloned key.
    case counterRegressed
    case invalid
}

/// A user's security key: the MFA device and its credential.
public struct SecurityKey: Sendable {
    public let device: MFADeviceRecord
    public let credential: SecurityKeyRecord
}

extension AWSError {
    static let securityKeyAlreadyRegistered = AWSError.entityAlreadyExists("This security key is already registered.")
}

// Security keys (FIDO/WebAuthn): registered in the console only, listed and removed like any MFA device through IAM.
extension IdentityService {
    /// Registers a verified WebAuthn credential as a security-key MFA device of the principal (a user or the root).
    /// The serial is AWS's shape, `arn:aws:iam::<account>:u2f/user/<user>/<name>-<random>`.
    public func registerSecurityKey(
        _ principal: Principal, name: String, key: NewSecurityKey
    ) async throws
        -> MFADeviceRecord
    {
        guard let userKey = principal.userKey else { throw AWSError.accessDenied("Only users can add MFA devices.") }
        try Self.checkDeviceName(name)
        let owner = principal.userName.map { "user/\($0)" } ?? "root-account-mfa-device"
        let serial =
            "arn:aws:iam::\(principal.accountId):u2f/\(owner)/\(name.lowercased())-\(Identifiers.make(prefix: "", length: 26))"
        let now = clock()
        let record = try await store.write { tx -> MFADeviceRecord in
            try await self.checkRoomForDevice(tx, userKey: userKey)
            if try await tx.securityKey(credentialId: Data(key.credentialId)) != nil {
                throw AWSError.securityKeyAlreadyRegistered
            }
            var device = MFADeviceRecord(
                serialNumber: serial, kind: .securityKey, name: name, path: "/", seedCiphertext: nil, createDate: now)
            device.assign(toUserKey: userKey, userName: principal.userName, at: now, learning: nil)
            try await tx.save(device)
            try await tx.save(
                SecurityKeyRecord(
                    serialNumber: serial, credentialId: Data(key.credentialId), publicKey: Data(key.publicKey),
                    signCount: Int64(key.signCount), backupEligible: key.backupEligible, transports: key.transports,
                    attestationFormat: key.attestationFormat, aaguid: Data(key.aaguid), legacyU2F: key.legacyU2F))
            try await tx.bumpRevision()
            return device
        }
        dropCaches()
        logger.info(
            "security key registered",
            metadata: ["serial": "\(serial)", "format": "\(key.attestationFormat)"])
        return record
    }

    /// The principal of an IAM user (or the root, for nil) of this account, for operator tasks such as importing keys.
    public func principal(userName: String?) async throws -> Principal {
        try await store.read { tx in
            let account = try await self.account(tx)
            guard let userName else { return Principal(accountId: account.accountId, kind: .root, session: nil) }
            let user = try await self.existingUser(tx, userName.lowercased(), userName)
            return Principal(accountId: account.accountId, kind: .user(user), session: nil)
        }
    }

    /// The principal's MFA devices with, for security keys, their credentials; oldest first.
    public func consoleMFADevices(_ principal: Principal) async throws -> [(MFADeviceRecord, SecurityKeyRecord?)] {
        guard let userKey = principal.userKey else { return [] }
        return try await store.read { tx in
            var devices: [(MFADeviceRecord, SecurityKeyRecord?)] = []
            for device in try await tx.mfaDevices(userKey: userKey) {
                devices.append(
                    (
                        device,
                        device.kind == .securityKey ? try await tx.securityKey(serialNumber: device.serialNumber) : nil
                    ))
            }
            return devices
        }
    }

    /// Checks a browser's assertion (`responseJSON`, AuthenticationResponseJSON) from one of the principal's security
    /// keys against the ceremony that issued its challenge, inside a write transaction, so the counter moves
    /// atomically with other sign-ins. A regressed counter flags the key as possibly cloned and refuses it from then
    /// on; failures count towards the device's lock-out like wrong TOTP codes. Throws AWS's invalid-code error on any
    /// refusal.
    public func authenticateWithSecurityKey(
        _ principal: Principal, ceremony: AuthenticationCeremony, responseJSON: [UInt8]
    ) async throws {
        guard let userKey = principal.userKey else { throw AWSError.invalidOneTimePassCode }
        let credentialId: [UInt8]
        do {
            credentialId = try AuthenticationCeremony.credentialId(ofResponseJSON: responseJSON)
        } catch {
            logger.info("security key assertion refused", metadata: ["reason": "\(error)"])
            throw AWSError.invalidOneTimePassCode
        }
        let userHandle = Array(principal.userId.utf8)
        let now = clock()
        let check = try await store.write { tx -> MFACheck in
            guard var credential = try await tx.securityKey(credentialId: Data(credentialId)),
                var device = try await tx.mfaDevice(serialNumber: credential.serialNumber), device.userKey == userKey
            else { return .unknownDevice }
            if device.isLocked(at: now) { return .locked }
            if credential.cloneSuspectedAt != nil { return .invalid }
            let check: MFACheck
            switch self.verdict(ceremony, responseJSON, credential: credential, userHandle: userHandle) {
            case .valid(let signCount):
                credential.signCount = Int64(signCount)
                credential.lastUsedDate = now
                try await tx.save(credential)
                device.lockout.reset()
                check = .accepted
            case .counterRegressed:
                credential.cloneSuspectedAt = now
                try await tx.save(credential)
                self.logger.warning(
                    "security key counter went backwards; key refused as possibly cloned",
                    metadata: ["serial": "\(device.serialNumber)"])
                check = .replayed
            case .invalid:
                check = .invalid
            }
            if check != .accepted { self.countFailure(&device, now: now) }
            try await tx.saveVerificationState(of: device)
            return check
        }
        try finish(check)
    }

    /// The relying party's check of one assertion against the stored credential.
    private func verdict(
        _ ceremony: AuthenticationCeremony, _ responseJSON: [UInt8], credential: SecurityKeyRecord,
        userHandle: [UInt8]
    ) -> SecurityKeyVerdict {
        do {
            let assertion = try ceremony.verify(
                responseJSON: responseJSON,
                credential: StoredCredential(
                    credentialId: Array(credential.credentialId), publicKey: Array(credential.publicKey),
                    signCount: UInt32(clamping: credential.signCount), backupEligible: credential.backupEligible,
                    transports: credential.transportList),
                userHandle: userHandle)
            return .valid(signCount: assertion.signCount)
        } catch .signCountRegressed {
            return .counterRegressed
        } catch {
            logger.info("security key assertion refused", metadata: ["reason": "\(error)"])
            return .invalid
        }
    }
}
