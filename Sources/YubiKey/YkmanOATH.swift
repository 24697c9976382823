import ChildProcess

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Drives `ykman` OATH commands. The seed is passed on ykman's stdin, never in argv.
///
/// Each call is one ykman process (two for ``deleteAccount(label:)``), started in a session of its own so that it
/// never reads from or writes to the user's terminal. Cancelling the calling task terminates ykman and throws
/// ``YubiKeyError/Reason/cancelled``.
public struct YkmanOATH: Sendable {
    /// The program: a name looked up on the environment's PATH, or a path.
    public let executable: String
    /// The YubiKey to use (`ykman --device SERIAL`); nil when exactly one key is expected to be connected.
    public let serial: String?
    /// The environment ykman runs with; its PATH is also where ``executable`` is looked up.
    public let environment: [String: String]

    /// What is kept of ykman's standard output and standard error (more is an error).
    static let maximumStandardOutput = 1 << 20
    static let maximumStandardError = 1 << 16

    public init(
        executable: String = "ykman", serial: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.executable = executable
        self.serial = serial
        self.environment = environment
    }

    /// The account id ykman and the YubiKey use for a TOTP account: `[PERIOD/][ISSUER:]NAME`, the period only when it
    /// is not 30 (yubikit's `_format_cred_id`). This is the label to pass to ``code(label:onTouchPrompt:)``.
    public static func accountLabel(name: String, issuer: String?, period: Int = 30) -> String {
        let periodPrefix = period == 30 ? "" : "\(period)/"
        let issuerPrefix = issuer.map { $0.isEmpty ? "" : $0 + ":" } ?? ""
        return periodPrefix + issuerPrefix + name
    }

    /// Serials of the connected YubiKeys (`ykman list --serials`); keys without a readable serial are left out.
    public func serials() async throws(YubiKeyError) -> [String] {
        let output = try await run(.listSerials, label: nil)
        return try YkmanOutput.serials(output)
    }

    /// Ids of all OATH accounts on the key, hidden ones included (`ykman oath accounts list --show-hidden`).
    public func accounts() async throws(YubiKeyError) -> [String] {
        let output = try await run(try .listAccounts(serial: serial), label: nil)
        return YkmanOutput.accounts(output)
    }

    /// Adds a TOTP account (`ykman oath accounts add`); its label is
    /// ``accountLabel(name:issuer:period:)``. Throws ``YubiKeyError/Reason/accountExists(_:)`` when that label exists
    /// and `overwrite` is false.
    public func addAccount(
        name: String, issuer: String?, secretBase32: String, touch: Bool, digits: Int = 6,
        algorithm: String = "SHA1", period: Int = 30, overwrite: Bool = false
    ) async throws(YubiKeyError) {
        let issuer = issuer.flatMap { $0.isEmpty ? nil : $0 }
        let account = OATHAccount(
            name: name, issuer: issuer, touch: touch, digits: digits, algorithm: algorithm.uppercased(),
            period: period, overwrite: overwrite)
        let command = try YkmanCommand.add(serial: serial, account: account, secretBase32: secretBase32)
        _ = try await run(command, label: Self.accountLabel(name: name, issuer: issuer, period: period))
    }

    /// One `ykman oath accounts code --single LABEL` call; `onTouchPrompt` runs as soon as ykman asks for a touch
    /// (its stderr is watched live), so the caller can show "Touch your YubiKey" on /dev/tty.
    ///
    /// ykman prefers the account whose id is exactly `label`; without one it takes the only account containing
    /// `label` (case-insensitive), and throws ``YubiKeyError/Reason/ambiguousLabel(_:matches:)`` for several.
    /// `onTouchPrompt` runs at most once, on a background thread.
    public func code(
        label: String, onTouchPrompt: @Sendable @escaping () -> Void = {}
    ) async throws(YubiKeyError)
        -> String
    {
        let command = try YkmanCommand.code(serial: serial, label: label)
        let watch = ChildProcess.Watch(text: Array("Touch your YubiKey".utf8), action: onTouchPrompt)
        let output = try await run(command, label: label, watch: watch)
        return try YkmanOutput.code(output)
    }

    /// Deletes the account whose id is exactly `label`. ykman's `delete` would also take an account that merely
    /// contains `label`, so the exact id is checked with ``accounts()`` first.
    public func deleteAccount(label: String) async throws(YubiKeyError) {
        let command = try YkmanCommand.delete(serial: serial, label: label)
        guard try await accounts().contains(label) else { throw YubiKeyError(.accountNotFound(label)) }
        let output = try await run(command, label: label)
        try YkmanOutput.deleted(output, label: label)
    }

    /// Runs ykman; returns its standard output when it exits 0, else throws the error its texts describe.
    private func run(
        _ command: YkmanCommand, label: String?, watch: ChildProcess.Watch? = nil
    )
        async throws(YubiKeyError) -> String
    {
        guard !Task.isCancelled else { throw YubiKeyError(.cancelled) }
        guard
            let path = ExecutableLookup.resolve(
                executable, searchPath: environment["PATH"], isExecutable: ExecutableLookup.isExecutableFile)
        else { throw YubiKeyError(.ykmanNotFound) }
        let result = await ChildProcess.run(
            path, arguments: command.arguments, environment: environment, standardInput: .bytes(command.input),
            standardOutput: .pipe, standardError: .pipe, newSession: true, keepingAtMost: Self.maximumStandardOutput,
            errorLimit: Self.maximumStandardError, watch: watch)
        let output: ChildProcess.Finished
        switch result {
        case .success(let finished):
            output = finished
        case .failure(let failure) where [ENOENT, EACCES, ENOEXEC].contains(failure.code):
            throw YubiKeyError(.ykmanNotFound)
        case .failure(let failure):
            throw YubiKeyError(.failed(exitCode: -1, stderrFirstLine: "could not start ykman (errno \(failure.code))"))
        }
        if output.stopped {
            throw YubiKeyError(.cancelled)
        }
        let standardError = String(decoding: output.captured.standardError, as: UTF8.self)
        switch output.exit {
        case .exited(0):
            guard !output.captured.overflowed else {
                throw YubiKeyError(.failed(exitCode: 0, stderrFirstLine: "ykman printed more output than expected"))
            }
            return String(decoding: output.captured.standardOutput, as: UTF8.self)
        case .exited(let status):
            throw YkmanOutput.failure(exitStatus: status, standardError: standardError, serial: serial, label: label)
        case .signalled(let signal):
            throw YubiKeyError(.failed(exitCode: 128 + signal, stderrFirstLine: "ykman was killed by signal \(signal)"))
        case .unknown:
            throw YubiKeyError(.failed(exitCode: -1, stderrFirstLine: "ykman's exit status could not be collected"))
        }
    }
}
