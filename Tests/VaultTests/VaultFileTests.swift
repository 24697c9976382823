import Foundation
import OTP
import Testing

@testable import Vault

@Suite struct VaultFileTests {
    let passphrase = "vault passphrase"

    @Test func defaultPathPrefersVegasHomeThenXDGDataHomeThenHome() {
        let home = "/home/u"
        #expect(
            VaultFile.defaultPath(environment: ["VEGAS_HOME": "/v/", "XDG_DATA_HOME": "/x"], home: home)
                == "/v/vault.sealed")
        #expect(
            VaultFile.defaultPath(environment: ["VEGAS_HOME": "", "XDG_DATA_HOME": "/x"], home: home)
                == "/x/vegas/vault.sealed")
        #expect(
            VaultFile.defaultPath(environment: ["XDG_DATA_HOME": "relative"], home: home)
                == "/home/u/.local/share/vegas/vault.sealed")
        #expect(VaultFile.defaultPath(environment: [:], home: home) == "/home/u/.local/share/vegas/vault.sealed")
    }

    @Test func updateCreatesTheVaultAndReadReturnsIt() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        #expect(!vault.exists)
        let count = try vault.update(passphrase: passphrase, parameters: cheapParameters) { contents in
            try contents.add(totpAccount("work"))
            return contents.accounts.count
        }
        #expect(count == 1)
        #expect(vault.exists)
        #expect(try vault.read(passphrase: passphrase) == (try VaultContents(accounts: [totpAccount("work")])))
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(hotpAccount("h")) }
        #expect(try vault.read(passphrase: passphrase).accounts.map(\.name) == ["h", "work"])
    }

    @Test func createdFilesAndDirectoriesArePrivate() throws {
        let root = try makeTemporaryDirectory()
        let vault = VaultFile(path: root + "/data/vegas/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        #expect(try permissions(vault.path) == 0o600)
        #expect(try permissions(vault.lockPath) == 0o600)
        #expect(try permissions(root + "/data/vegas") == 0o700)
        #expect(try permissions(root + "/data") == 0o700)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root + "/data/vegas").sorted()
                == ["vault.sealed", "vault.sealed.lock"])
    }

    /// A vault made world-readable by hand is private again after the next write.
    @Test func rewritingMakesTheVaultPrivateAgain() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { _ in }
        chmod(vault.path, 0o644)
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        #expect(try permissions(vault.path) == 0o600)
    }

    @Test func readingAMissingVaultThrowsAndCreatesNothing() throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/sub/vault.sealed")
        #expect(throws: VaultError(.noVault, path: vault.path)) { try vault.read(passphrase: passphrase) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func wrongPassphraseChangesNothing() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        let before = try readFile(vault.path)
        let expected = VaultError(.wrongPassphraseOrTampered, path: vault.path)
        #expect(throws: expected) { try vault.read(passphrase: "wrong") }
        var changeRan = false
        #expect(throws: expected) {
            try vault.update(passphrase: "wrong", parameters: cheapParameters) { _ in changeRan = true }
        }
        #expect(!changeRan)
        #expect(try readFile(vault.path) == before)
        #expect(expected.description.hasPrefix(vault.path + ": the vault could not be opened"))
    }

    @Test func tamperedFileIsRejectedAndLeftAsItIs() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        var bytes = try readFile(vault.path)
        bytes[bytes.count - 1] ^= 1
        try writeFile(vault.path, bytes)
        #expect(throws: VaultError(.wrongPassphraseOrTampered, path: vault.path)) {
            try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("b")) }
        }
        #expect(try readFile(vault.path) == bytes)
    }

    @Test func notAVaultNamesTheFile() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try writeFile(vault.path, Array("[default]\nregion = eu-west-1\n".utf8))
        let error = vaultError { _ = try vault.read(passphrase: passphrase) }
        #expect(error == VaultError(.notAVault(.badMagic), path: vault.path))
        #expect(error?.description == vault.path + #": not a vegas vault: it does not start with "vegas-vault\n""#)
    }

    @Test func oversizedFileOnDiskIsRejected() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try writeFile(vault.path, [UInt8](repeating: 0, count: VaultFormat.maximumFileSize + 1))
        let error = vaultError { _ = try vault.read(passphrase: passphrase) }
        guard case .notAVault(.oversized) = error?.kind else {
            Issue.record("expected oversized, got \(String(describing: error))")
            return
        }
        #expect(error?.path == vault.path)
    }

    @Test func failingChangeWritesNothing() throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        let before = try readFile(vault.path)
        #expect(throws: VaultError(.duplicateAccount("a"))) {
            try vault.update(passphrase: passphrase, parameters: cheapParameters) { contents in
                try contents.remove(named: "a")
                try contents.add(totpAccount("b"))
                try contents.add(totpAccount("a"))
                try contents.add(totpAccount("a"))
            }
        }
        #expect(try readFile(vault.path) == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["vault.sealed", "vault.sealed.lock"])
    }

    @Test func failingChangeOnAMissingVaultCreatesNoVault() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        #expect(throws: VaultError(.noSuchAccount("x"))) {
            try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.remove(named: "x") }
        }
        #expect(!vault.exists)
    }

    @Test func updateReusesTheKeyAndRederivesWhenParametersChange() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        let first = try readFile(vault.path)
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(totpAccount("b")) }
        let second = try readFile(vault.path)
        #expect(first[16..<32] == second[16..<32])  // same salt: the key was not derived again
        #expect(first[32..<44] != second[32..<44])  // a fresh nonce
        let stronger = ScryptParameters(log2N: 6, r: 2, p: 1)
        try vault.update(passphrase: passphrase, parameters: stronger) { _ in }
        let third = try readFile(vault.path)
        #expect(Array(third[13..<16]) == [6, 2, 1])
        #expect(third[16..<32] != second[16..<32])
        #expect(try vault.read(passphrase: passphrase).accounts.map(\.name) == ["a", "b"])
    }

    @Test func hotpCounterAdvancesAcrossUpdates() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase, parameters: cheapParameters) { try $0.add(hotpAccount("h")) }
        var codes: [String] = []
        for _ in 0..<3 {
            codes.append(
                try vault.update(passphrase: passphrase, parameters: cheapParameters) {
                    try $0.nextCode(forAccountNamed: "h", unixTime: 0)
                })
        }
        #expect(codes == ["755224", "287082", "359152"])
        #expect(try vault.read(passphrase: passphrase).account(named: "h")?.uri.kind == .hotp(counter: 3))
    }

    @Test func standardParametersAreUsedByDefault() throws {
        let vault = VaultFile(path: try makeTemporaryDirectory() + "/vault.sealed")
        try vault.update(passphrase: passphrase) { try $0.add(totpAccount("a")) }
        #expect(Array(try readFile(vault.path)[13..<16]) == [15, 8, 1])
        #expect(try vault.read(passphrase: passphrase).accounts.count == 1)
    }

    @Test func emptyPassphraseAndBadParametersAreRejectedBeforeTouchingTheDisk() throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/sub/vault.sealed")
        #expect(throws: VaultError(.emptyPassphrase, path: vault.path)) {
            try vault.update(passphrase: "", parameters: cheapParameters) { _ in }
        }
        let bad = ScryptParameters(log2N: 30, r: 8, p: 1)
        #expect(throws: VaultError(.invalidParameters(bad), path: vault.path)) {
            try vault.update(passphrase: passphrase, parameters: bad) { _ in }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func unwritableDirectoryIsAnIOError() throws {
        let directory = try makeTemporaryDirectory()
        try writeFile(directory + "/file", [])
        let vault = VaultFile(path: directory + "/file/vault.sealed")
        let error = vaultError { try vault.update(passphrase: passphrase, parameters: cheapParameters) { _ in } }
        #expect(error?.kind == .io(operation: "open", message: "Not a directory"))
        #expect(error?.path == vault.lockPath)
    }
}

