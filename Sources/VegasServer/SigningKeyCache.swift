import AWSProtocol
import Synchronization

/// SigV4 signing keys by access key and credential scope: deriving one takes four HMACs, and a client signs every
/// request of a day with the same key. Access key secrets never change, so entries stay valid; the cache is bounded.
final class SigningKeyCache: Sendable {
    private let keys = Mutex<[String: SigV4Canonical.KeyedSigningKey]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func key(for authorization: SigV4Authorization, secretAccessKey: String) -> SigV4Canonical.KeyedSigningKey {
        let id = authorization.accessKeyId + "/" + authorization.credentialScope
        if let key = keys.withLock({ $0[id] }) { return key }
        let key = SigV4Canonical.KeyedSigningKey(
            SigV4Canonical.signingKey(
                secret: secretAccessKey, date: authorization.scopeDate, region: authorization.region,
                service: authorization.service))
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[id] = key
        }
        return key
    }
}
