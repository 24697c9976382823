import Dispatch
import Synchronization

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#endif

/// A program started with `posix_spawn` in a process group (or a session) of its own, with default signal handling,
/// an empty signal mask and every descriptor but 0, 1 and 2 closed — without Foundation's `Process`, so that the
/// client does not link Foundation (whose start-up cost every `credential_process` call would pay).
///
/// A secret for the child belongs in ``Stream/bytes(_:)`` (its standard input), never in its arguments, which every
/// user of the machine can read.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard streams comes from or goes.
    public enum Stream: Sendable, Equatable {
        /// This process's stream of the same number.
        case inherited
        /// /dev/null.
        case nullDevice
        /// This process's descriptor (`.descriptor(2)` as standard output: the child's output goes to our stderr).
        case descriptor(Int32)
        /// A pipe that ``readOutput(keepingAtMost:errorLimit:watch:)`` reads (standard output and error only).
        case pipe
        /// These bytes, then end of file (standard input only; at most ``maximumInput`` bytes).
        case bytes([UInt8])
    }

    /// How the child ended.
    public enum Exit: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// The status could not be collected (for instance when SIGCHLD is ignored and the kernel reaped the child).
        case unknown

        /// "exited with status 3", "was killed by signal 9".
        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "was killed by signal \(signal)"
            case .unknown: "ended with a status that could not be collected"
            }
        }
    }

    /// `errno` of a failed start.
    public struct SpawnFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// Watches standard error: `action` runs once, on the reading thread, when `text` first appears in it.
    public struct Watch: Sendable {
        public let text: [UInt8]
        public let action: @Sendable () -> Void

        public init(text: [UInt8], action: @escaping @Sendable () -> Void) {
            self.text = text
            self.action = action
        }
    }

    /// What the piped streams carried, up to their limits.
    public struct Captured: Sendable {
        public var standardOutput: [UInt8] = []
        public var standardError: [UInt8] = []
        /// Output beyond the limits was read and dropped.
        public var overflowed = false
    }

    /// What ``run(_:arguments:environment:standardInput:standardOutput:standardError:newSession:keepingAtMost:errorLimit:watch:)``
    /// reports.
    public struct Finished: Sendable {
        public var exit: Exit
        public var captured: Captured
        /// The run was cancelled: the child's group was sent SIGTERM (and SIGKILL if it outlived the grace period).
        public var stopped: Bool
    }

    /// Standard input bytes are written before the spawn, so they have to fit in a pipe buffer (16 KiB at least).
    public static let maximumInput = 4096
    /// Time between SIGTERM and SIGKILL when stopping.
    static let killGracePeriod: DispatchTimeInterval = .seconds(2)

    public let pid: pid_t
    private let outputPipe: Int32?
    private let errorPipe: Int32?

    private struct State {
        var reaped = false
        var stopRequested = false
    }

    private let state = Mutex(State())
    private static let starting = Mutex(())

    /// Starts `path` with `arguments` (argv[0] is `path`) and `environment` (nil: this process's), in a process group
    /// of its own — or, with `newSession`, in a session of its own, so that it has no controlling terminal: a program
    /// that asks on /dev/tty (ykman's password prompt uses getpass) then reads end of input instead of being stopped
    /// by SIGTTIN/SIGTTOU.
    public init(
        _ path: String, arguments: [String], environment: [String: String]? = nil,
        standardInput: Stream = .inherited, standardOutput: Stream = .inherited, standardError: Stream = .inherited,
        newSession: Bool = false
    ) throws(SpawnFailure) {
        precondition(standardInput != .pipe, "standard input cannot be a pipe to read")
        for stream in [standardOutput, standardError] {
            if case .bytes = stream { preconditionFailure("only standard input can be bytes") }
        }
        var opened: [Int32] = []  // descriptors of this process to close once the child has its copies
        var kept: [Int32] = []  // read ends of pipes, kept unless the start fails
        defer { for descriptor in opened { close(descriptor) } }
        func source(_ stream: Stream) throws(SpawnFailure) -> Int32? {
            switch stream {
            case .inherited:
                return nil
            case .descriptor(let descriptor):
                return descriptor
            case .nullDevice:
                let descriptor = open("/dev/null", O_RDWR | O_CLOEXEC)
                guard descriptor >= 0 else { throw SpawnFailure(code: errno) }
                opened.append(descriptor)
                return descriptor
            case .pipe:
                let pipe = try Self.makePipe()
                kept.append(pipe.read)
                opened.append(pipe.write)
                return pipe.write
            case .bytes(let input):
                precondition(input.count <= Self.maximumInput, "standard input larger than a pipe buffer")
                let pipe = try Self.makePipe()
                opened += [pipe.read, pipe.write]
                let written = input.withUnsafeBytes { write(pipe.write, $0.baseAddress, $0.count) }
                guard written == input.count else { throw SpawnFailure(code: written < 0 ? errno : EPIPE) }
                return pipe.read
            }
        }
        // One start at a time in this process: no other child can be spawned between this one's pipes being made and
        // their close-on-exec flag being set, so no other child inherits them (and holds them open).
        let started = Self.starting.withLock { _ -> Result<pid_t, SpawnFailure> in
            do throws(SpawnFailure) {
                let sources = [try source(standardInput), try source(standardOutput), try source(standardError)]
                return Self.spawn(path, [path] + arguments, environment, sources, newSession: newSession)
            } catch {
                return .failure(error)
            }
        }
        switch started {
        case .success(let child):
            pid = child
        case .failure(let error):
            for descriptor in kept { close(descriptor) }
            throw error
        }
        outputPipe = standardOutput == .pipe ? kept.first : nil
        errorPipe = standardError == .pipe ? kept.last : nil
    }

    /// Runs a child to its end: reads its piped output on a thread of its own, then collects its exit. Cancelling the
    /// calling task stops the child and its group (``stop()``).
    public static func run(
        _ path: String, arguments: [String], environment: [String: String]? = nil,
        standardInput: Stream = .inherited, standardOutput: Stream = .inherited, standardError: Stream = .inherited,
        newSession: Bool = false, keepingAtMost outputLimit: Int = 0, errorLimit: Int = 0, watch: Watch? = nil
    ) async -> Result<Finished, SpawnFailure> {
        let child: ChildProcess
        do {
            child = try ChildProcess(
                path, arguments: arguments, environment: environment, standardInput: standardInput,
                standardOutput: standardOutput, standardError: standardError, newSession: newSession)
        } catch {
            return .failure(error)
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue(label: "child-process-io").async {
                    let captured = child.readOutput(keepingAtMost: outputLimit, errorLimit: errorLimit, watch: watch)
                    let exit = child.waitForExit()
                    let stopped = child.state.withLock { $0.stopRequested }
                    continuation.resume(returning: .success(Finished(exit: exit, captured: captured, stopped: stopped)))
                }
            }
        } onCancel: {
            child.stop()
        }
    }

    /// Reads the piped streams to their end, keeping the first `outputLimit` bytes of standard output and the first
    /// `errorLimit` of standard error, and closes the pipes (call it once, before ``waitForExit()``).
    public func readOutput(keepingAtMost outputLimit: Int, errorLimit: Int = 0, watch: Watch? = nil) -> Captured {
        var captured = Captured()
        var watchPending = watch != nil
        var descriptors = [outputPipe ?? -1, errorPipe ?? -1]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while descriptors.contains(where: { $0 >= 0 }) {
            var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&polled, nfds_t(polled.count), -1) < 0 {
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
                    captured.overflowed =
                        Self.append(chunk, to: &captured.standardOutput, limit: outputLimit) || captured.overflowed
                } else {
                    let searchStart = max(0, captured.standardError.count - (watch?.text.count ?? 0))
                    captured.overflowed =
                        Self.append(chunk, to: &captured.standardError, limit: errorLimit) || captured.overflowed
                    if watchPending, let watch, captured.standardError[searchStart...].firstRange(of: watch.text) != nil
                    {
                        watchPending = false
                        watch.action()
                    }
                }
            }
        }
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
        return captured
    }

    /// Waits for the child to end and reaps it: waits without reaping, then reaps under the lock, so ``stop()`` never
    /// signals a reused pid.
    public func waitForExit() -> Exit {
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

    /// Sends SIGTERM to the child's process group now and SIGKILL after the grace period, unless the child has been
    /// reaped (once only). The group id is the child's pid, which cannot be reused before the child is reaped.
    public func stop() {
        state.withLock { state in
            guard !state.stopRequested, !state.reaped else { return }
            state.stopRequested = true
            kill(-pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.killGracePeriod) { [self] in
                self.state.withLock { state in
                    if !state.reaped { kill(-pid, SIGKILL) }
                }
            }
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
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// `posix_spawn` with `sources[n]` (when given) as descriptor n, in a new process group or session, every other
    /// descriptor closed, default signal handling and an empty signal mask.
    private static func spawn(
        _ path: String, _ arguments: [String], _ environment: [String: String]?, _ sources: [Int32?],
        newSession: Bool
    ) -> Result<pid_t, SpawnFailure> {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
            let detach = newSession ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP
            let flags = detach | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_CLOEXEC_DEFAULT
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            // POSIX_SPAWN_SETSID (glibc >= 2.26): a GNU extension that Swift does not import.
            let detach = newSession ? 0x80 : Int32(POSIX_SPAWN_SETPGROUP)
            let flags = detach | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        for (target, source) in sources.enumerated() {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
            } else {
                #if canImport(Darwin)
                    posix_spawn_file_actions_addinherit_np(&actions, Int32(target))
                #endif
            }
        }
        #if !canImport(Darwin)
            for descriptor in openDescriptorsAbove2() { posix_spawn_file_actions_addclose(&actions, descriptor) }
        #endif
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGTTIN, SIGTTOU] {
            sigaddset(&defaultSignals, signal)
        }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        let flagsResult = posix_spawnattr_setflags(&attributes, Int16(flags))
        guard flagsResult == 0 else { return .failure(SpawnFailure(code: flagsResult)) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for string in argv + (envp ?? []) { free(string) } }
        var pid: pid_t = 0
        let spawned: Int32
        if let envp {
            spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        } else {
            spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        }
        return spawned == 0 ? .success(pid) : .failure(SpawnFailure(code: spawned))
    }

    #if !canImport(Darwin)
        /// Descriptors from 3 up that are open now (glibc's posix_spawn ignores closing one that no longer is).
        private static func openDescriptorsAbove2() -> [Int32] {
            guard let directory = opendir("/proc/self/fd") else { return [] }
            defer { closedir(directory) }
            let own = dirfd(directory)
            var descriptors: [Int32] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let descriptor = Int32(name), descriptor > 2, descriptor != own { descriptors.append(descriptor) }
            }
            return descriptors
        }
    #endif
}
