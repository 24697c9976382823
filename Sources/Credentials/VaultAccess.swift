import Synchronization
import Vault

/// Opens the built-in authenticator's vault with a passphrase from `VEGAS_VAULT_PASSWORD` or asked on the terminal.
public final class VaultAccess: Sendable {
    public let file: VaultFile
    private let environment: [String: String]
    private let messages: UserMessages
    /// Asked once per process.
    private let remembered = Mutex<String?>(nil)

    public init(environment: [String: String], home: String, messages: UserMessages) {
        self.file = VaultFile(path: VaultFile.defaultPath(environment: environment, home: home))
        self.environment = environment
        self.messages = messages
    }

    /// The passphrase; asked twice when the vault does not exist yet.
    public func passphrase() throws -> String {
        if let known = remembered.withLock({ $0 }) { return known }
        let passphrase = try askPassphrase()
        remembered.withLock { $0 = passphrase }
        return passphrase
    }

    private func askPassphrase() throws -> String {
        if let fromEnvironment = environment["VEGAS_VAULT_PASSWORD"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        let why = "set VEGAS_VAULT_PASSWORD for non-interactive use"
        if file.exists {
            return try messages.ask("Vault passphrase: ", echo: false, why: why)
        }
        messages.say("Creating the vault \(file.path).")
        let first = try messages.ask("New vault passphrase: ", echo: false, why: why)
        guard !first.isEmpty else { throw TerminalError("the passphrase must not be empty") }
        let second = try messages.ask("Repeat the passphrase: ", echo: false, why: why)
        guard first == second else { throw TerminalError("the two passphrases differ") }
        return first
    }

    public func read() throws -> VaultContents {
        try file.read(passphrase: passphrase())
    }

    public func update<T>(_ change: (inout VaultContents) throws -> T) throws -> T {
        try file.update(passphrase: passphrase(), change)
    }
}
