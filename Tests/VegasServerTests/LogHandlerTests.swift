import Logging
import Synchronization
import Testing
import VegasServer

/// Lines written by a log handler, kept in memory.
private final class CapturedLines: TextOutputStream, Sendable {
    private let text = Mutex("")
    func write(_ string: String) { text.withLock { $0 += string } }
    var lines: [String] { text.withLock { $0.split(separator: "\n").map(String.init) } }
}

@Suite("The server's log handler")
struct LogHandlerTests {
    @Test("the logger's metadata reaches each line, a line's own metadata wins, and a level filters lines")
    func metadataAndLevel() {
        let output = CapturedLines()
        var logger = Logger(label: "test") { _ in
            DeferredMetadataLogHandler(wrapping: StreamLogHandler(label: "test", stream: output, metadataProvider: nil))
        }
        logger.logLevel = .info
        logger[metadataKey: "hb.request.id"] = "r-1"
        logger[metadataKey: "action"] = "GetCallerIdentity"
        logger.info("request", metadata: ["action": "GetSessionToken", "code": "ok"])
        logger.debug("hidden")
        logger[metadataKey: "action"] = nil
        logger.warning("plain")

        let lines = output.lines
        #expect(lines.count == 2)
        #expect(lines[0].contains("hb.request.id=r-1"))
        #expect(lines[0].contains("action=GetSessionToken") && !lines[0].contains("GetCallerIdentity"))
        #expect(lines[0].contains("code=ok") && lines[0].hasSuffix("request"))
        #expect(lines[1].contains("hb.request.id=r-1") && !lines[1].contains("action="))
        #expect(lines[1].contains("warning") && lines[1].hasSuffix("plain"))
        #expect(logger[metadataKey: "hb.request.id"] == "r-1")
    }
}
