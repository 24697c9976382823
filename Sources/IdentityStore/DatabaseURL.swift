import Foundation
import IdentityService

/// Where the server's store lives, as `--database` / `VEGAS_DATABASE_URL` give it: `sqlite:PATH` or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full]`
/// (`postgresql://` too; `?host=/run/postgresql` connects through that directory's unix socket instead of TCP).
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// A PostgreSQL server and database.
    public struct PostgresLocation: Sendable, Equatable {
        public enum TLSMode: String, Sendable {
            case disable, prefer, require
            case verifyFull = "verify-full"
        }

        public var host: String
        public var port: Int
        /// The directory of the server's unix socket, when connecting through it.
        public var socketDirectory: String?
        public var user: String
        public var password: String?
        public var database: String
        public var tls: TLSMode
    }

    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw Self.error("sqlite: needs a file path, as in sqlite:./vegas-data/vegas.sqlite")
            }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"), let url = URLComponents(string: text)
        else {
            throw Self.error("the database URL must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")
        }
        guard let user = url.user, !user.isEmpty else { throw Self.error("the PostgreSQL URL names no user") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw Self.error("the PostgreSQL URL names no database (postgres://USER@HOST:PORT/DATABASE)")
        }
        var location = PostgresLocation(
            host: url.host ?? "", port: url.port ?? 5432, socketDirectory: nil, user: user, password: url.password,
            database: database, tls: .prefer)
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(PostgresLocation.TLSMode.init(rawValue:)) else {
                    throw Self.error("sslmode must be disable, prefer, require or verify-full")
                }
                location.tls = mode
            case "host":
                guard let directory = item.value, directory.hasPrefix("/") else {
                    throw Self.error("host= must be the absolute path of the server's socket directory")
                }
                location.socketDirectory = directory
            default:
                throw Self.error("unknown PostgreSQL URL parameter '\(item.name)' (known: sslmode, host)")
            }
        }
        guard location.socketDirectory != nil || !location.host.isEmpty else {
            throw Self.error("the PostgreSQL URL names no host")
        }
        guard (1...65535).contains(location.port) else { throw Self.error("the PostgreSQL port must be 1-65535") }
        self = .postgres(location)
    }

    /// The URL without its password, for logs and the banner.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let location):
            let server = location.socketDirectory.map { "?host=\($0)" } ?? ""
            let address = location.socketDirectory == nil ? "\(location.host):\(location.port)" : ""
            return
                "postgres://\(location.user)\(location.password == nil ? "" : ":***")@\(address)/\(location.database)\(server)"
        }
    }

    private static func error(_ message: String) -> IdentityConfigurationError { IdentityConfigurationError(message) }
}
