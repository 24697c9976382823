import AWSProtocol
import AtomicFile
import Foundation
import IdentityService

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
        try AtomicFile.write(Array((Data(key).base64EncodedString() + "\n").utf8), to: masterKeyPath)
        return key
    }

    static func decodeMasterKey(_ text: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32
        else {
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
        try AtomicFile.write(Array(text.utf8), to: rootCredentialsPath)
    }
}
