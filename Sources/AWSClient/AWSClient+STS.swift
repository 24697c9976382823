/// STS's identity and temporary-credential calls.
extension AWSClient {
    /// Whose credentials sign the requests (GetCallerIdentity).
    public func getCallerIdentity() async throws -> CallerIdentity {
        try await call(.sts, "GetCallerIdentity", []) {
            (result) throws(ResultShapeError) in try CallerIdentity(result: result)
        }
    }

    /// A session for long-term credentials, MFA-authenticated when `serialNumber` and `tokenCode` are given
    /// (GetSessionToken).
    public func getSessionToken(
        durationSeconds: Int?, serialNumber: String?, tokenCode: String?
    ) async throws
        -> TemporaryCredentials
    {
        var parameters: [(String, String)] = []
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let serialNumber { parameters.append(("SerialNumber", serialNumber)) }
        if let tokenCode { parameters.append(("TokenCode", tokenCode)) }
        return try await call(.sts, "GetSessionToken", parameters) {
            (result) throws(ResultShapeError) in try TemporaryCredentials(result: result)
        }
    }

    /// Credentials of a role (AssumeRole), with MFA when `serialNumber` and `tokenCode` are given.
    public func assumeRole(
        roleARN: String, sessionName: String, durationSeconds: Int?, externalId: String?, serialNumber: String?,
        tokenCode: String?, sourceIdentity: String?
    ) async throws -> TemporaryCredentials {
        var parameters: [(String, String)] = [("RoleArn", roleARN), ("RoleSessionName", sessionName)]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        if let serialNumber { parameters.append(("SerialNumber", serialNumber)) }
        if let tokenCode { parameters.append(("TokenCode", tokenCode)) }
        if let sourceIdentity { parameters.append(("SourceIdentity", sourceIdentity)) }
        return try await call(.sts, "AssumeRole", parameters) {
            (result) throws(ResultShapeError) in try TemporaryCredentials(result: result)
        }
    }
}
