import OTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Opened TOTP generators by device serial, so that checking a code needs neither the seed's decryption nor the HMAC's
/// keying. An entry serves only the exact sealed seed it was opened from: a device deleted and created again under the
/// same serial has a new ciphertext and is opened afresh. The master key that opens every seed is in memory anyway, so
/// keeping opened seeds there for a few minutes exposes nothing more.
final class TOTPGeneratorCache: Sendable {
    private struct Entry: Sendable {
        let sealedSeed: Data
        let totp: TOTP
    }

    private let entries = RecentCache<Entry>(lifetime: 600)

    /// The generator for `sealedSeed`, from the cache or made by `open` (and then cached).
    func generator(
        serialNumber: String, sealedSeed: Data, now: Date, open: () throws -> TOTP
    ) rethrows -> TOTP {
        if let entry = entries.lookup(serialNumber, now: now), entry.sealedSeed == sealedSeed { return entry.totp }
        let generation = entries.generation
        let totp = try open()
        entries.store(
            Entry(sealedSeed: sealedSeed, totp: totp), for: serialNumber, now: now, generation: generation)
        return totp
    }
}
