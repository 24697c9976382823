import Foundation
import IdentityService
import IdentityStore
import Testing

private struct Refused: Error {}

@Suite("Stores: concurrent writes stay all-or-nothing each")
struct ConcurrentWriteTests {
    @Test(
        "of 200 concurrent writes, each returns its own result and the ones that throw leave nothing behind",
        arguments: StoreBackend.allCases)
    func concurrentWrites(backend: StoreBackend) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-gc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lease = try await backend.makeStore(directory: directory)
        let store = lease.store
        let results = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let name = try await store.write { tx -> String in
                            let name = "user\(index)"
                            try await tx.insert(
                                UserRecord(
                                    userId: "AIDA\(index)", userName: name, path: "/",
                                    arn: "arn:aws:iam::123456789012:user/\(name)", createDate: Date()))
                            if index % 5 == 0 { throw Refused() }  // after its insert: must be rolled back
                            return name
                        }
                        return (index, .success(name))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<String, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        for (index, result) in results {
            switch result {
            case .success(let name): #expect(index % 5 != 0 && name == "user\(index)")
            case .failure(let error): #expect(index % 5 == 0 && error is Refused)
            }
        }
        let expected = Set((0..<200).filter { $0 % 5 != 0 }.map { "user\($0)" })
        #expect(Set(try await store.read { tx in try await tx.users().map(\.userName) }) == expected)
        guard backend == .sqlite else { return }
        // What was acknowledged is on disk: a new connection sees exactly the writes that succeeded.
        let reopened = try SQLiteStore(path: directory.appendingPathComponent("vegas.sqlite").path)
        #expect(Set(try await reopened.read { tx in try await tx.users().map(\.userName) }) == expected)
        try reopened.close()
    }
}
