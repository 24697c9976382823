import Logging

/// swift-log's `StreamLogHandler` on standard error, with the logger's own metadata kept aside and handed to it only
/// when a line is logged. `StreamLogHandler` formats its metadata every time it changes, and Hummingbird sets a request
/// id on each request's logger, so every request would pay for formatting a line that is usually never written.
public struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    /// Logs to standard error.
    public init(label: String) {
        self.init(wrapping: .standardError(label: label))
    }

    /// Logs through `stream`, whose own metadata should be empty.
    public init(wrapping stream: StreamLogHandler) {
        self.stream = stream
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        stream.log(event: event)
    }
}
