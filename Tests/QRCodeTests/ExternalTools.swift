import Foundation
import Testing

@testable import QRCode

/// Runs real external programs (zbarimg, python3) for cross-checks. A missing program is a test failure.
enum ExternalTools {
    struct Result {
        let status: Int32
        let output: Data
        let errors: String
    }

    /// Runs `program` found on PATH with `arguments`, feeding `input` to standard input
    /// (which the program must read to the end).
    static func run(_ program: String, _ arguments: [String], input: Data = Data()) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = input.isEmpty ? FileHandle.nullDevice : stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed stdin and drain stderr concurrently so large inputs and outputs cannot deadlock on full pipes.
        let group = DispatchGroup()
        let errors = Box()
        if !input.isEmpty {
            DispatchQueue.global().async(group: group) {
                stdin.fileHandleForWriting.write(input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        DispatchQueue.global().async(group: group) {
            errors.data = stderr.fileHandleForReading.readDataToEndOfFile()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: output, errors: String(decoding: errors.data, as: UTF8.self))
    }

    /// Decodes the image at `path` with `zbarimg --raw -q` and returns the payload (one trailing newline removed).
    static func zbarDecode(path: String) throws -> [UInt8] {
        let result = try run("zbarimg", ["--raw", "-q", path])
        #expect(result.status != 127, "zbarimg is missing: apt-get install -y zbar-tools")
        #expect(result.status == 0, "zbarimg failed (\(result.status)) on \(path): \(result.errors)")
        var bytes = [UInt8](result.output)
        if bytes.last == 0x0A { bytes.removeLast() }
        return bytes
    }

    /// Writes `contents` to a fresh file in the temporary directory and returns its path.
    static func temporaryFile(_ contents: [UInt8], suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("qrcode-test-\(UUID().uuidString)\(suffix)").path
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `image` as PNG, decodes it with zbarimg and removes the file.
    static func zbarDecode(png: [UInt8]) throws -> [UInt8] {
        let path = try temporaryFile(png, suffix: ".png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try zbarDecode(path: path)
    }
}

/// Written by one background task and read after `DispatchGroup.wait()`, which orders the accesses.
private final class Box: @unchecked Sendable {
    var data = Data()
}
