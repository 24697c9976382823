import AsyncHTTPClient
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A status and body received for a request.
struct HTTPAnswer: Sendable, Equatable {
    var status: Int
    var body: [UInt8]
}

/// Why a request got no answer.
enum TransportFailure: Error, Equatable {
    case failed(String)
    case timedOut
    case tooLarge
}

/// Sends a signed request (or, with `get`, an unsigned GET) and collects the answer, reading at most `maxBodyBytes` of
/// body.
struct HTTPTransport: Sendable {
    let send: @Sendable (_ request: QueryRequest, _ maxBodyBytes: Int) async throws -> HTTPAnswer

    /// One client for the whole process, never shut down. Unlike `HTTPClient.shared` it follows no redirects (a
    /// redirect would carry the session token and the signed body elsewhere) and does not retry a refused
    /// connection until the connect timeout (a stopped local server is reported at once, not after 90 s).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends with `client`.
    static let shared = HTTPTransport { request, maxBodyBytes in
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        outgoing.body = .bytes(request.body)
        return try await exchange(outgoing, maxBodyBytes: maxBodyBytes)
    }

    /// GETs `url` with `client`, unsigned and without headers of its own (the console federation endpoint).
    static func get(_ url: String, maxBodyBytes: Int) async throws -> HTTPAnswer {
        try await exchange(HTTPClientRequest(url: url), maxBodyBytes: maxBodyBytes)
    }

    /// Executes `outgoing` with `client`; failures become `TransportFailure`s (cancellation stays cancellation).
    private static func exchange(_ outgoing: HTTPClientRequest, maxBodyBytes: Int) async throws -> HTTPAnswer {
        do {
            // The caller limits the time of head and body; the client's own deadline (head only) lies beyond it.
            let response = try await client.execute(outgoing, timeout: .hours(1))
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return HTTPAnswer(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw TransportFailure.tooLarge
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout].contains(error)
        {
            throw TransportFailure.timedOut
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        } catch let error as IOError {
            throw TransportFailure.failed("\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))")
        } catch {
            throw TransportFailure.failed(String(describing: error))
        }
    }
}
