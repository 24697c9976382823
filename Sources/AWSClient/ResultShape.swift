import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A response element that is missing or holds an invalid value (never the value itself when it is secret).
struct ResultShapeError: Error, Equatable, CustomStringConvertible {
    var description: String
}

extension XMLElement {
    /// The text of the element at `path` below this one; it must exist and not be empty.
    func requiredText(_ path: String...) throws(ResultShapeError) -> String {
        guard let text = descendant(path)?.text, !text.isEmpty else {
            throw ResultShapeError(description: "\(name) has no \(path.joined(separator: "/"))")
        }
        return text
    }

    /// The text of the element at `path`, nil when it is absent or empty.
    func optionalText(_ path: String...) -> String? {
        guard let text = descendant(path)?.text, !text.isEmpty else { return nil }
        return text
    }

    /// The ISO-8601 timestamp at `path` (0, 3 or 6 fractional digits, as AWS, its samples and moto write them).
    func requiredDate(_ path: String...) throws(ResultShapeError) -> Date {
        guard let text = descendant(path)?.text, !text.isEmpty else {
            throw ResultShapeError(description: "\(name) has no \(path.joined(separator: "/"))")
        }
        return try Self.date(text, at: path)
    }

    /// The timestamp at `path`, nil when absent; an unreadable one is an error.
    func optionalDate(_ path: String...) throws(ResultShapeError) -> Date? {
        guard let text = descendant(path)?.text, !text.isEmpty else { return nil }
        return try Self.date(text, at: path)
    }

    /// The base64 text at `path` decoded, nil when absent (an error never quotes the text: it may be a secret).
    func base64Bytes(_ path: String...) throws(ResultShapeError) -> [UInt8]? {
        guard let text = descendant(path)?.text, !text.isEmpty else { return nil }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw ResultShapeError(description: "\(path.joined(separator: "/")) is not valid base64")
        }
        return Array(data)
    }

    private func descendant(_ path: [String]) -> XMLElement? {
        var element = self
        for name in path {
            guard let child = element.first(named: name) else { return nil }
            element = child
        }
        return element
    }

    private static func date(_ text: String, at path: [String]) throws(ResultShapeError) -> Date {
        guard let date = AWSTimestamp.parse(text) else {
            throw ResultShapeError(
                description: "\(path.joined(separator: "/")) '\(text.prefix(64))' is not an ISO-8601 timestamp")
        }
        return date
    }
}
