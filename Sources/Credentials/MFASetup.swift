import AWSClient
import AWSConfig
import AWSProtocol
import AtomicFile
import OTP
import QRCode
import Vault
import YubiKey

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `mfa setup` should do.
public struct MFASetupOptions: Sendable {
    public var profile: String
    public var deviceName: String?
    /// Put the seed on a YubiKey (with `serial`, or the only one plugged in), requiring touch unless `touch` is false.
    public var yubikey = false
    public var yubikeySerial: String?
    public var touch = true
    /// Put the seed in the built-in authenticator's vault.
    public var vault = false
    /// Show the QR code on the terminal / write it to a PNG, for a backup phone app, and wait for confirmation.
    public var showQR = false
    public var qrPNGPath: String?

    public init(profile: String) { self.profile = profile }
}

/// The outcome of a successful setup.
public struct MFASetupResult: Sendable {
    public let serialNumber: String
    public let base32Seed: String
    public let yubikeyLabel: String?
    public let vaultAccount: String?
}

/// The seed guides' ten manual steps in one: create a virtual MFA device, load its seed into the chosen authenticators,
/// optionally show the QR code for a backup phone app, enable the device with two consecutive codes, and record it in
/// the AWS config file. If a step fails after the device exists, everything done so far is undone, and said so.
public struct MFASetup: Sendable {
    let files: AWSFiles
    let client: AWSClient
    let messages: UserMessages
    let vault: VaultAccess
    let ykman: YkmanOATH
    let steps: MFAStepLog
    let clock: @Sendable () -> Date

    public init(
        files: AWSFiles, client: AWSClient, messages: UserMessages, vault: VaultAccess, ykman: YkmanOATH,
        steps: MFAStepLog, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.steps = steps
        self.files = files
        self.client = client
        self.messages = messages
        self.vault = vault
        self.ykman = ykman
        self.clock = clock
    }

    /// The issuer under which the seed is stored locally (`AWS:<device>@<account>`).
    public static let issuer = "AWS"

