import Dispatch
import Synchronization

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A child process started with `posix_spawn` in a session of its own, so that it has no controlling terminal: a
/// program that asks on /dev/tty (ykman's password prompt uses getpass) reads end of input from its pipe instead of
/// being stopped by SIGTTIN/SIGTTOU, as it is when started in a background process group of the caller's session
/// (what Foundation's `Process` does). Standard input is `input` followed by end of file; standard output and
/// standard error are collected (each up to a limit), and standard error can be watched for a text while it arrives.
final class ChildProcess: Sendable {
    /// How the process ended.
    enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// The status could not be collected (for instance when SIGCHLD is ignored and the kernel reaped it).
        case unknown
    }

    struct Output: Sendable {
        var exit: Exit
        var standardOutput: [UInt8]
        var standardError: [UInt8]
        /// Output beyond the limits was read and dropped.
        var overflowed: Bool
        /// ``stop()`` was called: the process was sent SIGTERM (and SIGKILL if it outlived the grace period).
        var stopped: Bool
    }

    /// `errno` of a failed spawn.
    struct SpawnFailure: Error, Equatable {
        let code: Int32
    }

    /// Watches standard error: `action` runs once, on the reading thread, when `text` first appears in it.
    struct Watch: Sendable {
        let text: [UInt8]
        let action: @Sendable () -> Void
    }

    static let maximumStandardOutput = 1 << 20
    static let maximumStandardError = 1 << 16
    /// Standard input is written before the spawn, so it has to fit in a pipe buffer (16 KiB at least).
    static let maximumInput = 4096
    /// Time between SIGTERM and SIGKILL when stopping.
    static let killGracePeriod: DispatchTimeInterval = .seconds(2)

    private struct State {
        var pid: pid_t?
        var reaped = false
        var stopRequested = false
        var signalled = false
    }

    private let state = Mutex(State())

    private init() {}

    /// Runs `executable` (a path) to completion. Cancelling the calling task stops the process.
    static func run(
        executable: String, arguments: [String], environment: [String: String], input: [UInt8], watch: Watch?
    ) async -> Result<Output, SpawnFailure> {
        let child = ChildProcess()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let pipes: Pipes
                do throws(SpawnFailure) {
                    pipes = try child.spawn(executable, arguments, environment, input)
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                DispatchQueue(label: "ykman-child-io").async {
                    continuation.resume(returning: .success(child.collect(pipes, watch: watch)))
                }
            }
        } onCancel: {
            child.stop()
        }
    }

    /// Sends SIGTERM now (or right after the spawn, if it has not happened yet) and SIGKILL after the grace period.
    func stop() {
        state.withLock { state in
            state.stopRequested = true
            signalIfRunning(&state)
        }
    }

    /// Must be called with the lock held: the pid cannot be reaped (and reused) while it is.
    private func signalIfRunning(_ state: inout State) {
        guard state.stopRequested, !state.signalled, let pid = state.pid, !state.reaped else { return }
        state.signalled = true
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.killGracePeriod) { [self] in
            self.state.withLock { state in
                if let pid = state.pid, !state.reaped { kill(pid, SIGKILL) }
            }
        }
    }

    private struct Pipes {
        let pid: pid_t
        let standardOutput: Int32
        let standardError: Int32
    }

    private func spawn(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ input: [UInt8]
    ) throws(SpawnFailure) -> Pipes {
        precondition(input.count <= Self.maximumInput, "standard input larger than a pipe buffer")
        let stdin = try Self.makePipe()
        let written = input.withUnsafeBytes { write(stdin.write, $0.baseAddress, $0.count) }
        close(stdin.write)
        guard written == input.count else {
            close(stdin.read)
            throw SpawnFailure(code: errno)
        }
        let stdout: (read: Int32, write: Int32)
        let stderr: (read: Int32, write: Int32)
        do {
            stdout = try Self.makePipe()
        } catch {
            close(stdin.read)
            throw error
        }
        do {
            stderr = try Self.makePipe()
        } catch {
            [stdin.read, stdout.read, stdout.write].forEach { close($0) }
            throw error
        }
        defer { [stdin.read, stdout.write, stderr.write].forEach { close($0) } }

        let result = Self.posixSpawn(
            executable, [executable] + arguments, environment.map { "\($0.key)=\($0.value)" },
            standardStreams: [stdin.read, stdout.write, stderr.write])
        guard case .success(let pid) = result else {
            close(stdout.read)
            close(stderr.read)
            if case .failure(let failure) = result { throw failure }
            throw SpawnFailure(code: EINVAL)
        }
        state.withLock { state in
            state.pid = pid
            signalIfRunning(&state)
        }
        return Pipes(pid: pid, standardOutput: stdout.read, standardError: stderr.read)
    }

    /// Reads both pipes to end of file, then waits for the process to exit.
    private func collect(_ pipes: Pipes, watch: Watch?) -> Output {
        var output = [UInt8]()
        var error = [UInt8]()
        var overflowed = false
        var watchPending = watch != nil
        var descriptors = [pipes.standardOutput, pipes.standardError]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while descriptors.contains(where: { $0 >= 0 }) {
            var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polled, nfds_t(polled.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in polled.indices where descriptors[index] >= 0 && polled[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index], $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else {
                    close(descriptors[index])
                    descriptors[index] = -1
                    continue
                }
                let chunk = buffer[..<count]
                if index == 0 {
                    overflowed = Self.append(chunk, to: &output, limit: Self.maximumStandardOutput) || overflowed
                } else {
                    let searchStart = max(0, error.count - (watch?.text.count ?? 0))
                    overflowed = Self.append(chunk, to: &error, limit: Self.maximumStandardError) || overflowed
                    if watchPending, let watch, error[searchStart...].firstRange(of: watch.text) != nil {
                        watchPending = false
                        watch.action()
                    }
                }
            }
        }
        descriptors.filter { $0 >= 0 }.forEach { close($0) }
        let exit = waitForExit(pipes.pid)
        let stopped = state.withLock { $0.stopRequested }
        return Output(
            exit: exit, standardOutput: output, standardError: error, overflowed: overflowed, stopped: stopped)
    }

    /// Waits without reaping, then reaps under the lock, so ``stop()`` never signals a reused pid.
    private func waitForExit(_ pid: pid_t) -> Exit {
        var information = siginfo_t()
        while waitid(P_PID, id_t(pid), &information, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        return state.withLock { state in
            var status: Int32 = 0
            var reaped = waitpid(pid, &status, 0)
            while reaped < 0, errno == EINTR {
                reaped = waitpid(pid, &status, 0)
            }
            state.reaped = true
            guard reaped == pid else { return .unknown }
            let signal = status & 0x7F
            return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
        }
    }

    /// Appends what fits under `limit`; true when something was dropped.
    private static func append(_ chunk: ArraySlice<UInt8>, to bytes: inout [UInt8], limit: Int) -> Bool {
        let room = max(0, limit - bytes.count)
        bytes += chunk.prefix(room)
        return chunk.count > room
    }

    private static func makePipe() throws(SpawnFailure) -> (read: Int32, write: Int32) {
        // pipe2(O_CLOEXEC) would be atomic, but Swift does not import it (a GNU extension) and Darwin lacks it.
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw SpawnFailure(code: errno) }
        descriptors.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// `posix_spawn` with `standardStreams` as descriptors 0, 1 and 2, a new session, default signal handling and an
    /// empty signal mask. Every other descriptor of this process is close-on-exec (on Darwin: closed by default).
    private static func posixSpawn(
        _ path: String, _ arguments: [String], _ environment: [String], standardStreams: [Int32]
    ) -> Result<pid_t, SpawnFailure> {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
            let flags =
                POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_CLOEXEC_DEFAULT
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            // POSIX_SPAWN_SETSID (glibc >= 2.26, musl): a GNU extension that Swift does not import.
            let setSession: Int32 = 0x80
            let flags = setSession | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        for (target, source) in standardStreams.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
        }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGTTIN, SIGTTOU] {
            sigaddset(&defaultSignals, signal)
        }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        let flagsResult = posix_spawnattr_setflags(&attributes, Int16(flags))
        guard flagsResult == 0 else { return .failure(SpawnFailure(code: flagsResult)) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        return spawned == 0 ? .success(pid) : .failure(SpawnFailure(code: spawned))
    }
}
