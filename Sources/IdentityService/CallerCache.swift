import OTP
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Recently authenticated callers, so the hot path (every signed request) needs no database read and no decryption.
/// Entries live at most `lifetime` seconds (bounding staleness when several servers share a store) and never past a
/// session's expiry; any change to keys, users or roles clears the cache on this server.
final class CallerCache: Sendable {
    private struct Entry: Sendable {
        let caller: KnownCaller
        let tokenHash: Data?
        let validUntil: Date
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        /// Bumped by every `removeAll`, so a look-up that raced with a change is not cached.
        var generation = 0
    }

    private let state = Mutex(State())
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached caller for these credentials, if still valid and the token (for temporary credentials) matches.
    func lookup(accessKeyId: String, securityToken: String?, now: Date) -> KnownCaller? {
        guard let entry = state.withLock({ $0.entries[accessKeyId] }), entry.validUntil > now else { return nil }
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
    var generation: Int { state.withLock { $0.generation } }

    func store(_ caller: KnownCaller, accessKeyId: String, now: Date, generation: Int) {
        var validUntil = now.addingTimeInterval(lifetime)
        if let session = caller.principal.session { validUntil = min(validUntil, session.expiration) }
        let entry = Entry(caller: caller, tokenHash: caller.principal.session?.tokenHash, validUntil: validUntil)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[accessKeyId] = entry
        }
    }

    func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }
}
