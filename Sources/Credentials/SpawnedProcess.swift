#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program started the way Foundation's `Process` starts one — `posix_spawn` in a process group of its own, with
/// every descriptor but 0, 1 and 2 closed — so that the client does not link Foundation (whose start-up cost every
/// `credential_process` call would pay).
public struct SpawnedProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Stream: Sendable, Equatable {
        /// This process's stream of the same number.
        case inherited
        /// /dev/null.
        case nullDevice
        /// This process's descriptor (2: the child's output goes to our standard error).
        case descriptor(Int32)
        /// A pipe that ``readOutput(keepingAtMost:)`` reads (standard output only).
        case pipe
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit status, or the signal's number (what `Process.terminationStatus` reports).
        public var status: Int32 {
            switch self {
            case .exited(let status), .signalled(let status): status
            }
        }
    }

    /// `errno` of a failed start.
    public struct StartFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    public let pid: pid_t
    private let outputPipe: Int32?

    /// Starts `path` with `arguments` (argv[0] is `path`) and `environment` (nil: this process's).
    public init(
        _ path: String, arguments: [String], environment: [String: String]? = nil,
        standardInput: Stream = .inherited, standardOutput: Stream = .inherited, standardError: Stream = .inherited
    ) throws(StartFailure) {
        precondition(standardInput != .pipe && standardError != .pipe, "only standard output can be a pipe")
        var output: (read: Int32, write: Int32)?
        if standardOutput == .pipe {
            var descriptors: [Int32] = [-1, -1]
            guard pipe(&descriptors) == 0 else { throw StartFailure(code: errno) }
            for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
            output = (descriptors[0], descriptors[1])
        }
        var nullDevice: Int32 = -1
        defer {
            if nullDevice >= 0 { close(nullDevice) }
            if let output { close(output.write) }
        }
        func source(_ stream: Stream) throws(StartFailure) -> Int32? {
            switch stream {
            case .inherited: return nil
            case .descriptor(let descriptor): return descriptor
            case .pipe: return output?.write
            case .nullDevice:
                if nullDevice < 0 { nullDevice = open("/dev/null", O_RDWR | O_CLOEXEC) }
                guard nullDevice >= 0 else { throw StartFailure(code: errno) }
                return nullDevice
            }
        }
        let sources: [Int32?]
        do {
            sources = [try source(standardInput), try source(standardOutput), try source(standardError)]
        } catch {
            if let output { close(output.read) }
            throw error
        }
        switch Self.spawn(path, [path] + arguments, environment, sources) {
        case .success(let pid):
            self.pid = pid
            outputPipe = output?.read
        case .failure(let failure):
            if let output { close(output.read) }
            throw failure
        }
    }

    /// Reads the piped standard output to its end, keeping the first `limit` bytes, and closes the pipe (call it once).
    public func readOutput(keepingAtMost limit: Int) -> [UInt8] {
        guard let outputPipe else { return [] }
        defer { close(outputPipe) }
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(outputPipe, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return kept }
            kept += buffer[..<count].prefix(max(0, limit - kept.count))
        }
    }

    /// Waits for the child to end and reaps it.
    public func waitForExit() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// `posix_spawn` with `sources[n]` (when given) as descriptor n, in a new process group, every other descriptor
    /// closed. The signal mask and dispositions are inherited, as with `Process`.
    private static func spawn(
        _ path: String, _ arguments: [String], _ environment: [String: String]?, _ sources: [Int32?]
    ) -> Result<pid_t, StartFailure> {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
            let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            let flags = Int32(POSIX_SPAWN_SETPGROUP)
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
        posix_spawnattr_setpgroup(&attributes, 0)
        let flagsResult = posix_spawnattr_setflags(&attributes, Int16(flags))
        guard flagsResult == 0 else { return .failure(StartFailure(code: flagsResult)) }

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
        return spawned == 0 ? .success(pid) : .failure(StartFailure(code: spawned))
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
