import Foundation
import IdentityService
import Testing

@Suite("Identifiers: request ids, keys and random bytes")
struct IdentifiersTests {
    @Test("request ids are distinct lower-case version 4 UUIDs")
    func requestIds() {
        let ids = (0..<1000).map { _ in Identifiers.requestId() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil && uuid?.uuidString.lowercased() == id)
            let groups = id.split(separator: "-")
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
            #expect(groups[2].first == "4")
            #expect(groups[3].first.map { "89ab".contains($0) } == true)
        }
    }

    @Test("access key ids and secrets have AWS's shapes and alphabets")
    func keyShapes() {
        let id = Identifiers.make(prefix: "AKIA", length: 16)
        #expect(id.count == 20 && id.hasPrefix("AKIA"))
        #expect(id.dropFirst(4).allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        let secret = Identifiers.secretAccessKey()
        #expect(secret.count == 40)
        #expect(secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") })
    }

    @Test("random bytes have the asked length, and every byte value turns up")
    func randomBytes() {
        for count in [0, 1, 7, 8, 9, 40] { #expect(Identifiers.randomBytes(count).count == count) }
        #expect(Set(Identifiers.randomBytes(16_384)).count == 256)
        #expect(Identifiers.randomBytes(32) != Identifiers.randomBytes(32))
    }
}
