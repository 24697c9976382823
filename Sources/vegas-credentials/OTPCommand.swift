import ArgumentParser
import AtomicFile
import Credentials
import OTP
import QRCode
import Vault

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

/// `vegas-credentials otp …`: the built-in authenticator.
struct OTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otp",
        abstract: "The built-in authenticator: TOTP/HOTP accounts in an encrypted vault.",
        discussion:
            "The vault lives in $VEGAS_HOME (else $XDG_DATA_HOME/vegas); VEGAS_VAULT_PASSWORD supplies its passphrase.",
        subcommands: [Add.self, List.self, Code.self, Remove.self, QR.self, Export.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an account from --secret, --uri, or a secret or otpauth URI on standard input.")

        @Argument(help: "Name of the account in the vault.") var name: String
        @Option(help: "Base32 secret (prefer standard input: argv is visible to other users).") var secret: String?
        @Option(help: "otpauth:// URI (Key Uri Format).") var uri: String?
        @Option(help: "Digits: 6 or 8.") var digits = 6
        @Option(help: "Seconds per code.") var period = 30
        @Option(help: "SHA1, SHA256 or SHA512.") var algorithm = "SHA1"
        @Option(help: "Issuer shown with the account.") var issuer: String?

        func validate() throws {
            guard [6, 8].contains(digits) else { throw ValidationError("--digits must be 6 or 8") }
            guard OTPAlgorithm(rawValue: algorithm.uppercased()) != nil else {
                throw ValidationError("--algorithm must be SHA1, SHA256 or SHA512")
            }
            guard secret == nil || uri == nil else { throw ValidationError("give --secret or --uri, not both") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let input = try secret ?? uri ?? readSecretInput(context)
                let parsed: OTPAuthURI
                if input.lowercased().hasPrefix("otpauth://") {
                    parsed = try OTPAuthURI(parsing: input)
                } else {
                    parsed = OTPAuthURI(
                        kind: .totp(period: period), issuer: issuer, accountName: name,
                        secret: try Self.decodeSecret(input),
                        algorithm: OTPAlgorithm(rawValue: algorithm.uppercased()) ?? .sha1, digits: digits)
                    _ = try parsed.totp()
                }
                try context.vault.update { contents in
                    try contents.add(VaultAccount(name: name, uri: parsed, createDate: Date()))
                }
                context.messages.say("Added \(name).")
            }
        }

        private static func decodeSecret(_ text: String) throws -> [UInt8] {
            do {
                return try Base32.decode(text)
            } catch {
                throw ValidationError("the secret is not valid base32: \(error)")
            }
        }

        /// The secret or URI from standard input, or asked (hidden) on the terminal.
        private func readSecretInput(_ context: Context) throws -> String {
            if isatty(0) == 0 {
                let data = StandardStreams.readInput(upTo: 8192)
                let text = String(decoding: data, as: UTF8.self).trimmingWhitespaceAndNewlines()
                guard !text.isEmpty else { throw ValidationError("no secret on standard input") }
                return text
            }
            return try context.messages.ask(
                "Secret (base32) or otpauth URI: ", echo: false, why: "pass the secret on standard input")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the accounts (no secrets).")

        func run() async throws {
            try await reportingErrors {
                let contents = try Context().vault.read()
                for account in contents.accounts {
                    let uri = account.uri
                    let kind: String
                    switch uri.kind {
                    case .totp(let period): kind = "TOTP \(uri.digits) digits / \(period)s"
                    case .hotp(let counter): kind = "HOTP \(uri.digits) digits, counter \(counter)"
                    }
                    print("\(account.name)\t\(uri.issuer ?? "-")\t\(kind) \(uri.algorithm.rawValue)")
                }
            }
        }
    }

    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code", abstract: "Print an account's current code.")

        @Argument(help: "Account name.") var name: String
        @Flag(help: "Keep showing codes with a countdown of the seconds left (Ctrl-C to stop).") var watch = false

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                var contents = try context.vault.read()
                guard let account = contents.account(named: name) else { throw VaultError(.noSuchAccount(name)) }
                guard watch else {
                    let now = Int64(Date().timeIntervalSince1970)
                    if case .hotp = account.uri.kind {
                        // HOTP codes advance a counter, which must be saved before the code is shown.
                        print(try context.vault.update { try $0.nextCode(forAccountNamed: name, unixTime: now) })
                    } else {
                        print(try contents.nextCode(forAccountNamed: name, unixTime: now))
                    }
                    return
                }
                let totp = try account.uri.totp()
                guard let terminal = context.messages.terminal else {
                    throw ValidationError("--watch needs a terminal")
                }
                while !Task.isCancelled {
                    let now = Int64(Date().timeIntervalSince1970)
                    terminal.write(
                        "\r"
                            + Countdown.line(
                                code: totp.code(at: now), left: totp.secondsRemaining(at: now),
                                period: totp.period))
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an account.")

        @Argument(help: "Account name.") var name: String

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                _ = try context.vault.update { try $0.remove(named: name) }
                context.messages.say("Removed \(name).")
            }
        }
    }

    struct QR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qr", abstract: "Show an account's QR code, to load it into a phone app.")

        @Argument(help: "Account name.") var name: String
        @Option(help: "Write the QR code to this PNG file (mode 0600) instead of the terminal.") var png: String?

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                guard let account = try context.vault.read().account(named: name) else {
                    throw VaultError(.noSuchAccount(name))
                }
                let code = try QRCode(text: account.uri.uriString, errorCorrection: .medium)
                if let png {
                    try AtomicFile.write(code.png(), to: png, mode: 0o600)
                    context.messages.say("Wrote \(png): it holds the secret, delete it once scanned.")
                } else {
                    print(code.terminalString(border: 2), terminator: "")
                }
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print every account as an otpauth URI (one per line). The output holds the secrets.")

        func run() async throws {
            try await reportingErrors {
                for account in try Context().vault.read().accounts { print(account.uri.uriString) }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add accounts from otpauth URIs, one per line (blank lines and # comments skipped).")

        @Argument(help: "File to read; standard input when absent or '-'.") var file: String?

        func run() async throws {
            try await reportingErrors {
                let context = Context()
                let data: Data
                if let file, file != "-" {
                    guard let contents = FileManager.default.contents(atPath: file) else {
                        throw ValidationError("cannot read \(file)")
                    }
                    data = contents
                } else {
                    data = Data(StandardStreams.readInput(upTo: .max))
                }
                guard data.count <= 1 << 20 else { throw ValidationError("the import is larger than 1 MiB") }
                var uris: [OTPAuthURI] = []
                for (index, line) in String(decoding: data, as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false
                )
                .enumerated() {
                    let text = line.trimmingWhitespace()
                    if text.isEmpty || text.hasPrefix("#") { continue }
                    do {
                        uris.append(try OTPAuthURI(parsing: text))
                    } catch {
                        throw ValidationError("line \(index + 1): \(error)")
                    }
                }
                let now = Date()
                try context.vault.update { contents in
                    for uri in uris {
                        let name = uri.issuer.map { "\($0):\(uri.accountName)" } ?? uri.accountName
                        try contents.add(VaultAccount(name: name, uri: uri, createDate: now))
                    }
                }
                context.messages.say("Imported \(uris.count) account\(uris.count == 1 ? "" : "s").")
            }
        }
    }
}

/// The `--watch` line: the code, a bar of the seconds left, and the seconds.
enum Countdown {
    static func line(code: String, left: Int, period: Int, width: Int = 20) -> String {
        let filled = max(0, min(width, (left * width + period - 1) / period))
        let grouped = code.count == 6 ? "\(code.prefix(3)) \(code.suffix(3))" : code
        return "\(grouped)  [\(String(repeating: "█", count: filled))\(String(repeating: "░", count: width - filled))] "
            + String(repeating: " ", count: max(0, 2 - String(left).count)) + "\(left)s"
    }
}
