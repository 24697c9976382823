/// The start of an unexpected response body, safe to show: secrets masked, then cut to `maxBytes` of printable
/// ASCII (other bytes become `?`, whitespace runs one space).
enum ResponseExcerpt {
    static let maxBytes = 200
    /// How much of the body is examined for secrets (far more than any secret that could reach into the excerpt).
    static let scannedBytes = 16_384

    static func make(_ body: some Collection<UInt8>, redactor: SecretRedactor) -> String {
        let scanned = redactor.redact(SecretRedactor.redactSecretElements(Array(body.prefix(scannedBytes))))
        var output: [UInt8] = []
        output.reserveCapacity(maxBytes)
        for byte in scanned {
            guard output.count < maxBytes else { break }
            switch byte {
            case 0x09, 0x0A, 0x0D, 0x20:
                if let last = output.last, last != 0x20 { output.append(0x20) }
            case 0x21...0x7E:
                output.append(byte)
            default:
                output.append(UInt8(ascii: "?"))
            }
        }
        while output.last == 0x20 { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }
}
