import ChildProcess
import Synchronization
import Testing

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

@Suite("ChildProcess")
struct ChildProcessTests {
    /// Runs `sh -c script` with piped output and returns what it printed and how it ended.
    private func shell(
        _ script: String, input: ChildProcess.Stream = .nullDevice, newSession: Bool = false,
        outputLimit: Int = 1 << 16, errorLimit: Int = 1 << 16, watch: ChildProcess.Watch? = nil
    ) async throws -> ChildProcess.Finished {
        try await ChildProcess.run(
            "/bin/sh", arguments: ["-c", script], standardInput: input, standardOutput: .pipe, standardError: .pipe,
            newSession: newSession, keepingAtMost: outputLimit, errorLimit: errorLimit, watch: watch
        ).get()
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("bytes given as standard input arrive there, then end of file; stdout and stderr are kept apart")
    func standardStreams() async throws {
        let finished = try await shell("cat; echo; echo to-stderr >&2", input: .bytes(Array("secret-seed".utf8)))
        #expect(text(finished.captured.standardOutput) == "secret-seed\n")
        #expect(text(finished.captured.standardError) == "to-stderr\n")
        #expect(finished.exit == .exited(0))
        #expect(!finished.captured.overflowed && !finished.stopped)
    }

    @Test("the arguments pass as given, nothing else; a given environment replaces this process's")
    func argumentsAndEnvironment() async throws {
        let finished = try await ChildProcess.run(
            "/bin/sh", arguments: ["-c", "echo \"$0|$#|$VEGAS_TEST|${HOME-unset}\"", "one"],
            environment: ["VEGAS_TEST": "x"], standardOutput: .pipe, keepingAtMost: 100
        ).get()
        #expect(text(finished.captured.standardOutput) == "one|0|x|unset\n")
        let inherited = try await ChildProcess.run(
            "/bin/sh", arguments: ["-c", "echo ${PATH:+set}"], standardOutput: .pipe, keepingAtMost: 100
        ).get()
        #expect(text(inherited.captured.standardOutput) == "set\n")
    }

    @Test("output beyond the limits is read to the end and dropped, and reported")
    func outputLimits() async throws {
        let finished = try await shell(
            "i=0; while [ $i -lt 2000 ]; do echo 0123456789; echo abc >&2; i=$((i+1)); done", outputLimit: 15,
            errorLimit: 6)
        #expect(text(finished.captured.standardOutput) == "0123456789\n0123")
        #expect(text(finished.captured.standardError) == "abc\nab")
        #expect(finished.captured.overflowed)
        #expect(finished.exit == .exited(0))
    }

    @Test("exit statuses and signals are reported as such, in the words error messages use")
    func exitReporting() async throws {
        let exited = try await shell("exit 3")
        #expect(exited.exit == .exited(3))
        #expect(exited.exit.description == "exited with status 3")
        let killed = try await shell("kill -9 $$")
        #expect(killed.exit == .signalled(SIGKILL))
        #expect(killed.exit.description == "was killed by signal 9")
    }

    @Test("a program that cannot be started: the spawn's errno, no child")
    func spawnFailure() async {
        let result = await ChildProcess.run("/nonexistent/program", arguments: [])
        guard case .failure(let failure) = result else {
            Issue.record("a missing program was started")
            return
        }
        #expect(failure.code == ENOENT)
    }

    @Test("the child leads a process group of its own in our session; with newSession, a session of its own")
    func processGroupAndSession() async throws {
        let script = "import os; print(os.getpid(), os.getpgid(0), os.getsid(0))"
        for newSession in [false, true] {
            let finished = try await ChildProcess.run(
                "/usr/bin/env", arguments: ["python3", "-c", script], standardOutput: .pipe, newSession: newSession,
                keepingAtMost: 100
            ).get()
            let ids = text(finished.captured.standardOutput).split(whereSeparator: \.isWhitespace).compactMap {
                Int32($0)
            }
            try #require(ids.count == 3)
            #expect(ids[1] == ids[0])
            #expect(ids[2] == (newSession ? ids[0] : getsid(0)))
        }
    }

    @Test("descriptors above 2 are closed in the child, even those without close-on-exec")
    func descriptorsClosed() async throws {
        let opened = open("/dev/null", O_RDONLY)
        let leaked = fcntl(opened, F_DUPFD, 100)
        close(opened)
        try #require(leaked >= 100)
        defer { close(leaked) }
        let script = "import os\ntry:\n os.fstat(\(leaked)); print('open')\nexcept OSError: print('closed')"
        let finished = try await ChildProcess.run(
            "/usr/bin/env", arguments: ["python3", "-c", script], standardOutput: .pipe, keepingAtMost: 100
        ).get()
        #expect(text(finished.captured.standardOutput) == "closed\n")
    }

    #if os(Linux)
        @Test("the child starts with no standard signal blocked or ignored, though this process ignores SIGPIPE")
        func defaultSignals() async throws {
            signal(SIGPIPE, SIG_IGN)
            let finished = try await shell("grep -E '^Sig(Blk|Ign)' /proc/self/status")
            let masks = text(finished.captured.standardOutput).split(separator: "\n").map {
                UInt64($0.split(separator: "\t").last ?? "", radix: 16)
            }
            // Bits 0-30: signals 1-31 (glibc keeps its own real-time signals above them).
            #expect(masks.count == 2 && masks.allSatisfy { $0.map { $0 & 0x7FFF_FFFF } == 0 })
        }
    #endif

    @Test("a standard stream can be one of our descriptors")
    func descriptorStream() async throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        let child = try ChildProcess(
            "/bin/sh", arguments: ["-c", "echo via-descriptor"], standardInput: .nullDevice,
            standardOutput: .descriptor(ends[1]))
        close(ends[1])
        #expect(child.waitForExit() == .exited(0))
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        close(ends[0])
        #expect(text(Array(buffer.prefix(max(0, count)))) == "via-descriptor\n")
    }

    @Test("the watch runs once, when its text appears in standard error, even split across reads")
    func watch() async throws {
        let seen = Mutex(0)
        let watch = ChildProcess.Watch(text: Array("Touch your YubiKey".utf8)) { seen.withLock { $0 += 1 } }
        let finished = try await shell(
            "printf 'Touch your ' >&2; sleep 0.2; printf 'YubiKey...\\n' >&2; sleep 0.2;"
                + " echo 'Touch your YubiKey' >&2; echo done",
            watch: watch)
        #expect(seen.withLock { $0 } == 1)
        #expect(text(finished.captured.standardOutput) == "done\n")
    }

    @Test("cancelling the calling task sends SIGTERM to the child's group (its children too); it was stopped")
    func cancellationStops() async throws {
        let task = Task { try await shell("sleep 30; echo late") }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let finished = try await task.value
        // Not timed: in this test process other tests' children may briefly hold the pipe, so only the effect is
        // checked — the shell was killed by SIGTERM before its `echo`.
        #expect(finished.captured.standardOutput.isEmpty)
        #expect(finished.stopped)
        #expect(finished.exit == .signalled(SIGTERM))
    }

    @Test("a child that ignores SIGTERM gets SIGKILL after the grace period")
    func stopEscalates() async throws {
        let child = try ChildProcess(
            "/bin/sh", arguments: ["-c", "trap '' TERM; exec sleep 30"], standardInput: .nullDevice)
        try await Task.sleep(for: .milliseconds(300))
        child.stop()
        #expect(child.waitForExit() == .signalled(SIGKILL))
    }
}
