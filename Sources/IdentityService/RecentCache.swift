import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Recently read values, so that hot read paths skip the database. Entries live at most `lifetime` seconds (bounding
/// staleness when several servers share a store) or until their own deadline; every change that could make an entry
/// wrong calls `removeAll` on this server. A reader that loaded from the store while a change happened does not cache
/// what it read (the generation moved).
final class RecentCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        let value: Value
        let validUntil: Date
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        var generation = 0
    }

    private let state = Mutex(State())
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func lookup(_ key: String, now: Date) -> Value? {
        guard let entry = state.withLock({ $0.entries[key] }), entry.validUntil > now else { return nil }
        return entry.value
    }

    /// The current generation: read it before loading from the store, pass it to `store`.
    var generation: Int { state.withLock { $0.generation } }

    func store(_ value: Value, for key: String, now: Date, until deadline: Date? = nil, generation: Int) {
        var validUntil = now.addingTimeInterval(lifetime)
        if let deadline { validUntil = min(validUntil, deadline) }
        let entry = Entry(value: value, validUntil: validUntil)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = entry
        }
    }

    func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.generation += 1
        }
    }
}
