import AWSProtocol
import Foundation
import IdentityService

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's data directory: the database, the master key and the root credentials file, all owner-only.
struct DataDirectory {
    let path: String

    var databasePath: String { path + "/vegas.sqlite" }
    var masterKeyPath: String { path + "/master.key" }
    var rootCredentialsPath: String { path + "/root-credentials" }

    func create() throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw IdentityConfigurationError("cannot create the data directory \(path): \(error.localizedDescription)")
        }
    }

    /// Reads `master.key` (base64 of 32 bytes), creating it on first start.
    func loadOrCreateMasterKey() throws -> [UInt8] {
        if let text = try? String(contentsOfFile: masterKeyPath, encoding: .utf8) {
            return try Self.decodeMasterKey(text)
        }
        let key = Identifiers.randomBytes(32)
        try Self.writeAtomically(Data(key).base64EncodedString() + "\n", to: masterKeyPath)
        return key
    }

    static func decodeMasterKey(_ text: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw IdentityConfigurationError("the master key must be 32 bytes, base64-encoded")
        }
        return Array(data)
    }

    /// Writes the root key in AWS shared-credentials format (profile `default`).
    func writeRootCredentials(_ credentials: AWSCredentials) throws {
        let text = """
            # vegas-server root user: export AWS_SHARED_CREDENTIALS_FILE=\(rootCredentialsPath)
            [default]
            aws_access_key_id = \(credentials.accessKeyId)
            aws_secret_access_key = \(credentials.secretAccessKey)

            """
        try Self.writeAtomically(text, to: rootCredentialsPath)
    }

    /// Temporary file (0600) → fsync → rename → fsync of the directory: readers see the old file or the new one, never half.
    static func writeAtomically(_ text: String, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw IdentityConfigurationError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                unlink(temporary)
                throw IdentityConfigurationError("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw IdentityConfigurationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
