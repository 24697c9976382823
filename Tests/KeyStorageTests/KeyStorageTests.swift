import Foundation
import KeyStorage
import TestSupport
import Testing

/// keyutils' `keyctl`: the independent reader of the kernel keyring.
private let keyctl = "/usr/bin/keyctl"

@Suite("KernelKeyring", .enabled(if: KernelKeyring.isAvailable, "the kernel offers no user keyring here"))
struct KernelKeyringTests {
    private func uniqueDescription() -> String { "vegas-credentials:test:\(UUID().uuidString)" }

    @Test("a stored key is read back, and keyctl finds the same bytes in the user keyring with the user's permissions")
    func storeAndLoad() throws {
        let store = KernelKeyring(description: uniqueDescription())
        defer { try? store.remove() }
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        #expect(try store.load() == nil)
        try store.store(secret)
        #expect(try store.load() == secret)

        let found = try Command.run(keyctl, ["search", "@u", "user", store.description])
        #expect(found.status == 0, "keyctl search: \(found.standardError)")
        let serial = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let payload = try Command.run(keyctl, ["pipe", serial])
        #expect(Array(payload.standardOutput) == secret)
        // "user;<uid>;<gid>;<perm>;<description>": possessor all, user view/read/write/search/setattr, nothing else.
        let described = try Command.run(keyctl, ["rdescribe", serial])
        let fields = described.output.trimmingCharacters(in: .newlines).split(separator: ";", maxSplits: 4)
        #expect(fields.count == 5 && fields[0] == "user" && fields[4] == store.description[...], "\(described.output)")
        #expect(fields.count == 5 && fields[3] == "3f2f0000", "\(described.output)")
        #expect(fields.count == 5 && fields[1] == "\(getuid())", "\(described.output)")
    }

    @Test("storing again replaces the payload; remove invalidates it for everyone and is idempotent")
    func replaceAndRemove() throws {
        let store = KernelKeyring(description: uniqueDescription())
        try store.store(Array(repeating: 1, count: 32))
        try store.store(Array(repeating: 2, count: 32))
        #expect(try store.load() == Array(repeating: 2, count: 32))
        try store.remove()
        #expect(try store.load() == nil)
        #expect(try Command.run(keyctl, ["search", "@u", "user", store.description]).status != 0)
        try store.remove()
    }

    @Test("keys of different descriptions are separate")
    func separateDescriptions() throws {
        let first = KernelKeyring(description: uniqueDescription())
        let second = KernelKeyring(description: uniqueDescription())
        defer {
            try? first.remove()
            try? second.remove()
        }
        try first.store(Array(repeating: 7, count: 32))
        #expect(try second.load() == nil)
    }

    @Test("a payload written by another program is read whole, so a wrong size is visible to the caller")
    func foreignPayload() throws {
        let store = KernelKeyring(description: uniqueDescription())
        defer { try? store.remove() }
        let added = try Command.run(keyctl, ["padd", "user", store.description, "@u"], input: "short")
        #expect(added.status == 0, "keyctl padd: \(added.standardError)")
        #expect(try store.load() == Array("short".utf8))
    }
}

@Suite("KeyFile")
struct KeyFileTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "keyfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    @Test("a stored key is read back from a file readable by its owner only")
    func storeAndLoad() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = KeyFile(path: directory + "/cache.key")
        #expect(try store.load() == nil)
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        try store.store(secret)
        #expect(try store.load() == secret)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try store.remove()
        #expect(try store.load() == nil)
        try store.remove()
    }

    @Test("an oversized file is read only up to just past the limit")
    func oversized() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/cache.key"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: 1 << 20)))
        #expect(try KeyFile(path: path).load()?.count == 4097)
    }

    @Test("a directory in the key's place is a clear error naming the path")
    func unreadable() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: KeyStoreError.self) { try KeyFile(path: directory).load() }
        #expect(error?.description.contains(directory) == true, "\(String(describing: error))")
    }
}
