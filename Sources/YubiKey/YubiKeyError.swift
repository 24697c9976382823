/// Why a `ykman` OATH operation failed. Descriptions are one line and never contain the OTP secret or a code.
public struct YubiKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No executable `ykman` on PATH (or at the given path).
        case ykmanNotFound
        /// No YubiKey is connected.
        case noDevice
        /// Several YubiKeys are connected and no serial was given (their serials, as ykman listed them).
        case severalDevices([String])
        /// No connected YubiKey has this serial.
        case deviceNotFound(String)
        /// The OATH application has a password that ykman does not remember.
        case passwordProtected
        /// No OATH account matches this label.
        case accountNotFound(String)
        /// An OATH account with this label exists and overwriting was not asked for.
        case accountExists(String)
        /// The label is no account's exact name and is part of several (ykman matches substrings).
        case ambiguousLabel(String, matches: [String])
        /// The account requires touch and the YubiKey was not touched in time.
        case touchTimedOut
        /// An argument cannot be passed to ykman (the text says which and why).
        case invalidArgument(String)
        /// The OTP secret is not base32 that ykman accepts (the text says why, without the secret).
        case invalidSecret(String)
        /// The calling task was cancelled; ykman was terminated.
        case cancelled
        /// Any other failure: ykman's exit code and the first line of its error output.
        case failed(exitCode: Int32, stderrFirstLine: String)
    }

    public let reason: Reason

    public init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .ykmanNotFound:
            "ykman was not found on PATH; install yubikey-manager"
        case .noDevice:
            "no YubiKey is connected"
        case .severalDevices(let serials):
            "several YubiKeys are connected (\(serials.joined(separator: ", "))); "
                + "choose one with --serial / vegas_yubikey_serial"
        case .deviceNotFound(let serial):
            "no YubiKey with serial \(serial) is connected"
        case .passwordProtected:
            "the YubiKey's OATH application is password protected; run `ykman oath access remember` once"
        case .accountNotFound(let label):
            "the YubiKey has no OATH account \(quoted(label))"
        case .accountExists(let label):
            "the YubiKey already has an OATH account \(quoted(label))"
        case .ambiguousLabel(let label, let matches):
            "\(quoted(label)) matches several OATH accounts on the YubiKey "
                + "(\(matches.map(quoted).joined(separator: ", "))); "
                + "use the full account name"
        case .touchTimedOut:
            "no touch: the YubiKey timed out waiting"
        case .invalidArgument(let text):
            text
        case .invalidSecret(let why):
            "the OTP secret cannot be stored on the YubiKey: \(why)"
        case .cancelled:
            "cancelled; ykman was stopped"
        case .failed(let exitCode, let line):
            "ykman failed (exit status \(exitCode)): \(line)"
        }
    }

    /// `"label"`, with control characters replaced so that a description stays on one line.
    private func quoted(_ text: String) -> String {
        let printable = text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }
        return "\"" + printable.joined() + "\""
    }
}
