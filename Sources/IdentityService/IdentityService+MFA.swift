import AWSProtocol
import OTP
import QRCode

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A virtual MFA device just created: the only time its seed and QR code leave the server.
public struct NewVirtualMFADevice: Sendable {
    public let record: MFADeviceRecord
    public let base32Seed: String
    public let otpauthURI: String
    public let qrCodePNG: [UInt8]
    public let tags: [TagRecord]
}

/// A virtual device offered in the console and not stored yet: its seed lives in the browser's server-side session.
public struct VirtualMFADeviceOffer: Sendable, Codable {
    public let name: String
    public let serialNumber: String
    let seed: [UInt8]
    public let base32Seed: String
    public let otpauthURI: String
    public let qrCodePNG: [UInt8]
}

/// Which virtual devices ListVirtualMFADevices returns.
public enum AssignmentStatus: String, Sendable {
    case assigned = "Assigned"
    case unassigned = "Unassigned"
    case any = "Any"
}

// The virtual MFA device lifecycle (codes are checked in +Verification).
extension IdentityService {
    /// Seeds are 40 random bytes, as AWS's (64 base32 characters).
    static let seedByteCount = 40

    public func createVirtualMFADevice(
        _ caller: Principal, name: String, path: String, tags: [TagRecord]
    ) async throws
        -> NewVirtualMFADevice
    {
        let provisionalSerial = "arn:aws:iam::\(caller.accountId):mfa\(path)\(name)"
        try authorizeIAM(caller, action: "CreateVirtualMFADevice", targetUserKey: nil, resource: provisionalSerial)
        try Self.checkTags(tags)
        let seed = Identifiers.randomBytes(Self.seedByteCount)
        let now = clock()
        let secrets = self.secrets
        let (record, account) = try await store.write { tx in
            let account = try await self.account(tx)
            if try await tx.mfaDevice(serialNumber: provisionalSerial) != nil {
                throw AWSError.entityAlreadyExists("MFADevice entity at the same path and name already exists.")
            }
            let record = MFADeviceRecord(
                serialNumber: provisionalSerial, kind: .virtual, name: name, path: path,
                seedCiphertext: secrets.seal(seed, context: Self.seedContext(provisionalSerial)), createDate: now)
            try await tx.save(record)
            try await tx.setTags(tags, serialNumber: provisionalSerial)
            return (record, account)
        }
        let provisioning = try provisioning(name: name, seed: seed, account: account)
        logger.info("virtual MFA device created", metadata: ["serial": "\(record.serialNumber)"])
        return NewVirtualMFADevice(
            record: record, base32Seed: provisioning.base32Seed, otpauthURI: provisioning.otpauthURI,
            qrCodePNG: provisioning.qrCodePNG, tags: tags)
    }

    /// What an authenticator app is given: the seed in base32, the otpauth URI and its QR code.
    private func provisioning(
        name: String, seed: [UInt8], account: AccountRecord
    ) throws
        -> (base32Seed: String, otpauthURI: String, qrCodePNG: [UInt8])
    {
        let uri = OTPAuthURI(
            issuer: configuration.totpIssuer, accountName: "\(name)@\(account.alias ?? account.accountId)", secret: seed
        ).uriString
        let qr = try QRCode(text: uri, errorCorrection: .medium)
        return (Base32.encode(seed), uri, qr.png(scale: 6, border: 4))
    }

    /// A virtual device offered to the caller (the console's "Assign MFA device"): nothing is stored until the user
    /// proves with two codes that the app holds the seed (`assignOfferedVirtualMFADevice`), so an abandoned set-up
    /// leaves nothing behind. Fails early if the name is taken.
    public func offerVirtualMFADevice(_ caller: Principal, name: String) async throws -> VirtualMFADeviceOffer {
        let serial = "arn:aws:iam::\(caller.accountId):mfa/\(name)"
        try authorizeIAM(caller, action: "CreateVirtualMFADevice", targetUserKey: nil, resource: serial)
        try Self.checkDeviceName(name)
        let account = try await store.read { tx -> AccountRecord in
            if try await tx.mfaDevice(serialNumber: serial) != nil {
                throw AWSError.entityAlreadyExists("MFADevice entity at the same path and name already exists.")
            }
            return try await self.account(tx)
        }
        let seed = Identifiers.randomBytes(Self.seedByteCount)
        let provisioning = try provisioning(name: name, seed: seed, account: account)
        return VirtualMFADeviceOffer(
            name: name, serialNumber: serial, seed: seed, base32Seed: provisioning.base32Seed,
            otpauthURI: provisioning.otpauthURI, qrCodePNG: provisioning.qrCodePNG)
    }

