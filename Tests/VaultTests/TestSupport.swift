import Foundation
import OTP
import Vault

/// A cheap scrypt cost so that tests deriving hundreds of keys stay fast.
let cheapParameters = ScryptParameters(log2N: 4, r: 1, p: 1)

/// RFC 4226 / RFC 6238 SHA-1 test secret.
let rfcSecret = Array("12345678901234567890".utf8)

func totpAccount(_ name: String, issuer: String? = "Example", date: Double = 1_700_000_000.125) -> VaultAccount {
    VaultAccount(
        name: name, uri: OTPAuthURI(issuer: issuer, accountName: "alice@example.com", secret: rfcSecret),
        createDate: Date(timeIntervalSince1970: date))
}

func hotpAccount(_ name: String, counter: UInt64 = 0) -> VaultAccount {
    VaultAccount(
        name: name,
        uri: OTPAuthURI(kind: .hotp(counter: counter), issuer: nil, accountName: "bob", secret: rfcSecret, digits: 6),
        createDate: Date(timeIntervalSinceReferenceDate: 12_345.5))
}

func sampleContents() throws -> VaultContents {
    try VaultContents(accounts: [
        totpAccount("work"),
        hotpAccount("hotp counter"),
        VaultAccount(
            name: "Zürich bank ✓",
            uri: OTPAuthURI(
                kind: .totp(period: 60), issuer: "Bank & Co", accountName: "me+1@example.com",
                secret: (0..<32).map { UInt8($0 * 7 % 256) }, algorithm: .sha512, digits: 8),
            createDate: Date(timeIntervalSince1970: 0)),
    ])
}

/// A fresh, empty directory under the system temporary directory.
func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vault-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    return url.path
}

func readFile(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func permissions(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// The vault error thrown by `body`, if it throws one.
func vaultError(_ body: () throws -> Void) -> VaultError? {
    do {
        try body()
        return nil
    } catch {
        return error as? VaultError
    }
}

/// Runs `python3 -c script arguments…` with `input` on stdin; returns stdout, or nil on a non-zero exit.
func runPython(_ script: String, _ arguments: [String], input: [UInt8] = []) throws -> [UInt8]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    try stdin.fileHandleForWriting.write(contentsOf: Data(input))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? Array(output) : nil
}
