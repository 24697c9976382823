import Foundation
import IdentityService
import Testing

@Suite("Store contents: everything one store holds is written into another and works there")
struct StoreCopyTests {
    @Test(
        "a copy has the source's rows, table by table, and its keys, sessions and devices work",
        arguments: StoreBackend.allCases, StoreBackend.allCases)
    func copyBetweenBackends(from source: StoreBackend, to target: StoreBackend) async throws {
        let h = try await Harness(source)
        let alice = try await h.user("alice")
        _ = try await h.service.createLoginProfile(
            h.root, userName: "alice", password: "correct horse 1", resetRequired: false)
        let (serial, totp) = try await h.enabledDevice("alice-phone", for: "alice")
        try await h.service.tagMFADevice(h.root, serialNumber: serial, tags: [TagRecord(key: "team", value: "sec")])
        _ = try await h.service.createVirtualMFADevice(
            h.root, name: "spare", path: "/", tags: [TagRecord(key: "k", value: "v")])
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#
        _ = try await h.service.createRole(
            h.root, roleName: "admin", path: "/", trustPolicy: trust, description: nil, maxSessionDuration: 3600)
        h.clock.advance(30)
        let session = try await h.service.getSessionToken(
            alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp))
        let now = h.clock.now
        try await h.store.write { tx in
            try await tx.insert(
                ConsoleSessionRecord(
                    tokenHash: Data(repeating: 1, count: 32), sealedState: Data([1, 2]), version: 3,
                    expires: now.addingTimeInterval(600)))
            try await tx.insert(
                SigninTokenRecord(
                    tokenHash: Data(repeating: 2, count: 32), sealedPrincipal: Data([3]),
                    sessionExpires: now.addingTimeInterval(3600), expires: now.addingTimeInterval(900)))
        }
        let contents = try await h.store.write { tx in try await tx.contents() }
        #expect(contents.counts.map(\.rows) == [1, 1, 2, 1, 2, 0, 2, 1, 1, 1, 1])

        let (copy, lease) = try await h.serverOnNewStore(target)
        try await lease.store.write { tx in try await contents.write(to: tx) }
        let copied = try await lease.store.read { tx in try await tx.contents() }
        #expect(copied.counts.map(\.rows) == contents.counts.map(\.rows))
        #expect(copied.users == contents.users && copied.tags == contents.tags && copied.roles == contents.roles)
        // What was copied works: the session signs, the device's used step stays used, the next code is accepted.
        let caller = try await copy.caller(
            accessKeyId: session.credentials.accessKeyId, securityToken: session.credentials.sessionToken)
        #expect(caller.principal.userName == "alice" && caller.secretAccessKey == session.credentials.secretAccessKey)
        let replay = await awsError {
            _ = try await copy.getSessionToken(
                alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp))
        }
        #expect(replay?.code == "AccessDenied")
        h.clock.advance(30)
        _ = try await copy.getSessionToken(alice, durationSeconds: 900, serialNumber: serial, tokenCode: h.code(totp))
        #expect(
            try await copy.signInToConsole(account: "123456789012", userName: "alice", password: "correct horse 1")
                != nil)
    }
}
