import Foundation
import Synchronization
import Testing

@testable import YubiKey

/// `YkmanOATH` against the stand-in ykman (tests/support/ykman), first on PATH.
@Suite(.serialized)
struct YkmanOATHTests {
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let otherSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    /// Seconds since the epoch, now.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    @Test("addAccount without touch stores the account; code returns pyotp's code without a touch prompt")
    func addWithoutTouch() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        try await ykman.addAccount(
            name: "alice", issuer: "Amazon Web Services", secretBase32: Self.secret, touch: false)
        #expect(try await ykman.accounts() == ["Amazon Web Services:alice"])
        let stored = try #require(try standIn.devices().first?["accounts"] as? [[String: Any]]).first
        #expect(stored?["touch"] as? Bool == false)
        #expect(stored?["secret"] as? String == Self.secret)

        let prompted = Mutex(false)
        let before = Self.now()
        let code = try await ykman.code(label: "Amazon Web Services:alice") { prompted.withLock { $0 = true } }
        let after = Self.now()
        let expected = try Set([before, after].map { try pyotpCode(secret: Self.secret, time: $0) })
        #expect(expected.contains(code))
        #expect(prompted.withLock { $0 } == false)
    }

    @Test("addAccount with touch passes --touch; code waits for the touch and calls onTouchPrompt before it returns")
    func addWithTouchAndCodeAfterDelay() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        try await standIn.ykman().addAccount(name: "bob", issuer: "AWS", secretBase32: Self.secret, touch: true)
        #expect(try standIn.arguments().last?.contains("--touch") == true)
        let stored = try #require(try standIn.devices().first?["accounts"] as? [[String: Any]]).first
        #expect(stored?["touch"] as? Bool == true)

        let clock = ContinuousClock()
        let promptedAt = Mutex<ContinuousClock.Instant?>(nil)
        let before = Self.now()
        let code = try await standIn.ykman(touch: "1.5").code(label: "AWS:bob") {
            promptedAt.withLock { $0 = clock.now }
        }
        let returnedAt = clock.now
        let prompt = try #require(promptedAt.withLock { $0 })
        #expect(prompt < returnedAt)
        #expect(returnedAt - prompt >= .milliseconds(1200), "the prompt came while ykman waited for the touch")
        let expected = try Set([before, before + 1, before + 2].map { try pyotpCode(secret: Self.secret, time: $0) })
        #expect(expected.contains(code))
    }

    @Test("no touch before the key gives up: touchTimedOut, after the touch prompt")
    func touchTimeout() async throws {
        let standIn = try StandIn(accounts: [
            standInAccount(name: "bob", issuer: "AWS", secret: Self.secret, touch: true)
        ])
        defer { standIn.remove() }
        let prompted = Mutex(false)
        let error = await yubiKeyError {
            _ = try await standIn.ykman(touch: "timeout").code(label: "AWS:bob") {
                prompted.withLock { $0 = true }
            }
        }
        #expect(error == YubiKeyError(.touchTimedOut))
        #expect(prompted.withLock { $0 })
        #expect(error?.description == "no touch: the YubiKey timed out waiting")
    }

    @Test("cancelling the calling task terminates ykman while it waits for a touch")
    func cancellationTerminatesYkman() async throws {
        let standIn = try StandIn(accounts: [standInAccount(name: "bob", secret: Self.secret, touch: true)])
        defer { standIn.remove() }
        let ykman = standIn.ykman(touch: "60")
        let (prompts, promptContinuation) = AsyncStream<Void>.makeStream()
        let task = Task { () async throws(YubiKeyError) -> String in
            try await ykman.code(label: "bob") { _ = promptContinuation.yield() }
        }
        for await _ in prompts { break }
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let result = await task.result
        #expect(clock.now - start < .seconds(3))
        #expect(throws: YubiKeyError(.cancelled)) { try result.get() }
        let pid = try #require(try standIn.invocations().last?["pid"] as? Int)
        #expect(kill(pid_t(pid), 0) == -1 && errno == ESRCH, "the stand-in process is gone")
    }

    @Test("a task cancelled before the call starts no ykman")
    func cancelledBeforeStart() async throws {
        let standIn = try StandIn(accounts: [standInAccount(name: "bob", secret: Self.secret)])
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        let task = Task { () async throws(YubiKeyError) -> String in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ykman.code(label: "bob")
        }
        await #expect(throws: YubiKeyError(.cancelled)) { try await task.value }
        #expect(try standIn.invocations().isEmpty)
    }

    @Test("no YubiKey connected: noDevice from every command; serials() is empty")
    func noDevice() async throws {
        let standIn = try StandIn(devices: [])
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        #expect(try await ykman.serials() == [])
        #expect(await yubiKeyError { _ = try await ykman.accounts() } == YubiKeyError(.noDevice))
        #expect(await yubiKeyError { _ = try await ykman.code(label: "bob") } == YubiKeyError(.noDevice))
        let addError = await yubiKeyError {
            try await ykman.addAccount(name: "bob", issuer: nil, secretBase32: Self.secret, touch: true)
        }
        #expect(addError == YubiKeyError(.noDevice))
    }

    @Test("two YubiKeys and no serial: severalDevices names both serials")
    func twoDevicesWithoutSerial() async throws {
        let standIn = try StandIn(devices: [["serial": 111], ["serial": 222]])
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        #expect(try await ykman.serials() == ["111", "222"])
        let error = await yubiKeyError { _ = try await ykman.code(label: "bob") }
        #expect(error == YubiKeyError(.severalDevices(["111", "222"])))
        #expect(
            error?.description
                == "several YubiKeys are connected (111, 222); choose one with --serial / vegas_yubikey_serial")
    }

    @Test("with a serial, ykman --device acts on that YubiKey only")
    func withSerial() async throws {
        let standIn = try StandIn(devices: [
            ["serial": 111, "accounts": [standInAccount(name: "one", secret: Self.secret)]],
            ["serial": 222, "accounts": [standInAccount(name: "two", secret: Self.otherSecret)]],
        ])
        defer { standIn.remove() }
        let second = standIn.ykman(serial: "222", now: 59)
        #expect(try await second.accounts() == ["two"])
        #expect(try await second.code(label: "two") == "287082")  // RFC 6238, T = 1, last 6 digits
        try await second.addAccount(name: "three", issuer: nil, secretBase32: Self.secret, touch: false)
        #expect(try await standIn.ykman(serial: "111").accounts() == ["one"])
        #expect(try await second.accounts() == ["three", "two"])
        #expect(
            try standIn.arguments().allSatisfy {
                $0.first == "list" || $0.prefix(2) == ["--device", "111"]
                    || $0.prefix(2) == ["--device", "222"]
            })
    }

    @Test("a serial no connected YubiKey has: deviceNotFound")
    func wrongSerial() async throws {
        let standIn = try StandIn(serial: 111)
        defer { standIn.remove() }
        let error = await yubiKeyError { _ = try await standIn.ykman(serial: "333").accounts() }
        #expect(error == YubiKeyError(.deviceNotFound("333")))
        let invalid = await yubiKeyError { _ = try await standIn.ykman(serial: "12ab").accounts() }
        #expect(invalid == YubiKeyError(.invalidArgument("the YubiKey serial must be a decimal number")))
    }

    @Test("an OATH password ykman does not remember: passwordProtected; once remembered, codes work")
    func passwordProtected() async throws {
        let standIn = try StandIn(
            accounts: [standInAccount(name: "bob", secret: Self.secret)], extra: ["password": "hunter2"])
        defer { standIn.remove() }
        let ykman = standIn.ykman(now: 1_111_111_109)
        let operations: [() async throws -> Void] = [
            { _ = try await ykman.accounts() },
            { _ = try await ykman.code(label: "bob") },
            {
                try await ykman.addAccount(name: "x", issuer: nil, secretBase32: Self.secret, touch: false)
            },
        ]
        for operation in operations {
            let error = await yubiKeyError(operation)
            #expect(error == YubiKeyError(.passwordProtected))
            #expect(error?.description.contains("ykman oath access remember") == true)
        }
        _ = try runTool(
            ["ykman", "oath", "access", "remember", "--password", "hunter2"], environment: standIn.environment())
        #expect(try await ykman.code(label: "bob") != "")
    }

    @Test("a label no account matches: accountNotFound from code and deleteAccount")
    func accountNotFound() async throws {
        let standIn = try StandIn(accounts: [standInAccount(name: "alice2", secret: Self.secret)])
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        #expect(await yubiKeyError { _ = try await ykman.code(label: "bob") } == YubiKeyError(.accountNotFound("bob")))
        // ykman's delete would take "alice2" for "alice"; deleteAccount insists on the exact id.
        #expect(
            await yubiKeyError { try await ykman.deleteAccount(label: "alice") }
                == YubiKeyError(.accountNotFound("alice")))
        #expect(try await ykman.accounts() == ["alice2"])
    }

    @Test("a label that is part of several ids: ambiguousLabel lists them; an exact id wins over substrings")
    func ambiguousAndExact() async throws {
        let standIn = try StandIn(accounts: [
            standInAccount(name: "alice", secret: Self.secret),
            standInAccount(name: "alice2", secret: Self.otherSecret),
        ])
        defer { standIn.remove() }
        let ykman = standIn.ykman(now: 59)
        #expect(
            await yubiKeyError { _ = try await ykman.code(label: "ali") }
                == YubiKeyError(.ambiguousLabel("ali", matches: ["alice", "alice2"])))
        #expect(try await ykman.code(label: "alice") == (try pyotpCode(secret: Self.secret, time: 59)))
        #expect(try await ykman.code(label: "ALICE2") == "287082")
    }

    @Test("deleteAccount removes exactly that account")
    func delete() async throws {
        let standIn = try StandIn(accounts: [
            standInAccount(name: "alice", issuer: "AWS", secret: Self.secret),
            standInAccount(name: "alice2", issuer: "AWS", secret: Self.secret),
        ])
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        try await ykman.deleteAccount(label: "AWS:alice")
        #expect(try await ykman.accounts() == ["AWS:alice2"])
        #expect(try standIn.arguments().contains(["oath", "accounts", "delete", "--force", "--", "AWS:alice"]))
    }

    @Test("adding an existing label: accountExists, unless overwrite replaces it")
    func addExistingAndOverwrite() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        let ykman = standIn.ykman(now: 59)
        try await ykman.addAccount(name: "bob", issuer: "AWS", secretBase32: Self.secret, touch: false)
        let error = await yubiKeyError {
            try await ykman.addAccount(name: "bob", issuer: "AWS", secretBase32: Self.otherSecret, touch: false)
        }
        #expect(error == YubiKeyError(.accountExists("AWS:bob")))
        #expect(try await ykman.code(label: "AWS:bob") == (try pyotpCode(secret: Self.secret, time: 59)))
        try await ykman.addAccount(
            name: "bob", issuer: "AWS", secretBase32: Self.otherSecret, touch: false, overwrite: true)
        #expect(try await ykman.code(label: "AWS:bob") == "287082")
        #expect(try await ykman.accounts() == ["AWS:bob"])
    }

    @Test("digits, algorithm and period reach the key; the label carries a non-default period")
    func parameters() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        let ykman = standIn.ykman(now: 1_234_567_890)
        let sha256Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"
        try await ykman.addAccount(
            name: "carol", issuer: "AWS", secretBase32: sha256Secret, touch: false, digits: 8, algorithm: "sha256",
            period: 60)
        let label = YkmanOATH.accountLabel(name: "carol", issuer: "AWS", period: 60)
        #expect(label == "60/AWS:carol")
        #expect(try await ykman.accounts() == [label])
        let expected = try pyotpCode(
            secret: sha256Secret, time: 1_234_567_890, digits: 8, algorithm: "SHA256", period: 60)
        #expect(try await ykman.code(label: label) == expected)
    }

    @Test("the secret goes over stdin only: no argv of any run holds it; each run leads its own session, no tty")
    func secretNeverInArgv() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        let lowercase = Self.otherSecret.lowercased()
        try await ykman.addAccount(name: "dave", issuer: "AWS", secretBase32: Self.secret, touch: true)
        try await ykman.addAccount(name: "erin", issuer: nil, secretBase32: lowercase, touch: false)
        _ = try await ykman.code(label: "erin")
        try await ykman.deleteAccount(label: "erin")
        let arguments = try standIn.arguments()
        #expect(arguments.count == 5)
        for argv in arguments {
            #expect(!argv.joined(separator: " ").uppercased().contains(Self.secret))
            #expect(!argv.joined(separator: " ").uppercased().contains(Self.otherSecret))
        }
        let stored = try #require(try standIn.devices().first?["accounts"] as? [[String: Any]])
        #expect(stored.map { $0["secret"] as? String } == [Self.secret])
        for invocation in try standIn.invocations() {
            #expect(invocation["session_leader"] as? Bool == true)
            #expect(invocation["has_tty"] as? Bool == false)
        }
    }

    @Test("a secret ykman would not accept is refused before any ykman runs, and never quoted")
    func invalidSecret() async throws {
        let standIn = try StandIn()
        defer { standIn.remove() }
        let ykman = standIn.ykman()
        for secret in ["JBSWY3DP!HPK3PXP", "A", "JBSWY3DPEHPK3PXP\nX", "JBSWY3DPEHPK3PXPJ"] {
            let error = await yubiKeyError {
                try await ykman.addAccount(name: "x", issuer: nil, secretBase32: secret, touch: false)
            }
            guard case .invalidSecret = error?.reason else {
                Issue.record("expected invalidSecret, got \(String(describing: error))")
                continue
            }
            #expect(error?.description.contains(secret) == false)
        }
        #expect(try standIn.invocations().isEmpty)
    }

    @Test("ykman not on PATH: ykmanNotFound")
    func ykmanMissing() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let ykman = YkmanOATH(environment: ["PATH": empty.path])
        let error = await yubiKeyError { _ = try await ykman.serials() }
        #expect(error == YubiKeyError(.ykmanNotFound))
        #expect(error?.description == "ykman was not found on PATH; install yubikey-manager")
        let systemPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let byPath = YkmanOATH(executable: StandIn.supportDirectory + "/ykman", environment: ["PATH": systemPath])
        #expect(try await byPath.serials() == [])
    }
}
