/// The fixed-size header of a version-1 vault (layout in ``VaultFormat``).
struct VaultHeader: Equatable {
    static let saltSize = 16
    static let nonceSize = 12
    static let tagSize = 16

    var parameters: ScryptParameters
    var salt: [UInt8]
    var nonce: [UInt8]
    /// Ciphertext plus tag, in bytes.
    var bodyLength: Int

    init(parameters: ScryptParameters, salt: [UInt8], nonce: [UInt8], bodyLength: Int) {
        self.parameters = parameters
        self.salt = salt
        self.nonce = nonce
        self.bodyLength = bodyLength
    }

    /// Reads and checks the header of `file`, including that the body has exactly ``bodyLength`` bytes.
    /// Rejections come in file order: size, magic, version, header length, fields, body length.
    init(of file: [UInt8]) throws(VaultError) {
        func reject(_ reason: VaultError.NotAVaultReason) -> VaultError { VaultError(.notAVault(reason)) }

        guard file.count <= VaultFormat.maximumFileSize else { throw reject(.oversized(byteCount: file.count)) }
        let magic = VaultFormat.magic
        guard file.prefix(magic.count).elementsEqual(magic.prefix(file.count)) else { throw reject(.badMagic) }
        guard file.count > magic.count else { throw reject(.truncatedHeader(byteCount: file.count)) }
        let version = file[magic.count]
        guard version == VaultFormat.version else { throw reject(.unsupportedVersion(version)) }
        guard file.count >= VaultFormat.headerSize else { throw reject(.truncatedHeader(byteCount: file.count)) }

        var offset = magic.count + 1
        func take(_ count: Int) -> ArraySlice<UInt8> {
            defer { offset += count }
            return file[offset..<offset + count]
        }
        let cost = take(3).map(Int.init)
        parameters = ScryptParameters(log2N: cost[0], r: cost[1], p: cost[2])
        guard parameters.isWithinBounds else { throw reject(.parametersOutOfBounds(parameters)) }
        salt = Array(take(Self.saltSize))
        nonce = Array(take(Self.nonceSize))
        bodyLength = take(4).reduce(0) { $0 << 8 | Int($1) }
        guard bodyLength >= Self.tagSize else { throw reject(.malformedField("body length")) }
        let announced = VaultFormat.headerSize + bodyLength
        guard announced <= VaultFormat.maximumFileSize else { throw reject(.oversized(byteCount: announced)) }
        guard file.count >= announced else {
            throw reject(.truncatedBody(expected: bodyLength, actual: file.count - VaultFormat.headerSize))
        }
        guard file.count == announced else { throw reject(.trailingBytes(count: file.count - announced)) }
    }

    /// The ``VaultFormat/headerSize`` bytes, also the AEAD's additional data.
    var bytes: [UInt8] {
        var bytes = VaultFormat.magic
        bytes.append(VaultFormat.version)
        bytes += [parameters.log2N, parameters.r, parameters.p].map { UInt8(truncatingIfNeeded: $0) }
        bytes += salt
        bytes += nonce
        bytes += (0..<4).reversed().map { UInt8(truncatingIfNeeded: bodyLength >> (8 * $0)) }
        return bytes
    }
}
