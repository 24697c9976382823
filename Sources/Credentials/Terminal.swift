#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The user's terminal (`/dev/tty`), not stdout or stderr: the AWS CLI swallows a credential_process's stderr, and stdout
/// carries data. Prompts for secrets turn echo off. When there is no terminal, messages go to stderr and prompts fail.
public final class Terminal: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// The controlling terminal, or nil when the process has none.
    public static func open() -> Terminal? {
        let fd = Glibc.open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        return fd >= 0 ? Terminal(fd: fd) : nil
    }

    /// Writes `text` to the terminal.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Shows `prompt` and reads one line; with `echo: false` the typed characters are not shown.
    public func readLine(prompt: String, echo: Bool = true) throws(TerminalError) -> String {
        var saved = termios()
        let canToggle = !echo && tcgetattr(fd, &saved) == 0
        if canToggle {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        // The prompt comes once echo is off, so nothing typed after it is ever shown.
        write(prompt)
        defer {
            if canToggle {
                tcsetattr(fd, TCSAFLUSH, &saved)
                write("\n")
            }
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            // Wait in short slices so that a task that lost a race (another input won) stops reading.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) {
                if Task.isCancelled { throw TerminalError("cancelled") }
                continue
            }
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { throw TerminalError("the terminal closed before a line was entered") }
            if byte == UInt8(ascii: "\n") { break }
            guard line.count < 4096 else { throw TerminalError("the line entered is too long") }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// The terminal's width in columns (80 when unknown).
    public var columns: Int {
        var size = winsize()
        return ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}

/// A failure to talk to the user.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where messages for the user go: the terminal when there is one, else stderr.
public struct UserMessages: Sendable {
    public let terminal: Terminal?

    public init(terminal: Terminal? = Terminal.open()) { self.terminal = terminal }

    public func say(_ line: String) {
        if let terminal {
            terminal.write(line + "\n")
        } else {
            var bytes = Array((line + "\n").utf8)
            _ = Glibc.write(2, &bytes, bytes.count)
        }
    }

    /// Asks a question on the terminal; without one, fails with `why`.
    public func ask(_ prompt: String, echo: Bool = true, why: String) throws(TerminalError) -> String {
        guard let terminal else { throw TerminalError("no terminal to ask on: \(why)") }
        return try terminal.readLine(prompt: prompt, echo: echo)
    }
}