    /// Creates and assigns an offered virtual device to the caller in one transaction, after two consecutive codes.
    public func assignOfferedVirtualMFADevice(
        _ caller: Principal, _ offer: VirtualMFADeviceOffer, code1: String, code2: String
    ) async throws -> MFADeviceRecord {
        guard let key = caller.userKey else { throw AWSError.accessDenied("Only users can add MFA devices.") }
        try authorizeIAM(
            caller, action: "EnableMFADevice", targetUserKey: key, resource: userARN(caller.accountId, caller.userName))
        return try await storeAssigned(
            MFADeviceRecord(
                serialNumber: offer.serialNumber, kind: .virtual, name: offer.name, path: "/",
                seedCiphertext: secrets.seal(offer.seed, context: Self.seedContext(offer.serialNumber)),
                createDate: clock()),
            toUserKey: key, userName: caller.userName, code1: code1, code2: code2,
            alreadyExists: "MFADevice entity at the same path and name already exists.")
    }

    /// Checks two consecutive codes of a new device, then saves it assigned to the user — unless its serial is taken or
    /// the user has reached the device limit.
    private func storeAssigned(
        _ device: MFADeviceRecord, toUserKey key: String, userName: String?, code1: String, code2: String,
        alreadyExists: String
    ) async throws -> MFADeviceRecord {
        let now = device.createDate
        guard let match = try consecutiveMatch(device, code1: code1, code2: code2, now: now) else {
            throw AWSError.invalidAuthenticationCode()
        }
        var device = device
        device.assign(toUserKey: key, userName: userName, at: now, learning: match)
        let record = device
        try await store.write { tx in
            if try await tx.mfaDevice(serialNumber: record.serialNumber) != nil {
                throw AWSError.entityAlreadyExists(alreadyExists)
            }
            try await self.checkRoomForDevice(tx, userKey: key)
            try await tx.save(record)
            try await tx.bumpRevision()
        }
        dropCaches()
        logger.info("MFA device assigned", metadata: ["serial": "\(record.serialNumber)", "kind": "\(record.kind)"])
        return record
    }

    /// Assigns a virtual device to a user after checking two consecutive codes (AWS's EnableMFADevice). A nil
    /// `userName` is the caller itself (the console's way, which also serves the root user).
    public func enableMFADevice(
        _ caller: Principal, userName: String?, serialNumber: String, code1: String, code2: String
    )
        async throws
    {
        let key = targetUserKey(caller, userName: userName)
        try authorizeIAM(
            caller, action: "EnableMFADevice", targetUserKey: key,
            resource: userARN(caller.accountId, userName ?? caller.userName))
        guard let key else { throw AWSError.validation("Must specify userName when calling with non-User credentials") }
        let now = clock()
        try await store.write { tx in
            let owner = try await self.ownerName(tx, caller, userName: userName)
            guard var device = try await tx.mfaDevice(serialNumber: serialNumber), device.kind == .virtual else {
                throw AWSError.noSuchEntity("MFA Device with serial number \(serialNumber) does not exist.")
            }
            guard device.userKey == nil else { throw AWSError.entityAlreadyExists("MFA Device is already in use.") }
            try await self.checkRoomForDevice(tx, userKey: key)
            guard let match = try self.consecutiveMatch(device, code1: code1, code2: code2, now: now) else {
                throw AWSError.invalidAuthenticationCode()
            }
            device.assign(toUserKey: key, userName: owner, at: now, learning: match)
            try await tx.save(device)
            try await tx.bumpRevision()
        }
        dropCaches()
        logger.info("MFA device enabled", metadata: ["serial": "\(serialNumber)", "user": "\(key)"])
    }

