import Foundation

/// What a finished command left behind.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: Data
    public let standardError: String

    /// Standard output as text.
    public var output: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// Runs the other programs tests compare against (oathtool, pyotp, botocore, the stand-in ykman).
public enum Command {
    /// Runs `executable` with `arguments`, feeding `input` on standard input, and waits for it.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String = ""
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, standardOutput: output,
            standardError: String(decoding: errors, as: UTF8.self))
    }
}
