import Foundation
import IdentityService
import IdentityStore
import Testing

private struct Refused: Error {}

@Suite("SQLite store: concurrent writes stay all-or-nothing each")
struct ConcurrentWriteTests {
    @Test("of 200 concurrent writes, each returns its own result and the ones that throw leave nothing behind")
    func concurrentWrites() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vegas-gc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("vegas.sqlite").path
        let store = try SQLiteStore(path: path)
        let results = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for index in 0..<200 {
                group.addTask {
                    do {
                        let name = try await store.write { tx -> String in
                            let name = "user\(index)"
                            try tx.insert(
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
        try store.close()
        // What was acknowledged is on disk: a new connection sees exactly the writes that succeeded.
        let reopened = try SQLiteStore(path: path)
        let names = Set(try await reopened.read { tx in try tx.users().map(\.userName) })
        #expect(names == Set((0..<200).filter { $0 % 5 != 0 }.map { "user\($0)" }))
        try reopened.close()
    }
}
