import AWSProtocol
import Foundation
import IdentityService

/// One authenticated Query API call, ready for its action handler.
struct ActionRequest: Sendable {
    let parameters: QueryParameters
    let caller: Principal
    let identity: IdentityService
}

/// Runs an action; returns the children of its `<Action>Result` element, or nil for actions without output.
typealias ActionHandler = @Sendable (ActionRequest) async throws -> [XMLElement]?

/// A service's actions by name, with its Version and XML namespace.
struct ActionTable: Sendable {
    let version: String
    let namespace: String
    let handlers: [String: ActionHandler]
}

/// IAM list paging: `Marker` (opaque) and `MaxItems` (1–1000, default 100).
struct Page<Item> {
    let items: [Item]
    let nextMarker: String?

    /// Slices `items` (sorted by `key`) from the one after `marker`.
    init(_ items: [Item], key: (Item) -> String, marker: String?, maxItems: Int?) throws {
        var start = 0
        if let marker {
            guard let decoded = Base64URL.decode(marker) else { throw AWSError.invalidInput("Invalid Marker.") }
            start = items.firstIndex { key($0) >= decoded } ?? items.count
        }
        let limit = maxItems ?? 100
        let end = min(items.count, start + limit)
        self.items = Array(items[start..<end])
        self.nextMarker = end < items.count ? Base64URL.encode(key(items[end])) : nil
    }

    /// `IsTruncated` and, when truncated, `Marker`.
    var trailer: [XMLElement] {
        guard let nextMarker else { return [XMLElement("IsTruncated", "false")] }
        return [XMLElement("IsTruncated", "true"), XMLElement("Marker", nextMarker)]
    }
}

/// Markers are the next item's sort key, base64url-encoded so they survive any client.
enum Base64URL {
    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> String? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }
}

extension ParameterValidator {
    /// IAM's paging parameters.
    mutating func paging() -> (marker: String?, maxItems: Int?) {
        (string("Marker", min: 1, max: 320), integer("MaxItems", min: 1, max: 1000))
    }
}
