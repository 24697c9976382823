import Crypto
import CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Console passwords, hashed with scrypt. The stored form carries its parameters:
/// `scrypt$<log2 N>$<r>$<p>$<base64 salt>$<base64 hash>`.
public struct PasswordHasher: Sendable {
    public var log2Rounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// Defaults to N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds).
    public init(log2Rounds: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
        self.log2Rounds = log2Rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Hashes `password` with a fresh salt. Slow by design: call it off the request executor.
    public func hash(_ password: String) throws -> String {
        let salt = Identifiers.randomBytes(16)
        let derived = try derive(
            password, salt: salt, log2Rounds: log2Rounds, blockSize: blockSize, parallelism: parallelism)
        return
            "scrypt$\(log2Rounds)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// A well-formed stored hash that no password matches, with this hasher's cost: verifying against it takes as long as
    /// verifying a real one, so a refusal for an unknown user is as slow as one for a wrong password.
    public func decoyHash() -> String {
        let salt = Data(Identifiers.randomBytes(16)).base64EncodedString()
        let hash = Data(Identifiers.randomBytes(32)).base64EncodedString()
        return "scrypt$\(log2Rounds)$\(blockSize)$\(parallelism)$\(salt)$\(hash)"
    }

    /// Checks `password` against a stored hash in constant time. Malformed stored hashes never match.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
            let log2N = Int(parts[1]), (1...20).contains(log2N),
            let r = Int(parts[2]), (1...32).contains(r),
            let p = Int(parts[3]), (1...16).contains(p),
            let salt = Data(base64Encoded: String(parts[4])),
            let expected = Data(base64Encoded: String(parts[5])), expected.count == 32,
            let derived = try? derive(password, salt: Array(salt), log2Rounds: log2N, blockSize: r, parallelism: p)
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(derived, expected) { difference |= a ^ b }
        return difference == 0
    }

    private func derive(
        _ password: String, salt: [UInt8], log2Rounds: Int, blockSize: Int, parallelism: Int
    ) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << log2Rounds,
            blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
