import AWSProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An MFA device assigned to a user (IAM ListMFADevices): virtual (`arn:…:mfa/…`), hardware TOTP (a vendor
/// serial) or FIDO security key (`arn:…:u2f/…`).
public struct MFADevice: Sendable, Equatable {
    public var userName: String?
    public var serialNumber: String
    public var enableDate: Date?

    public init(userName: String?, serialNumber: String, enableDate: Date?) {
        self.userName = userName
        self.serialNumber = serialNumber
        self.enableDate = enableDate
    }

    /// Reads one `MFADevices/member`.
    init(member: XMLElement) throws(ResultShapeError) {
        self.init(
            userName: member.optionalText("UserName"), serialNumber: try member.requiredText("SerialNumber"),
            enableDate: try member.optionalDate("EnableDate"))
    }
}

/// One page of a `ListMFADevicesResult`: its devices and the marker of the next page, if any.
struct MFADevicePage: Equatable {
    var devices: [MFADevice]
    var nextMarker: String?

    init(result: XMLElement) throws(ResultShapeError) {
        guard let list = result.first(named: "MFADevices") else {
            throw ResultShapeError(description: "\(result.name) has no MFADevices")
        }
        var devices: [MFADevice] = []
        for member in list.all(named: "member") { devices.append(try MFADevice(member: member)) }
        self.devices = devices
        switch result.optionalText("IsTruncated") {
        case nil, "false":
            nextMarker = nil
        case "true":
            nextMarker = try result.requiredText("Marker")
        case let other?:
            throw ResultShapeError(description: "IsTruncated is '\(other.prefix(16))', not true or false")
        }
    }
}

/// A virtual MFA device just created: the only time AWS hands out its seed and QR code.
public struct CreatedVirtualMFADevice: Sendable, Equatable, CustomStringConvertible {
    public var serialNumber: String
    /// The base32 seed as ASCII text (AWS sends it base64-encoded). Secret.
    public var base32Seed: String
    /// The PNG of the QR code of the device's `otpauth://` URI (empty if the server sent none). Secret.
    public var qrCodePNG: [UInt8]

    public init(serialNumber: String, base32Seed: String, qrCodePNG: [UInt8]) {
        self.serialNumber = serialNumber
        self.base32Seed = base32Seed
        self.qrCodePNG = qrCodePNG
    }

    /// The serial only: the seed and QR code are secrets.
    public var description: String { "virtual MFA device \(serialNumber)" }

    /// Reads a `CreateVirtualMFADeviceResult`.
    init(result: XMLElement) throws(ResultShapeError) {
        let serialNumber = try result.requiredText("VirtualMFADevice", "SerialNumber")
        guard let seed = try result.base64Bytes("VirtualMFADevice", "Base32StringSeed") else {
            throw ResultShapeError(description: "\(result.name) has no VirtualMFADevice/Base32StringSeed")
        }
        guard Self.isBase32(seed) else {
            throw ResultShapeError(description: "VirtualMFADevice/Base32StringSeed does not decode to base32 text")
        }
        self.init(
            serialNumber: serialNumber, base32Seed: String(decoding: seed, as: UTF8.self),
            qrCodePNG: try result.base64Bytes("VirtualMFADevice", "QRCodePNG") ?? [])
    }

    /// RFC 4648 base32 text: `A–Z 2–7` (either case) with optional trailing `=` padding.
    static func isBase32(_ text: [UInt8]) -> Bool {
        let symbols = text.prefix { $0 != UInt8(ascii: "=") }
        let padding = text.dropFirst(symbols.count)
        return !symbols.isEmpty && padding.allSatisfy { $0 == UInt8(ascii: "=") }
            && symbols.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "2")...UInt8(ascii: "7"):
                    true
                default: false
                }
            }
    }
}
