import AWSProtocol
import AtomicFile
import ChildProcess
import Crypto
import Dispatch
import OTP
import Vault
import YubiKey

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Obtains MFA codes for a device from the configured source — an external `mfa_process`, the vault, a YubiKey touch
/// raced against a code typed on the terminal, or a typed code — and never the same 30-second step twice: the last step
/// used is remembered per device, and when the next code would repeat it the user sees a countdown to the next step.
public struct MFACodes: Sendable {
    let source: MFASource
    let messages: UserMessages
    let vault: VaultAccess
    let environment: [String: String]
    let stateDirectory: String
    let clock: @Sendable () -> Date

    public init(
        source: MFASource, messages: UserMessages, vault: VaultAccess, environment: [String: String],
        stateDirectory: String, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.source = source
        self.messages = messages
        self.vault = vault
        self.environment = environment
        self.stateDirectory = stateDirectory
        self.clock = clock
    }

    /// A code and its time step; call `markUsed(step:)` once AWS accepted it.
    public func next() async throws -> (code: String, step: Int64) {
        try await waitForUnusedStep()
        let step = currentStep()
        return (try await obtain(), step)
    }

    /// Records that the code of `step` was spent.
    public func markUsed(step: Int64) throws {
        try MFAStepLog(directory: stateDirectory).record(step, serialNumber: source.serialNumber)
    }

    /// Two consecutive codes never used before (ResyncMFADevice): computed from the vault, or two YubiKey touches a
    /// step apart.
    public func consecutivePair() async throws -> (String, String) {
        if let account = source.vaultAccount {
            // The pair ends at the current step, so its first code must be newer than the last one used.
            try await waitForUnusedStep(lookingBack: 1)
            guard let entry = try vault.read().account(named: account) else {
                throw VaultError(.noSuchAccount(account))
            }
            let totp = try entry.uri.totp()
            let step = currentStep()
            try markUsed(step: step)
            return (totp.code(step: step - 1), totp.code(step: step))
        }
        guard source.yubikeyLabel != nil else {
            throw ConfigurationError("resynchronising needs vegas_vault_account or vegas_yubikey_label on the profile")
        }
        let (first, firstStep) = try await next()
        try markUsed(step: firstStep)
        let (second, secondStep) = try await next()
        try markUsed(step: secondStep)
        return (first, second)
    }

    private func currentStep() -> Int64 { Int64(clock().timeIntervalSince1970) / 30 }

    /// Waits until the current step minus `lookingBack` is newer than the last step used.
    private func waitForUnusedStep(lookingBack: Int64 = 0) async throws {
        guard let last = MFAStepLog(directory: stateDirectory).lastStep(serialNumber: source.serialNumber) else {
            return
        }
        while currentStep() - lookingBack <= last {
            let left = 30 - Int(Int64(clock().timeIntervalSince1970) % 30)
            messages.terminal?.write("\rThe last MFA code was just used; waiting \(left)s for the next one… ")
            try await Task.sleep(for: .milliseconds(min(1000, left * 1000)))
        }
        messages.terminal?.write("\r\u{1B}[K")
    }

    private func obtain() async throws -> String {
        if let command = source.process { return try await ExternalCode.run(command, environment: environment) }
        if let account = source.vaultAccount {
            let now = Int64(clock().timeIntervalSince1970)
            let contents = try vault.read()
            guard let entry = contents.account(named: account) else { throw VaultError(.noSuchAccount(account)) }
            if case .hotp = entry.uri.kind {
                return try vault.update { try $0.nextCode(forAccountNamed: account, unixTime: now) }
            }
            var copy = contents
            return try copy.nextCode(forAccountNamed: account, unixTime: now)
        }
        if let label = source.yubikeyLabel { return try await yubikeyOrTyped(label: label) }
        guard messages.terminal != nil else {
            throw ConfigurationError(
                "an MFA code is needed for \(source.serialNumber) but there is no terminal to ask on; configure "
                    + "vegas_vault_account, vegas_yubikey_label or mfa_process for non-interactive use")
        }
        return try typed()
    }

