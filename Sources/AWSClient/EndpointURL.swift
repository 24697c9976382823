/// An endpoint URL taken apart for sending and signing: `http(s)://host[:port][/path]`.
///
/// Rejects anything else (other schemes, user info, query, fragment, empty host, bad ports, spaces) so that the
/// `Host` header and the path that are signed are exactly the ones sent.
struct EndpointURL: Sendable, Equatable {
    var isSecure: Bool
    /// The host as written in a URL (IPv6 literals keep their brackets), lower-cased.
    var host: String
    var port: Int?
    /// The path, "/" when the URL has none.
    var path: String

    init?(_ string: String) {
        let utf8 = Array(string.utf8)
        guard utf8.count <= 2048, utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let text = String(decoding: utf8, as: UTF8.self)
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            isSecure = true
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            isSecure = false
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        guard !rest.contains("?"), !rest.contains("#") else { return nil }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        self.path = path.isEmpty ? "/" : String(path)

        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            portPart = after.isEmpty ? nil : after.dropFirst()
            let address = hostPart.dropFirst().dropLast()
            guard !address.isEmpty, address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            let pieces = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            hostPart = pieces[0]
            portPart = pieces.count == 2 ? pieces[1] : nil
            guard !hostPart.isEmpty,
                hostPart.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" })
            else { return nil }
        }
        host = hostPart.lowercased()
        if let portPart {
            guard (1...5).contains(portPart.count), portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
                let port = Int(portPart), (1...65535).contains(port)
            else { return nil }
            self.port = port
        } else {
            port = nil
        }
    }

    /// The `Host` header: the host, with the port unless it is the scheme's default.
    var hostHeader: String {
        guard let port, port != (isSecure ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// The URL rebuilt from its parts (what is requested).
    var absoluteString: String { "\(isSecure ? "https" : "http")://\(hostHeader)\(path)" }

    /// `url` as it may be shown in a message: user info (`user:password@`) masked, at most 256 bytes of printable
    /// ASCII (anything else becomes `?`).
    static func displayable(_ url: String) -> String {
        var text = url
        if let scheme = text.firstRange(of: "://"),
            let at = text[scheme.upperBound...].prefix(while: { $0 != "/" }).lastIndex(of: "@")
        {
            text.replaceSubrange(scheme.upperBound..<at, with: "***")
        }
        let bytes = text.utf8.prefix(256).map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
