import Foundation
import IdentityService
import Testing

@Suite("Caches across instances: a revocation through one instance reaches another's caches")
struct CacheCoherenceTests {
    @Test(
        "deleted and deactivated keys, deleted users and removed devices are refused by a second instance once it looks",
        arguments: StoreBackend.allCases)
    func revocationsReachOtherInstances(backend: StoreBackend) async throws {
        let h = try await Harness(backend)
        let other = h.otherServer()
        #expect(await other.refreshCaches())  // the first look vouches for nothing cached before it
        _ = try await h.service.createUser(h.root, userName: "alice", path: "/")
        let first = try await h.service.createAccessKey(h.root, userName: "alice")
        let second = try await h.service.createAccessKey(h.root, userName: "alice")
        let alice = try await other.caller(accessKeyId: first.record.accessKeyId, securityToken: nil).principal
        let session = try await other.getSessionToken(alice, durationSeconds: 900, serialNumber: nil, tokenCode: nil)
        _ = try await other.caller(accessKeyId: second.record.accessKeyId, securityToken: nil)
        _ = try await other.caller(
            accessKeyId: session.credentials.accessKeyId, securityToken: session.credentials.sessionToken)
        let (serial, _) = try await h.enabledDevice("alice-phone", for: "alice")
        #expect(await other.refreshCaches())
        #expect(try await other.listMFADevices(h.root, userName: "alice").map(\.serialNumber) == [serial])
        #expect(await !other.refreshCaches())  // nothing changed since

        try await h.service.deleteAccessKey(h.root, userName: "alice", accessKeyId: first.record.accessKeyId)
        try await h.service.updateAccessKey(
            h.root, userName: "alice", accessKeyId: second.record.accessKeyId, active: false)
        try await h.service.deactivateMFADevice(h.root, userName: "alice", serialNumber: serial)
        #expect(await other.refreshCaches())
        for key in [first, second] {
            let refused = await awsError {
                _ = try await other.caller(accessKeyId: key.record.accessKeyId, securityToken: nil)
            }
            #expect(refused?.code == "InvalidClientTokenId")
        }
        #expect(try await other.listMFADevices(h.root, userName: "alice").isEmpty)

        try await h.service.deleteAccessKey(h.root, userName: "alice", accessKeyId: second.record.accessKeyId)
        try await h.service.deleteVirtualMFADevice(h.root, serialNumber: serial)
        try await h.service.deleteUser(h.root, userName: "alice")
        #expect(await other.refreshCaches())
        let sessionRefused = await awsError {
            _ = try await other.caller(
                accessKeyId: session.credentials.accessKeyId, securityToken: session.credentials.sessionToken)
        }
        #expect(sessionRefused?.code == "InvalidClientTokenId")
    }
}
