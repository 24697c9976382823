import OTP

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Recently authenticated callers, so the hot path (every signed request) needs no database read and no decryption.
/// A cached caller never outlives its session; any change to keys, users or roles clears the cache on this server.
final class CallerCache: Sendable {
    private struct Entry: Sendable {
        let caller: KnownCaller
        let tokenHash: Data?
    }

    private let entries = RecentCache<Entry>()

    /// The cached caller for these credentials, if still valid and the token (for temporary credentials) matches.
    func lookup(accessKeyId: String, securityToken: String?, now: Date) -> KnownCaller? {
        guard let entry = entries.lookup(accessKeyId, now: now) else { return nil }
        switch (entry.tokenHash, securityToken) {
        case (nil, nil):
            return entry.caller
        case (let stored?, let token?) where constantTimeEquals(stored, Identifiers.tokenHash(token)):
            return entry.caller
        default:
            return nil
        }
    }

    /// The current generation: pass it to `store` after loading from the store.
    var generation: Int { entries.generation }

    func store(_ caller: KnownCaller, accessKeyId: String, now: Date, generation: Int) {
        entries.store(
            Entry(caller: caller, tokenHash: caller.principal.session?.tokenHash), for: accessKeyId, now: now,
            until: caller.principal.session?.expiration, generation: generation)
    }

    func removeAll() { entries.removeAll() }
}
