import ArgumentParser
import Credentials

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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

    /// `assume --profile P`, which the AWS CLI runs for every call, bypasses swift-argument-parser: reflecting over the
    /// command types costs it some 40 protocol-conformance lookups, each a scan of every conformance in this large
    /// binary, which is more than the rest of a cached `assume`. Every other command line is parsed as usual.
    static func main() async {
        guard let profile = Assume.profile(inPlainCommandLine: Array(CommandLine.arguments.dropFirst())) else {
            await main(nil)
            return
        }
        do {
            try await Assume.printCredentials(profile: profile)
        } catch {
            exit(withError: error)
        }
    }
}

/// What every command reads from its environment.
struct Context {
    let environment = ProcessInfo.processInfo.environment
    let messages = UserMessages()

    var home: String { environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path }

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
        StandardStreams.writeError("vegas-credentials: \(error)\n")
        throw ExitCode.failure
    }
}
