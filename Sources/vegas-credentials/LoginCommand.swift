import AWSClient
import ArgumentParser
import ChildProcess
import Credentials

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `login`: the AWS console signed in as the profile's role, through the federation endpoint (aws-vault's `login`).
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Open the AWS console signed in as the profile's role (or print the sign-in URL).",
        discussion: """
            Gets the role's credentials as `assume` does (cache, MFA prompt), trades them at the federation endpoint \
            (getSigninToken) for a sign-in token and builds the console login URL. The URL signs in whoever opens \
            it within 15 minutes: treat it as a secret. It is opened with \(Opener.name) from PATH, which gets it \
            as a command-line argument (visible in the process list while it runs, as with aws-vault); --stdout \
            prints it instead, and so does a machine without \(Opener.name).

            Endpoints: those of the role ARN's partition (signin.aws.amazon.com, signin.amazonaws.cn, \
            signin.amazonaws-us-gov.com; the console of the profile's region), or <STS endpoint_url>/federation and \
            <STS endpoint_url>/console/ for an STS endpoint outside AWS, such as vegas-server. The config keys \
            vegas_federation_url and vegas_console_url override them. Profiles without vegas_role_arn cannot sign \
            in: AWS federates role credentials only.
            """
    )

    @OptionGroup var profileArgument: ProfileArgument
    @Flag(name: [.long, .customShort("s")], help: "Print the sign-in URL on stdout instead of opening it.")
    var stdout = false
    @Option(
        name: [.long, .customShort("d")],
        help: "Console session length in seconds (900–43200; without it, the federation endpoint's default).")
    var duration: Int?

    func validate() throws {
        if let duration, !ConsoleFederation.sessionDurations.contains(duration) {
            let range = ConsoleFederation.sessionDurations
            throw ValidationError(
                "--duration must be \(range.lowerBound)…\(range.upperBound) seconds, got \(duration)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let context = Context()
            let files = try context.awsFiles()
            let (configuration, _) = try AssumeConfiguration.resolve(
                profile: profileArgument.profile, files: files, environment: context.environment)
            let federation = try configuration.consoleFederation(files: files)
            let (credentials, _) = try await context.credentials(profile: profileArgument.profile)
            let token = try await federation.signinToken(
                for: credentials.temporaryCredentials, sessionDuration: duration)
            let url = federation.loginURL(signinToken: token)
            if stdout {
                print(url)
            } else if let opener = Opener.find(path: context.environment["PATH"]) {
                if let problem = Opener.open(url, with: opener) {
                    context.messages.say("\(opener) \(problem): the sign-in URL follows on stdout.")
                    print(url)
                }
            } else {
                context.messages.say("No \(Opener.name) on PATH: the sign-in URL follows on stdout.")
                print(url)
            }
        }
    }
}

/// The desktop's URL opener: `open` on macOS, `xdg-open` elsewhere.
enum Opener {
    #if os(macOS)
        static let name = "open"
    #else
        static let name = "xdg-open"
    #endif

    /// The opener in the first absolute directory of `path` that has it (relative entries are skipped).
    static func find(path: String?) -> String? {
        for directory in (path ?? "").split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `opener url` and waits for it; its output goes to stderr so that stdout stays empty. Nil when it exited
    /// 0, else what went wrong (never the URL).
    static func open(_ url: String, with opener: String) -> String? {
        guard
            let process = try? ChildProcess(
                opener, arguments: [url], standardInput: .nullDevice, standardOutput: .descriptor(2))
        else { return "could not be started" }
        let exit = process.waitForExit()
        return exit == .exited(0) ? nil : exit.description
    }
}
