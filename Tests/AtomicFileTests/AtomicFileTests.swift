import AtomicFile
import Foundation
import Testing

@Suite("AtomicFile: whole-file replacement")
struct AtomicFileTests {
    private let directory: String

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("atomic-file-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    }

    private func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test("creates and replaces the file with the exact mode asked, leaving nothing else")
    func createsAndReplaces() throws {
        let path = directory + "/config"
        try AtomicFile.write(Array("first".utf8), to: path)
        #expect(try contents(path) == Array("first".utf8))
        #expect(try mode(path) == 0o600)
        // Group- and world-writable: the usual umask (022) would take those bits away.
        try AtomicFile.write(Array("second, longer".utf8), to: path, mode: 0o666)
        #expect(try contents(path) == Array("second, longer".utf8))
        #expect(try mode(path) == 0o666)
        try AtomicFile.write([], to: path)
        #expect(try contents(path).isEmpty)
        #expect(try entries() == ["config"])
    }

    @Test("a write that cannot start names the file and the reason, and changes nothing")
    func missingDirectory() throws {
        let path = directory + "/absent/config"
        let error = #expect(throws: AtomicFile.Error.self) { try AtomicFile.write([1, 2, 3], to: path) }
        #expect(error?.path == path)
        #expect(error?.operation == "create a temporary file")
        #expect(error?.message == "No such file or directory")
        #expect(try entries().isEmpty)
    }

    @Test("a rename that fails removes the temporary file and keeps what was there")
    func failedRename() throws {
        let path = directory + "/taken"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        #expect(throws: AtomicFile.Error.self) { try AtomicFile.write([1], to: path) }
        #expect(try entries() == ["taken"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["inside"])
    }

    @Test("concurrent writes to one path each land whole; the file holds one of them")
    func concurrentWrites() async throws {
        let path = directory + "/shared"
        let payloads = (0..<16).map { index in [UInt8](repeating: UInt8(index), count: 64 * 1024) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for payload in payloads {
                group.addTask { for _ in 0..<5 { try AtomicFile.write(payload, to: path) } }
            }
            try await group.waitForAll()
        }
        #expect(payloads.contains(try contents(path)))
        #expect(try entries() == ["shared"])
    }

    @Test("removeTemporaries removes a dead writer's .<name>.XXXXXX files and nothing else")
    func removesTemporaries() throws {
        let path = directory + "/vault"
        try AtomicFile.write([7], to: path)
        for name in [
            ".vault.a1B2c3", ".vault.zzzzzz", ".vault.short", ".vault.toolong1", ".other.a1B2c3", "vault.a1B2c3",
        ] {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: Data([0]))
        }
        AtomicFile.removeTemporaries(of: path)
        #expect(try entries() == [".other.a1B2c3", ".vault.short", ".vault.toolong1", "vault", "vault.a1B2c3"])
        #expect(try contents(path) == [7])
    }
}
