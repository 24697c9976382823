// Caches that stay correct when several instances share one store: a change that may make a cached value wrong moves
// the store's revision in its own transaction and drops this instance's caches; every instance watches the revision
// and drops its caches when it moves.
extension IdentityService {
    /// Drops every cache a change of keys, users, devices or roles may have made wrong.
    func dropCaches() {
        callers.removeAll()
        assignedDevices.removeAll()
    }

    /// Reads the store's revision and drops the caches if it moved since the last look (or if this is the first look,
    /// or the store could not be read: then nothing cached can be vouched for). Returns whether it dropped them.
    @discardableResult
    public func refreshCaches() async -> Bool { await lookAtRevision().dropped }

    /// Calls `refreshCaches()` every `interval` until cancelled: a change made through another instance reaches this
    /// one's caches within about one interval.
    public func watchForChanges(every interval: Duration = IdentityService.changeWatchInterval) async {
        var failing = false
        while !Task.isCancelled {
            let readable = await lookAtRevision().readable
            if !readable && !failing { logger.warning("the store cannot be read; caches are dropped until it can") }
            failing = !readable
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    private func lookAtRevision() async -> (dropped: Bool, readable: Bool) {
        let revision = try? await store.read { tx in try await tx.revision() }
        let moved = watchedRevision.withLock { seen in
            defer { seen = revision }
            return revision == nil || seen == nil || seen != revision
        }
        if moved { dropCaches() }
        return (moved, revision != nil)
    }

    /// How often instances look at the store's revision (the bound on a revocation reaching another instance).
    public static let changeWatchInterval: Duration = .milliseconds(100)
}
