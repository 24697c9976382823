import Foundation
import IdentityService
import Testing

@Suite("Expired rows: swept from every store, refused before that")
struct ExpirySweepTests {
    @Test(
        "a sweep removes exactly the STS sessions, console sessions and sign-in tokens past their end",
        arguments: StoreBackend.allCases)
    func sweepRemovesExpired(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let alice = try await h.user("alice")
        let short = try await h.service.getSessionToken(alice, durationSeconds: 900, serialNumber: nil, tokenCode: nil)
        let long = try await h.service.getSessionToken(alice, durationSeconds: 7200, serialNumber: nil, tokenCode: nil)
        let now = h.clock.now
        for (index, minutes) in [5.0, 20, 120].enumerated() {
            try await h.store.write { tx in
                try await tx.insert(
                    ConsoleSessionRecord(
                        tokenHash: Data([UInt8(index)]), sealedState: Data([1, 2, 3]), version: 0,
                        expires: now.addingTimeInterval(minutes * 60)))
                try await tx.insert(
                    SigninTokenRecord(
                        tokenHash: Data([UInt8(index)]), sealedPrincipal: Data([4]),
                        sessionExpires: now.addingTimeInterval(3600), expires: now.addingTimeInterval(minutes * 60)))
            }
        }
        #expect(try await h.service.sweepExpired() == SweepResult())
        h.clock.advance(30 * 60)
        #expect(try await h.service.sweepExpired() == SweepResult(sessions: 1, consoleSessions: 2, signinTokens: 2))
        let remaining = try await h.store.read { tx in
            (
                try await tx.session(accessKeyId: short.credentials.accessKeyId),
                try await tx.session(accessKeyId: long.credentials.accessKeyId),
                try await tx.consoleSession(tokenHash: Data([2])), try await tx.consoleSession(tokenHash: Data([0]))
            )
        }
        #expect(remaining.0 == nil && remaining.1 != nil && remaining.2 != nil && remaining.3 == nil)
    }

    @Test(
        "a sign-in token is taken once: of many concurrent takes exactly one gets it", arguments: StoreBackend.allCases)
    func signinTokenTakenOnce(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let token = SigninTokenRecord(
            tokenHash: Data(repeating: 7, count: 32), sealedPrincipal: Data([1]), sessionExpires: h.clock.now,
            expires: h.clock.now.addingTimeInterval(900))
        try await h.store.write { tx in try await tx.insert(token) }
        let store = h.store
        let taken = try await withThrowingTaskGroup(of: SigninTokenRecord?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await store.write { tx in try await tx.takeSigninToken(tokenHash: token.tokenHash) }
                }
            }
            return try await group.reduce(into: [SigninTokenRecord]()) { if let taken = $1 { $0.append(taken) } }
        }
        #expect(taken == [token])
    }

    @Test("a console session changes only from the version it was read at", arguments: StoreBackend.allCases)
    func consoleSessionCompareAndSet(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let record = ConsoleSessionRecord(
            tokenHash: Data([9]), sealedState: Data([1]), version: 0, expires: h.clock.now.addingTimeInterval(60))
        try await h.store.write { tx in try await tx.insert(record) }
        var changed = record
        changed.sealedState = Data([2])
        changed.version = 1
        let next = changed
        let first = try await h.store.write { tx in try await tx.update(next, ifVersion: 0) }
        #expect(first)
        changed.sealedState = Data([3])
        let stale = changed
        let second = try await h.store.write { tx in try await tx.update(stale, ifVersion: 0) }
        #expect(!second)
        let stored = try await h.store.read { tx in try await tx.consoleSession(tokenHash: Data([9])) }
        #expect(stored == next)
    }
}
