import AWSProtocol

/// IAM's MFA device and user calls.
extension AWSClient {
    /// The most `ListMFADevices` pages followed (a user has at most 8 devices; this only stops a runaway server).
    static let maxListPages = 100

    /// Creates an unassigned virtual MFA device (CreateVirtualMFADevice); its seed is returned once, here.
    public func createVirtualMFADevice(name: String, path: String = "/") async throws -> CreatedVirtualMFADevice {
        try await call(.iam, "CreateVirtualMFADevice", [("VirtualMFADeviceName", name), ("Path", path)]) {
            (result) throws(ResultShapeError) in try CreatedVirtualMFADevice(result: result)
        }
    }

    /// Assigns a virtual device to a user with two consecutive codes (EnableMFADevice).
    public func enableMFADevice(userName: String, serialNumber: String, code1: String, code2: String) async throws {
        _ = try await call(.iam, "EnableMFADevice", Self.twoCodes(userName, serialNumber, code1, code2))
    }

    /// Re-learns a device's clock drift from two consecutive codes (ResyncMFADevice).
    public func resyncMFADevice(userName: String, serialNumber: String, code1: String, code2: String) async throws {
        _ = try await call(.iam, "ResyncMFADevice", Self.twoCodes(userName, serialNumber, code1, code2))
    }

    /// Unassigns a device from a user, the caller when `userName` is nil (DeactivateMFADevice).
    public func deactivateMFADevice(userName: String?, serialNumber: String) async throws {
        var parameters: [(String, String)] = []
        if let userName { parameters.append(("UserName", userName)) }
        parameters.append(("SerialNumber", serialNumber))
        _ = try await call(.iam, "DeactivateMFADevice", parameters)
    }

    /// Deletes an unassigned virtual device (DeleteVirtualMFADevice).
    public func deleteVirtualMFADevice(serialNumber: String) async throws {
        _ = try await call(.iam, "DeleteVirtualMFADevice", [("SerialNumber", serialNumber)])
    }

    /// The MFA devices of a user, the caller when `userName` is nil (ListMFADevices, every page).
    public func listMFADevices(userName: String?) async throws -> [MFADevice] {
        var devices: [MFADevice] = []
        var marker: String?
        var seenMarkers: Set<String> = []
        for _ in 0..<Self.maxListPages {
            var parameters: [(String, String)] = []
            if let userName { parameters.append(("UserName", userName)) }
            if let marker { parameters.append(("Marker", marker)) }
            let page = try await call(.iam, "ListMFADevices", parameters) {
                (result) throws(ResultShapeError) in try MFADevicePage(result: result)
            }
            devices += page.devices
            guard let next = page.nextMarker else { return devices }
            guard seenMarkers.insert(next).inserted else {
                let detail = "the Marker of page \(seenMarkers.count + 1) repeats an earlier one"
                throw error(.malformedResponse(detail), .iam, "ListMFADevices")
            }
            marker = next
        }
        throw error(.malformedResponse("still truncated after \(Self.maxListPages) pages"), .iam, "ListMFADevices")
    }

    /// The caller as an IAM user; `userName` is nil for the root user (GetUser).
    public func getUser() async throws -> IAMUser {
        try await call(.iam, "GetUser", []) { (result) throws(ResultShapeError) in try IAMUser(result: result) }
    }

    private static func twoCodes(
        _ userName: String, _ serialNumber: String, _ code1: String, _ code2: String
    )
        -> [(String, String)]
    {
        [
            ("UserName", userName), ("SerialNumber", serialNumber), ("AuthenticationCode1", code1),
            ("AuthenticationCode2", code2),
        ]
    }
}
