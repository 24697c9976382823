import OTP

/// What a vault holds: accounts sorted by name, names unique (compared case-sensitively).
public struct VaultContents: Sendable, Equatable {
    public private(set) var accounts: [VaultAccount]

    /// An empty vault.
    public init() {
        accounts = []
    }

    /// The given accounts, each validated as by ``add(_:)``.
    public init(accounts: [VaultAccount]) throws(VaultError) {
        self.init()
        for account in accounts { try add(account) }
    }

    public func account(named name: String) -> VaultAccount? {
        index(of: name).map { accounts[$0] }
    }

    /// Adds `account` in name order. Its name must be non-empty, at most ``VaultAccount/maximumNameLength`` bytes and
    /// free of control characters; its URI is stored in canonical form (what its ``OTPAuthURI/uriString`` parses to).
    public mutating func add(_ account: VaultAccount) throws(VaultError) {
        let account = try account.validated()
        let index = insertionIndex(for: account.name)
        guard index == accounts.endIndex || accounts[index].name != account.name else {
            throw VaultError(.duplicateAccount(account.name))
        }
        accounts.insert(account, at: index)
    }

    /// Removes and returns the account called `name`.
    @discardableResult
    public mutating func remove(named name: String) throws(VaultError) -> VaultAccount {
        guard let index = index(of: name) else { throw VaultError(.noSuchAccount(name)) }
        return accounts.remove(at: index)
    }

    /// The code to use now for account `name`: a TOTP code at `unixTime`, or the HOTP code at the stored counter,
    /// which then advances (so the caller must save these contents, e.g. inside ``VaultFile/update``).
    public mutating func nextCode(forAccountNamed name: String, unixTime: Int64) throws(VaultError) -> String {
        guard let index = index(of: name) else { throw VaultError(.noSuchAccount(name)) }
        let uri = accounts[index].uri
        switch uri.kind {
        case .totp:
            return try generator(for: name) { () throws(OTPError) in try uri.totp() }.code(at: unixTime)
        case .hotp(let counter):
            guard counter < UInt64.max else {
                throw VaultError(.invalidAccount(name: name, reason: "its HOTP counter is exhausted"))
            }
            let code = try generator(for: name) { () throws(OTPError) in try uri.hotp() }.code(counter: counter)
            accounts[index].uri.kind = .hotp(counter: counter + 1)
            return code
        }
    }

    private func index(of name: String) -> Int? {
        let index = insertionIndex(for: name)
        return index < accounts.endIndex && accounts[index].name == name ? index : nil
    }

    /// The first index whose name is not less than `name` (binary search: the accounts are sorted).
    private func insertionIndex(for name: String) -> Int {
        var low = accounts.startIndex
        var high = accounts.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if accounts[middle].name < name { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func generator<Generator>(
        for name: String, _ make: () throws(OTPError) -> Generator
    ) throws(VaultError) -> Generator {
        do {
            return try make()
        } catch {
            throw VaultError(.invalidAccount(name: name, reason: error.description))
        }
    }
}

extension VaultContents: CustomStringConvertible {
    /// The account names (never a secret).
    public var description: String {
        "VaultContents(\(accounts.map(\.name.debugDescription).joined(separator: ", ")))"
    }
}