/// Behaviour across real processes: the test binary re-runs itself for each exit test (no fork).
@Suite struct VaultFileProcessTests {
    /// A process killed (SIGXFSZ) while writing the temporary file leaves the previous vault byte-identical.
    @Test func crashMidWriteLeavesThePreviousVault() async throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/vault.sealed")
        try vault.update(passphrase: "pw", parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        let before = try readFile(vault.path)
        await #expect(processExitsWith: .signal(SIGXFSZ)) { [path = vault.path as String] in
            restoreDefaultAction(of: SIGXFSZ)
            limitFileSize(to: 64)
            _ = try? VaultFile(path: path).update(passphrase: "pw", parameters: cheapParameters) {
                try $0.add(totpAccount("b"))
            }
        }
        #expect(try readFile(vault.path) == before)
        #expect(try vault.read(passphrase: "pw").accounts.map(\.name) == ["a"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".") }
        #expect(leftovers.count == 1)  // the crashed writer's temporary file
        try vault.update(passphrase: "pw", parameters: cheapParameters) { try $0.add(totpAccount("c")) }
        #expect(try vault.read(passphrase: "pw").accounts.map(\.name) == ["a", "c"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["vault.sealed", "vault.sealed.lock"])
    }

    /// A write that fails (EFBIG) throws, removes its temporary file and leaves the previous vault byte-identical.
    @Test func failedWriteThrowsAndCleansUp() async throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/vault.sealed")
        try vault.update(passphrase: "pw", parameters: cheapParameters) { try $0.add(totpAccount("a")) }
        let before = try readFile(vault.path)
        await #expect(processExitsWith: .success) { [path = vault.path as String] in
            signal(SIGXFSZ, SIG_IGN)
            limitFileSize(to: 64)
            do {
                try VaultFile(path: path).update(passphrase: "pw", parameters: cheapParameters) {
                    try $0.add(totpAccount("b"))
                }
            } catch let error as VaultError where error.kind == .io(operation: "write", message: "File too large") {
                return
            }
            exit(EXIT_FAILURE)
        }
        #expect(try readFile(vault.path) == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["vault.sealed", "vault.sealed.lock"])
    }

    /// Twenty processes, released together, each add one account to the same vault; all twenty are kept.
    @Test func twentyConcurrentProcessesLoseNothing() async throws {
        let directory = try makeTemporaryDirectory()
        let vault = VaultFile(path: directory + "/vegas/vault.sealed")
        let barrier = directory + "/barrier"
        try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: false)
        let processCount = 20
        let path = vault.path
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<processCount {
                let name = "account \(index)"
                group.addTask {
                    await #expect(processExitsWith: .success) {
                        [
                            path = path as String, barrier = barrier as String, name = name as String,
                            processCount = processCount as Int
                        ] in
                        try awaitBarrier(barrier, name: name, count: processCount)
                        try VaultFile(path: path).update(passphrase: "pw", parameters: contendedParameters) {
                            try $0.add(totpAccount(name))
                        }
                    }
                }
            }
        }
        let names = try vault.read(passphrase: "pw").accounts.map(\.name)
        #expect(names == (0..<processCount).map { "account \($0)" }.sorted())
    }
}

/// Enough scrypt work (4 MiB, a few ms) to make the read-modify-write windows of the processes overlap.
let contendedParameters = ScryptParameters(log2N: 12, r: 8, p: 1)

/// Makes writes beyond `bytes` fail (EFBIG, or SIGXFSZ which kills by default) for this process.
func limitFileSize(to bytes: rlim_t) {
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    #if canImport(Glibc)
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit)
    #else
        setrlimit(RLIMIT_FSIZE, &limit)
    #endif
}

/// Makes `signal` act by default (the test runner may have it ignored or blocked).
func restoreDefaultAction(of signalNumber: Int32) {
    signal(signalNumber, SIG_DFL)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, signalNumber)
    sigprocmask(SIG_UNBLOCK, &set, nil)
}

/// Announces this process in `directory` and waits (up to a minute) until `count` processes have.
func awaitBarrier(_ directory: String, name: String, count: Int) throws {
    try writeFile(directory + "/" + name, [])
    let deadline = Date().addingTimeInterval(60)
    while try FileManager.default.contentsOfDirectory(atPath: directory).count < count {
        guard Date() < deadline else { throw CocoaError(.fileReadUnknown) }
        usleep(1_000)
    }
}
