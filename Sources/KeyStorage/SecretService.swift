import ChildProcess

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An item in the desktop's Secret Service (GNOME Keyring, KWallet, KeePassXC) through libsecret's `secret-tool`: kept
/// encrypted under the user's login password and unlocked with the desktop session. The secret travels on the tool's
/// standard input and output, base64-encoded, never in its arguments. Every look-up starts `secret-tool` and crosses
/// D-Bus, which costs tens of milliseconds per call.
public struct SecretService: KeyStore {
    /// The item's attributes (`secret-tool search` finds it by them).
    public let attributes: [(name: String, value: String)]
    public let label: String
    let tool: String
    let environment: [String: String]

    /// - Parameters:
    ///   - tool: the path of `secret-tool`.
    ///   - environment: for the tool (it finds the session bus through `DBUS_SESSION_BUS_ADDRESS`).
    public init(attributes: [(name: String, value: String)], label: String, tool: String, environment: [String: String])
    {
        self.attributes = attributes
        self.label = label
        self.tool = tool
        self.environment = environment
    }

    /// `secret-tool` on `PATH`, if there is one.
    public static func findTool(environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/secret-tool" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    public var location: String { "the Secret Service (\(label))" }

    private struct Outcome {
        var exit: ChildProcess.Exit
        var captured: ChildProcess.Captured
    }

    private var attributeArguments: [String] { attributes.flatMap { [$0.name, $0.value] } }

    public func load() throws(KeyStoreError) -> [UInt8]? {
        let finished = try run(["lookup"] + attributeArguments, input: nil)
        let output = String(decoding: finished.captured.standardOutput, as: UTF8.self)
        // secret-tool lookup exits 1 with nothing on stderr when no item matches.
        if finished.exit == .exited(1) && finished.captured.standardError.isEmpty { return nil }
        guard finished.exit == .exited(0) else { throw failure("read", finished) }
        guard let secret = Data(base64Encoded: output.filter { !$0.isWhitespace }) else {
            // Not one of ours: the caller sees a wrong-sized key and replaces it.
            return []
        }
        return Array(secret)
    }

    public func store(_ secret: [UInt8]) throws(KeyStoreError) {
        let input = Array(Data(secret).base64EncodedString().utf8)
        let finished = try run(["store", "--label=\(label)"] + attributeArguments, input: input)
        guard finished.exit == .exited(0) else { throw failure("store", finished) }
    }

    public func remove() throws(KeyStoreError) {
        let finished = try run(["clear"] + attributeArguments, input: nil)
        // clear exits 1 when nothing matched.
        guard finished.exit == .exited(0) || (finished.exit == .exited(1) && finished.captured.standardError.isEmpty)
        else { throw failure("remove", finished) }
    }

    private func run(_ arguments: [String], input: [UInt8]?) throws(KeyStoreError) -> Outcome {
        let child: ChildProcess
        do {
            child = try ChildProcess(
                tool, arguments: arguments, environment: environment,
                standardInput: input.map { .bytes($0) } ?? .nullDevice, standardOutput: .pipe, standardError: .pipe,
                newSession: true)
        } catch {
            throw KeyStoreError("cannot start \(tool): \(error)")
        }
        let captured = child.readOutput(keepingAtMost: 1024, errorLimit: 1024)
        return Outcome(exit: child.waitForExit(), captured: captured)
    }

    private func failure(_ operation: String, _ finished: Outcome) -> KeyStoreError {
        let reason =
            String(decoding: finished.captured.standardError, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map(String.init) ?? "secret-tool \(finished.exit)"
        return KeyStoreError("cannot \(operation) the key in \(location): \(reason)")
    }
}