    public func run(_ options: MFASetupOptions) async throws -> MFASetupResult {
        guard options.yubikey || options.vault || options.showQR || options.qrPNGPath != nil else {
            throw MFASetupError("choose where the seed goes: --yubikey, --vault, --qr or --qr-png FILE")
        }
        if options.showQR && messages.terminal == nil {
            throw MFASetupError("--qr needs a terminal to show the code on and to confirm the scan")
        }
        let user = try await client.getUser()
        guard let userName = user.userName, !user.isRoot else {
            throw MFASetupError(
                "profile \(options.profile) uses the root user's keys; AWS lets the root user add MFA only in the console"
            )
        }
        var yubikeySerial = options.yubikeySerial
        if options.yubikey {
            // Fail before anything is created when no (or no unique) YubiKey is there.
            let serials = try await YkmanOATH(serial: nil, environment: ykman.environment).serials()
            if let wanted = yubikeySerial {
                guard serials.contains(wanted) else { throw YubiKeyError(.deviceNotFound(wanted)) }
            } else if serials.count == 1 {
                yubikeySerial = serials[0]
            } else if serials.isEmpty {
                throw YubiKeyError(.noDevice)
            } else {
                throw YubiKeyError(.severalDevices(serials))
            }
        }
        if options.vault {
            // Check (or choose) the passphrase before anything exists on the AWS side.
            if vault.file.exists { _ = try vault.read() } else { _ = try vault.passphrase() }
        }
        let deviceName = options.deviceName ?? userName

        let device = try await client.createVirtualMFADevice(name: deviceName)
        messages.say("Created virtual MFA device \(device.serialNumber).")
        let account = ARN(parsing: device.serialNumber)?.account ?? "aws"
        let label = "\(deviceName)@\(account)"
        let localName = "\(Self.issuer):\(label)"
        var undo: [(what: String, action: @Sendable () async throws -> Void)] = [
            (
                "deleted the virtual MFA device \(device.serialNumber)",
                {
                    try await client.deleteVirtualMFADevice(serialNumber: device.serialNumber)
                }
            )
        ]
        do {
            let secret = try Base32.decode(device.base32Seed)
            if options.yubikey {
                let key = YkmanOATH(executable: ykman.executable, serial: yubikeySerial, environment: ykman.environment)
                try await key.addAccount(
                    name: label, issuer: Self.issuer, secretBase32: device.base32Seed, touch: options.touch)
                messages.say(
                    "Stored the seed on YubiKey \(yubikeySerial ?? "")\(options.touch ? " (touch required)" : "").")
                undo.append(
                    ("removed \(localName) from the YubiKey", { try await key.deleteAccount(label: localName) }))
            }
            if options.vault {
                let uri = OTPAuthURI(issuer: Self.issuer, accountName: label, secret: secret)
                let now = clock()
                try vault.update { contents in
                    try contents.add(VaultAccount(name: localName, uri: uri, createDate: now))
                }
                messages.say("Stored the seed in the vault as \(localName).")
                let vault = self.vault
                undo.append(
                    (
                        "removed \(localName) from the vault",
                        {
                            _ = try vault.update { contents in try contents.remove(named: localName) }
                        }
                    ))
            }
            if options.showQR || options.qrPNGPath != nil {
                try showQRCode(device.qrCodePNG, seed: secret, label: label, options: options)
            }

            let totp = try TOTP(secret: secret)
            // The two codes just before the current one, so that the current code is still unused when setup ends.
            let step = totp.step(at: Int64(clock().timeIntervalSince1970))
            try await client.enableMFADevice(
                userName: userName, serialNumber: device.serialNumber, code1: totp.code(step: step - 2),
                code2: totp.code(step: step - 1))
            messages.say("Enabled it for \(userName) with two consecutive codes.")
            try? steps.record(step - 1, serialNumber: device.serialNumber)
            undo.insert(
                (
                    "deactivated the device",
                    {
                        try await client.deactivateMFADevice(userName: userName, serialNumber: device.serialNumber)
                    }
                ), at: 1)

            try files.editConfig(profile: options.profile) { document, section in
                try document.set("mfa_serial", device.serialNumber, in: section)
                if options.yubikey {
                    try document.set("vegas_yubikey_label", localName, in: section)
                    if let yubikeySerial { try document.set("vegas_yubikey_serial", yubikeySerial, in: section) }
                }
                if options.vault { try document.set("vegas_vault_account", localName, in: section) }
            }
            messages.say(
                "Recorded mfa_serial in \(files.configPath) [\(AWSProfiles.configSection(for: options.profile))].")
            return MFASetupResult(
                serialNumber: device.serialNumber, base32Seed: device.base32Seed,
                yubikeyLabel: options.yubikey ? localName : nil, vaultAccount: options.vault ? localName : nil)
        } catch {
            // Undo in a task of its own: when setup was interrupted (Ctrl-C cancels it), the undo must still run.
            let failure = Task.isCancelled ? MFASetupError("interrupted") : error
            let ordered = Array(undo.dropFirst().reversed()) + [undo[0]]
            let report = await Task { await Self.undo(ordered) }.value
            throw MFASetupError(
                "setup failed: \(failure); undone: \(report.undone.joined(separator: ", "))"
                    + (report.leftovers.isEmpty ? "" : "; " + report.leftovers.joined(separator: "; ")))
        }
    }

    /// Runs the undo steps in order, collecting what worked and what did not.
    private static func undo(
        _ steps: [(what: String, action: @Sendable () async throws -> Void)]
    ) async
        -> (undone: [String], leftovers: [String])
    {
        var undone: [String] = []
        var leftovers: [String] = []
        for step in steps {
            do {
                try await step.action()
                undone.append(step.what)
            } catch {
                leftovers.append("could not undo (\(step.what)): \(error)")
            }
        }
        return (undone, leftovers)
    }

    /// Shows the QR code for a backup phone app (terminal and/or owner-only PNG) and waits for the user's go-ahead.
    private func showQRCode(_ png: [UInt8], seed: [UInt8], label: String, options: MFASetupOptions) throws {
        if let path = options.qrPNGPath {
            try AtomicFile.write(png, to: path, mode: 0o600)
            messages.say("Wrote the QR code to \(path) (it holds the secret: delete it once scanned).")
        }
        guard let terminal = messages.terminal else { return }
        if options.showQR {
            let uri = OTPAuthURI(issuer: Self.issuer, accountName: label, secret: seed).uriString
            terminal.write(
                "\nScan this with your backup authenticator app (Google Authenticator, Duo Mobile, Authy…):\n\n")
            terminal.write(try QRCode(text: uri, errorCorrection: .medium).terminalString(border: 2))
        }
        _ = try terminal.readLine(prompt: "\nPress Enter once the app shows the account… ")
    }
}

/// A setup that did not complete, with what was undone.
public struct MFASetupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