    /// Assigns a hardware TOTP token to the caller (a user or the root) after two consecutive codes. The token's seed
    /// comes from its vendor's seed file (SHA-1, 6 digits, 30 seconds); the serial is the one printed on the token.
    public func enableHardwareMFADevice(
        _ caller: Principal, serialNumber: String, name: String, seed: [UInt8], code1: String, code2: String
    ) async throws -> MFADeviceRecord {
        guard let key = caller.userKey else { throw AWSError.accessDenied("Only users can add MFA devices.") }
        try authorizeIAM(
            caller, action: "EnableMFADevice", targetUserKey: key, resource: userARN(caller.accountId, caller.userName))
        guard (9...256).contains(serialNumber.count), AWSPattern.serialNumber.matches(serialNumber),
            !serialNumber.hasPrefix("arn:")
        else {
            throw AWSError.validation("The token's serial number must be 9 to 256 letters, digits or + = / : , . @ -")
        }
        try Self.checkDeviceName(name)
        guard (10...64).contains(seed.count) else {
            throw AWSError.validation("The token's secret key must be 10 to 64 bytes (16 to 103 base32 characters)")
        }
        return try await storeAssigned(
            MFADeviceRecord(
                serialNumber: serialNumber, kind: .hardware, name: name, path: "/",
                seedCiphertext: secrets.seal(seed, context: Self.seedContext(serialNumber)), createDate: clock()),
            toUserKey: key, userName: caller.userName, code1: code1, code2: code2,
            alreadyExists: "MFA Device is already in use.")
    }

    /// Re-learns a device's clock drift from two consecutive codes; clears a lock-out.
    public func resyncMFADevice(
        _ caller: Principal, userName: String, serialNumber: String, code1: String, code2: String
    )
        async throws
    {
        let key = userName.lowercased()
        try authorizeIAM(
            caller, action: "ResyncMFADevice", targetUserKey: key, resource: userARN(caller.accountId, userName))
        let now = clock()
        try await store.write { tx in
            _ = try await self.existingUser(tx, key, userName)
            guard var device = try await tx.mfaDevice(serialNumber: serialNumber), device.userKey == key else {
                throw AWSError.noSuchEntity("MFA Device with serial number \(serialNumber) does not exist.")
            }
            guard device.kind != .securityKey,
                let match = try self.consecutiveMatch(device, code1: code1, code2: code2, now: now),
                match.firstStep > (device.lastUsedStep ?? .min)
            else { throw AWSError.invalidAuthenticationCode() }
            device.driftSteps = match.drift
            device.lastUsedStep = match.secondStep
            device.lockout.reset()
            try await tx.saveVerificationState(of: device)
        }
    }

    private func consecutiveMatch(
        _ device: MFADeviceRecord, code1: String, code2: String, now: Date
    ) throws
        -> ConsecutiveMatch?
    {
        let totp = try totp(for: device)
        return TOTPVerifier(totp: totp).matchConsecutive(
            code1: code1, code2: code2, currentStep: totp.step(at: Int64(now.timeIntervalSince1970)),
            window: configuration.consecutiveCodeWindow)
    }

    func totp(for device: MFADeviceRecord) throws -> TOTP {
        guard let sealed = device.seedCiphertext else { throw AWSError.invalidAuthenticationCode() }
        return try totpGenerators.generator(serialNumber: device.serialNumber, sealedSeed: sealed, now: clock()) {
            try TOTP(secret: secrets.open(sealed, context: Self.seedContext(device.serialNumber)))
        }
    }

