import ArgumentParser
import Credentials
import Foundation

@main
struct VegasCredentials: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vegas-credentials",
        abstract: "MFA for AWS from the command line: a built-in authenticator, YubiKeys, and MFA device set-up.",
        version: "0.1.0",
        subcommands: [
            Assume.self, Exec.self, Export.self, Login.self, OTPCommand.self, MFACommand.self, Cache.self,
            Config.self, Version.self,
        ])
}

/// What every command reads from its environment.
struct Context {
    let environment = ProcessInfo.processInfo.environment
    let messages = UserMessages()

    var home: String { environment["HOME"] ?? NSHomeDirectory() }

    var vault: VaultAccess { VaultAccess(environment: environment, home: home, messages: messages) }

    func awsFiles() throws -> AWSFiles { try AWSFiles(environment: environment, home: home) }
}

/// Runs a command body and turns any failure into one clear line on stderr (and the terminal) with exit code 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch {
        let line = "vegas-credentials: \(error)\n"
        FileHandle.standardError.write(Data(line.utf8))
        throw ExitCode.failure
    }
}
