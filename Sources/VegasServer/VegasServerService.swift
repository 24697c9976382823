import Hummingbird
import IdentityService
import IdentityStore
import Logging
import ServiceLifecycle

/// The server as a service beside its store's: once the store runs, migrates it, opens the account and serves until
/// the group shuts down. `onServerRunning` gets what a first start tells the operator, and the bound port.
public struct VegasServerService: Service {
    let configuration: VegasServerConfiguration
    let store: any ServedStore
    let logger: Logger
    let onServerRunning: @Sendable (VegasServerInfo, Int) -> Void

    public init(
        configuration: VegasServerConfiguration, store: any ServedStore, logger: Logger,
        onServerRunning: @escaping @Sendable (VegasServerInfo, Int) -> Void
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    /// Time between sweeps of expired rows.
    static let sweepInterval: Duration = .seconds(60)

    public func run() async throws {
        try await store.prepare()
        let server = try await VegasServer(configuration: configuration, store: store, logger: logger)
        let info = server.info
        let application = try server.application(logger: logger) { port in onServerRunning(info, port) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            group.addTask { await sweep(server.identity) }
            group.addTask { await server.identity.watchForChanges() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Removes expired sessions, console sessions and sign-in tokens every `sweepInterval` until cancelled; a failed
    /// sweep is logged and tried again at the next one.
    private func sweep(_ identity: IdentityService) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.sweepInterval)
            } catch {
                return
            }
            do {
                let swept = try await identity.sweepExpired()
                logger.debug(
                    "expired rows swept",
                    metadata: [
                        "sessions": "\(swept.sessions)", "consoleSessions": "\(swept.consoleSessions)",
                        "signinTokens": "\(swept.signinTokens)",
                    ])
            } catch {
                logger.warning("sweeping expired rows failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
