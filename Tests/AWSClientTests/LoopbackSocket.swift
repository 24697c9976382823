import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, for transport tests (loopback only).
final class LoopbackSocket: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    /// Binds; `listening` also listens (connections then complete in the kernel's backlog even if never accepted).
    init(listening: Bool) throws {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound, !listening || listen(descriptor, 8) == 0 else {
            closeSocket(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port that was free a moment ago (the socket is closed again).
    static func freePort() throws -> Int {
        let socket = try LoopbackSocket(listening: false)
        defer { socket.close() }
        return socket.port
    }

    /// Serves one connection on a background thread: reads the request head and body, calls `record` with the raw
    /// request, writes `response` and closes.
    func serveOnce(response: [UInt8], record: @escaping @Sendable ([UInt8]) -> Void = { _ in }) {
        let descriptor = self.descriptor
        Thread.detachNewThread {
            let connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return }
            defer { closeSocket(connection) }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !Self.isComplete(request) {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                request += buffer[0..<count]
            }
            record(request)
            var offset = 0
            while offset < response.count {
                let written = response[offset...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                guard written > 0 else { break }
                offset += written
            }
        }
    }

    func close() { closeSocket(descriptor) }

    /// Whether `request` holds a whole head and a body of its Content-Length.
    private static func isComplete(_ request: [UInt8]) -> Bool {
        let text = String(decoding: request, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<headEnd.lowerBound].lowercased()
        let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length
    }
}

/// An HTTP/1.1 response with the given status, content type and body.
func httpResponse(status: Int, contentType: String, body: [UInt8]) -> [UInt8] {
    let head =
        "HTTP/1.1 \(status) X\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        + "Connection: close\r\n\r\n"
    return Array(head.utf8) + body
}

/// The system's close(2) (the class's own `close()` hides it inside the class).
private func closeSocket(_ descriptor: Int32) { _ = close(descriptor) }
