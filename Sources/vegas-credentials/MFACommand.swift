import AWSClient
import AWSProtocol
import ArgumentParser
import Credentials
import Dispatch
import OTP
import Vault
import YubiKey

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `vegas-credentials mfa …`: virtual MFA devices of an AWS user, from set-up to removal.
struct MFACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfa",
        abstract: "Set up, list, resync and remove virtual MFA devices with a profile's long-term keys.",
        subcommands: [Setup.self, List.self, Resync.self, Remove.self])

    struct ProfileOption: ParsableArguments {
        @Option(name: [.long, .customShort("p")], help: "AWS profile with the user's long-term access keys.")
        var profile: String
    }

    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "setup",
            abstract:
                "Create a virtual MFA device, load it into your authenticators, enable it, record it in the config.")

        @OptionGroup var profileOption: ProfileOption
        @Option(help: "Device name (default: the user name).") var deviceName: String?
        @Flag(help: "Store the seed on a YubiKey (via ykman).") var yubikey = false
        @Option(help: "YubiKey serial, when several are plugged in.") var serial: String?
        @Flag(help: "Do not require touch on the YubiKey.") var noTouch = false
        @Flag(help: "Store the seed in the built-in authenticator's vault.") var vault = false
        @Flag(help: "Show the QR code on the terminal for a backup phone app.") var qr = false
        @Option(help: "Write the QR code to this PNG file.") var qrPng: String?
        @Flag(help: "Print the seed (base32) on stdout, e.g. for the root account's offline backup.") var showSecret =
            false

        func validate() throws {
            guard serial == nil || yubikey else { throw ValidationError("--serial needs --yubikey") }
            guard !noTouch || yubikey else { throw ValidationError("--no-touch needs --yubikey") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let files = try context.awsFiles()
                var options = MFASetupOptions(profile: profileOption.profile)
                options.deviceName = deviceName
                options.yubikey = yubikey
                options.yubikeySerial = serial
                options.touch = !noTouch
                options.vault = vault
                options.showQR = qr
                options.qrPNGPath = qrPng
                let setup = MFASetup(
                    files: files, client: try files.client(profile: profileOption.profile), messages: context.messages,
                    vault: context.vault, ykman: YkmanOATH(environment: context.environment),
                    steps: MFAStepLog(directory: context.cacheDirectory))
                let finalOptions = options
                let result = try await Interruptible.run { try await setup.run(finalOptions) }
                if showSecret { print(result.base32Seed) }
                context.messages.say("MFA device \(result.serialNumber) is ready.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the user's MFA devices and which local authenticator holds each.")

        @OptionGroup var profileOption: ProfileOption

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let files = try context.awsFiles()
                let devices = try await files.client(profile: profileOption.profile).listMFADevices(userName: nil)
                for device in devices {
                    let kind = device.serialNumber.contains(":u2f/") ? "security key" : "virtual (TOTP)"
                    let holders = MFAHolders.of(device.serialNumber, in: files)
                    let enabled = device.enableDate.map(Self.wholeSeconds) ?? "-"
                    print(
                        "\(device.serialNumber)\t\(kind)\tenabled \(enabled)\t\(holders.isEmpty ? "no local authenticator" : holders.joined(separator: ", "))"
                    )
                }
            }
        }

        /// "2024-01-02T03:04:05Z": UTC, the fraction cut off (as `ISO8601DateFormatter` prints it).
        static func wholeSeconds(_ date: Date) -> String {
            AWSTimestamp.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        }
    }

    struct Resync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resync",
            abstract:
                "Resynchronise the profile's device (mfa_serial) with two consecutive codes from its authenticator.")

        @OptionGroup var profileOption: ProfileOption

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let files = try context.awsFiles()
                let profile = profileOption.profile
                let client = try files.client(profile: profile)
                let (configuration, _) = try AssumeConfiguration.resolve(
                    profile: profile, files: files, environment: context.environment)
                guard let source = configuration.mfa else {
                    throw ValidationError("profile \(profile) has no mfa_serial in \(files.configPath)")
                }
                guard let userName = try await client.getUser().userName else {
                    throw ValidationError("the root user's devices are resynchronised in the console")
                }
                let codes = MFACodes(
                    source: source, messages: context.messages, vault: context.vault, environment: context.environment,
                    stateDirectory: context.cacheDirectory)
                let (code1, code2) = try await codes.consecutivePair()
                let serial = source.serialNumber
                try await client.resyncMFADevice(userName: userName, serialNumber: serial, code1: code1, code2: code2)
                context.messages.say("Resynchronised \(serial).")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Deactivate and delete a virtual MFA device, and remove its local copies and config entries.")

        @OptionGroup var profileOption: ProfileOption
        @Argument(help: "The device's serial number (ARN).") var serialNumber: String

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let files = try context.awsFiles()
                let profile = profileOption.profile
                let client = try files.client(profile: profile)
                do {
                    try await client.deactivateMFADevice(userName: nil, serialNumber: serialNumber)
                } catch let error as AWSError where error.code == "NoSuchEntity" {
                    // Not assigned to this user (e.g. a set-up that never finished): deleting it is still right.
                }
                try await client.deleteVirtualMFADevice(serialNumber: serialNumber)
                context.messages.say("Deactivated and deleted \(serialNumber).")
                for name in files.profiles.profileNames
                where files.profiles.setting("mfa_serial", profile: name) == serialNumber {
                    if let account = files.profiles.setting("vegas_vault_account", profile: name) {
                        _ = try context.vault.update { try $0.remove(named: account) }
                        context.messages.say("Removed \(account) from the vault.")
                    }
                    if let label = files.profiles.setting("vegas_yubikey_label", profile: name) {
                        let key = YkmanOATH(
                            serial: files.profiles.setting("vegas_yubikey_serial", profile: name),
                            environment: context.environment)
                        try await key.deleteAccount(label: label)
                        context.messages.say("Removed \(label) from the YubiKey.")
                    }
                    try files.editConfig(profile: name) { document, section in
                        for key in ["mfa_serial", "vegas_vault_account", "vegas_yubikey_label", "vegas_yubikey_serial"]
                        {
                            document.remove(key, in: section)
                        }
                    }
                    context.messages.say("Removed the device from profile \(name) in \(files.configPath).")
                }
            }
        }
    }
}

/// Which local authenticators hold a device, per the config file's profiles.
enum MFAHolders {
    static func of(_ serial: String, in files: AWSFiles) -> [String] {
        var holders: [String] = []
        for name in files.profiles.profileNames where files.profiles.setting("mfa_serial", profile: name) == serial {
            if let account = files.profiles.setting("vegas_vault_account", profile: name) {
                holders.append("vault: \(account)")
            }
            if let label = files.profiles.setting("vegas_yubikey_label", profile: name) {
                let serialText = files.profiles.setting("vegas_yubikey_serial", profile: name).map { " #\($0)" } ?? ""
                holders.append("YubiKey\(serialText): \(label)")
            }
        }
        return holders
    }
}

/// Runs an operation that Ctrl-C cancels (so it can undo its work) instead of killing the process.
enum Interruptible {
    static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, SIG_DFL) }
        let task = Task { try await operation() }
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        source.setEventHandler { task.cancel() }
        source.resume()
        defer { source.cancel() }
        return try await task.value
    }
}