    private func typed(prompt: String? = nil) throws -> String {
        let code = try messages.ask(
            prompt ?? "MFA code for \(source.serialNumber): ", echo: false, why: "an MFA code is needed")
        guard code.count == 6 || code.count == 8, AWSPattern.digits.matches(code) else {
            throw TerminalError("an MFA code is 6 digits")
        }
        return code
    }

    /// The YubiKey's code (after a touch) or a typed one, whichever comes first; the other is cancelled.
    private func yubikeyOrTyped(label: String) async throws -> String {
        let key = YkmanOATH(serial: source.yubikeySerial, environment: environment)
        let messages = self.messages
        guard messages.terminal != nil else {
            return try await key.code(label: label) { Notification.send("Touch your YubiKey for AWS MFA") }
        }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await key.code(label: label) {
                    messages.say("\nTouch your YubiKey (or type the code)…")
                    Notification.send("Touch your YubiKey for AWS MFA")
                }
            }
            group.addTask { try? self.typed(prompt: "MFA code (or touch your YubiKey): ") }
            var lastError: (any Error)?
            while true {
                do {
                    guard let result = try await group.next() else { break }
                    if let code = result {
                        group.cancelAll()
                        return code
                    }
                } catch {
                    lastError = error  // the YubiKey failed (e.g. no touch): a typed code may still come
                }
            }
            throw lastError ?? TerminalError("no MFA code was entered")
        }
    }
}

/// A desktop notification where one can be shown (notify-send, osascript); silently nothing elsewhere.
enum Notification {
    static func send(_ text: String) {
        let candidates = [
            ("/usr/bin/notify-send", ["vegas-credentials", text]),
            ("/usr/bin/osascript", ["-e", "display notification \"\(text)\" with title \"vegas-credentials\""]),
        ]
        for (path, arguments) in candidates where FileManager.default.isExecutableFile(atPath: path) {
            if let process = try? ChildProcess(
                path, arguments: arguments, standardOutput: .nullDevice, standardError: .nullDevice)
            {
                DispatchQueue.global().async { _ = process.waitForExit() }
            }
            return
        }
    }
}

/// aws-vault's `mfa_process`: a command whose standard output is the code.
enum ExternalCode {
    static func run(_ command: String, environment: [String: String]) async throws -> String {
        let finished: ChildProcess.Finished
        switch await ChildProcess.run(
            "/bin/sh", arguments: ["-c", command], environment: environment, standardInput: .nullDevice,
            standardOutput: .pipe, keepingAtMost: 64)
        {
        case .success(let result): finished = result
        case .failure(let failure): throw ConfigurationError("mfa_process could not be started: \(failure)")
        }
        let code = String(decoding: finished.captured.standardOutput, as: UTF8.self).trimmingWhitespaceAndNewlines()
        guard finished.exit == .exited(0) else { throw ConfigurationError("mfa_process \(finished.exit)") }
        guard (6...8).contains(code.count), AWSPattern.digits.matches(code) else {
            throw ConfigurationError("mfa_process did not print a 6-digit code")
        }
        return code
    }
}

/// The last 30-second step whose code this client spent, per MFA device (a small 0600 file each).
public struct MFAStepLog: Sendable {
    let directory: String

    public init(directory: String) { self.directory = directory }

    public func lastStep(serialNumber: String) -> Int64? {
        (try? String(contentsOfFile: path(serialNumber), encoding: .utf8)).flatMap { Int64($0) }
    }

    public func record(_ step: Int64, serialNumber: String) throws {
        guard step > lastStep(serialNumber: serialNumber) ?? .min else { return }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(Array(String(step).utf8), to: path(serialNumber), mode: 0o600)
    }

    private func path(_ serialNumber: String) -> String {
        let digest = Hex.lower(SHA256.hash(data: Data(serialNumber.utf8)))
        return directory + "/\(digest).step"
    }
}