    /// Un-assigns a device from a user (any kind); security keys and hardware devices are removed outright.
    public func deactivateMFADevice(_ caller: Principal, userName: String?, serialNumber: String) async throws {
        let key = targetUserKey(caller, userName: userName)
        try authorizeIAM(
            caller, action: "DeactivateMFADevice", targetUserKey: key,
            resource: userARN(caller.accountId, userName ?? caller.userName))
        try await store.write { tx in
            if let userName { _ = try await self.existingUser(tx, userName.lowercased(), userName) }
            guard var device = try await tx.mfaDevice(serialNumber: serialNumber), device.userKey != nil,
                device.userKey == key
            else {
                throw AWSError.noSuchEntity("MFA Device with serial number \(serialNumber) does not exist.")
            }
            if device.kind == .virtual {
                device.userKey = nil
                device.userName = nil
                device.enableDate = nil
                device.lastUsedStep = nil
                device.driftSteps = 0
                device.lockout.reset()
                try await tx.save(device)
            } else {
                try await tx.deleteMFADevice(serialNumber: serialNumber)
            }
            try await tx.bumpRevision()
        }
        dropCaches()
        logger.info("MFA device deactivated", metadata: ["serial": "\(serialNumber)"])
    }

    public func deleteVirtualMFADevice(_ caller: Principal, serialNumber: String) async throws {
        try authorizeIAM(caller, action: "DeleteVirtualMFADevice", targetUserKey: nil, resource: serialNumber)
        try await store.write { tx in
            guard let device = try await tx.mfaDevice(serialNumber: serialNumber), device.kind == .virtual else {
                throw AWSError.noSuchEntity("VirtualMFADevice with serial number \(serialNumber) doesn't exist.")
            }
            guard device.userKey == nil else {
                throw AWSError.deleteConflict("MFA VirtualDevice in use. Must deactivate first.")
            }
            try await tx.deleteMFADevice(serialNumber: serialNumber)
        }
    }

    /// The devices in use by a user (or the caller), oldest first.
    public func listMFADevices(_ caller: Principal, userName: String?) async throws -> [MFADeviceRecord] {
        let key = targetUserKey(caller, userName: userName)
        try authorizeIAM(
            caller, action: "ListMFADevices", targetUserKey: key,
            resource: userARN(caller.accountId, userName ?? caller.userName))
        guard let key else {
            throw AWSError.validation("Must specify userName when calling with non-User credentials")
        }
        let now = clock()
        if let cached = assignedDevices.lookup(key, now: now) { return cached }
        let generation = assignedDevices.generation
        let devices = try await store.read { tx in
            if let userName { _ = try await self.existingUser(tx, userName.lowercased(), userName) }
            return try await tx.mfaDevices(userKey: key)
        }
        assignedDevices.store(devices, for: key, now: now, generation: generation)
        return devices
    }

    /// Virtual devices of the account with their users, by serial number. Never includes seeds.
    public func listVirtualMFADevices(
        _ caller: Principal, status: AssignmentStatus
    ) async throws
        -> [(device: MFADeviceRecord, user: UserRecord?)]
    {
        try authorizeIAM(caller, action: "ListVirtualMFADevices", targetUserKey: nil, resource: "*")
        return try await store.read { tx in
            var listed: [(device: MFADeviceRecord, user: UserRecord?)] = []
            for device in try await tx.virtualMFADevices() {
                switch (status, device.userKey) {
                case (.assigned, nil), (.unassigned, .some): continue
                case (_, let key?) where key != Principal.rootUserKey:
                    listed.append((device, try await tx.user(nameKey: key)))
                default:
                    listed.append((device, nil))
                }
            }
            return listed
        }
    }

    /// A security key's description (GetMFADevice accepts only FIDO security key serials).
    public func getMFADevice(
        _ caller: Principal, serialNumber: String, userName: String?
    ) async throws -> MFADeviceRecord {
        let key = targetUserKey(caller, userName: userName)
        try authorizeIAM(caller, action: "GetMFADevice", targetUserKey: key, resource: serialNumber)
        return try await store.read { tx in
            guard let device = try await tx.mfaDevice(serialNumber: serialNumber), device.kind == .securityKey,
                caller.isRoot && userName == nil || device.userKey == key
            else {
                throw AWSError.noSuchEntity("MFA Device with serial number \(serialNumber) does not exist.")
            }
            return device
        }
    }

    // MARK: Tags

    public func tagMFADevice(_ caller: Principal, serialNumber: String, tags: [TagRecord]) async throws {
        try Self.checkTags(tags)
        try await changeTags(caller, action: "TagMFADevice", serialNumber: serialNumber) { existing in
            var merged = existing.filter { old in !tags.contains { $0.key == old.key } }
            merged.append(contentsOf: tags)
            guard merged.count <= 50 else {
                throw AWSError.limitExceeded("The number of tags has reached the maximum limit.")
            }
            return merged
        }
    }

    public func untagMFADevice(_ caller: Principal, serialNumber: String, tagKeys: [String]) async throws {
        try await changeTags(caller, action: "UntagMFADevice", serialNumber: serialNumber) { existing in
            existing.filter { !tagKeys.contains($0.key) }
        }
    }

    public func listMFADeviceTags(_ caller: Principal, serialNumber: String) async throws -> [TagRecord] {
        try await store.read { tx in
            let device = try await self.taggableDevice(
                tx, caller, action: "ListMFADeviceTags", serialNumber: serialNumber)
            return try await tx.tags(serialNumber: device.serialNumber).sorted { $0.key < $1.key }
        }
    }

    private func changeTags(
        _ caller: Principal, action: String, serialNumber: String,
        _ change: @escaping @Sendable ([TagRecord]) throws -> [TagRecord]
    ) async throws {
        try await store.write { tx in
            let device = try await self.taggableDevice(tx, caller, action: action, serialNumber: serialNumber)
            try await tx.setTags(
                change(try await tx.tags(serialNumber: device.serialNumber)), serialNumber: device.serialNumber)
        }
    }

    /// A virtual device the caller may tag: root any, a user its own or an unassigned one.
    private func taggableDevice(
        _ tx: any StoreTransaction, _ caller: Principal, action: String, serialNumber: String
    ) async throws
        -> MFADeviceRecord
    {
        guard let device = try await tx.mfaDevice(serialNumber: serialNumber), device.kind == .virtual else {
            throw AWSError.noSuchEntity("VirtualMFADevice with serial number \(serialNumber) doesn't exist.")
        }
        try authorizeIAM(caller, action: action, targetUserKey: device.userKey, resource: serialNumber)
        return device
    }

    /// Refuses a new device for a user who already has the most (AWS: 8, of any kind).
    func checkRoomForDevice(_ tx: any StoreTransaction, userKey: String) async throws {
        let limit = configuration.maxMFADevicesPerUser
        if try await tx.mfaDevices(userKey: userKey).count >= limit {
            throw AWSError.limitExceeded("Cannot exceed quota for MFADevicesPerUser: \(limit).")
        }
    }

    /// A device name as the console takes it: AWS's virtual device name pattern, 1 to 64 characters.
    static func checkDeviceName(_ name: String) throws {
        guard (1...64).contains(name.count), AWSPattern.virtualMFADeviceName.matches(name) else {
            throw AWSError.validation("The device name must be 1 to 64 letters, digits or the characters + = , . @ - _")
        }
    }

    static func checkTags(_ tags: [TagRecord]) throws {
        guard tags.count <= 50 else {
            throw AWSError.limitExceeded("The number of tags has reached the maximum limit.")
        }
        var seen = Set<String>()
        for tag in tags where !seen.insert(tag.key).inserted {
            throw AWSError.invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
    }

}

extension MFADeviceRecord {
    /// Whether repeated failures keep the device locked at `now`.
    func isLocked(at now: Date) -> Bool { lockout.isLocked(at: now) }

    /// Assigns the device to a user from `now`, with a clean failure record and, for a TOTP device, the drift and last
    /// step learned from the two codes that enabled it.
    mutating func assign(toUserKey key: String, userName: String?, at now: Date, learning match: ConsecutiveMatch?) {
        userKey = key
        self.userName = userName
        enableDate = now
        if let match {
            driftSteps = match.drift
            lastUsedStep = match.secondStep
        }
        lockout.reset()
    }
}
