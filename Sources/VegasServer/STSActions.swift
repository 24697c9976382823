import AWSProtocol
import IdentityService

/// STS `2011-06-15`: caller identity, session tokens and roles.
enum STSActions {
    static let table = ActionTable(
        version: "2011-06-15", namespace: QueryResponse.stsNamespace,
        handlers: [
            "GetCallerIdentity": { request in
                [
                    XMLElement("UserId", request.caller.userId), XMLElement("Account", request.caller.accountId),
                    XMLElement("Arn", request.caller.arn),
                ]
            },
            "GetSessionToken": { request in
                var v = ParameterValidator(request.parameters)
                let duration = v.integer("DurationSeconds", min: 900, max: 129_600)
                let serial = v.string("SerialNumber", min: 9, max: 256, pattern: .stsSerialNumber)
                let code = v.string("TokenCode", min: 6, max: 6, pattern: .stsDigits)
                try v.check()
                let issued = try await request.identity.getSessionToken(
                    request.caller, durationSeconds: duration, serialNumber: serial, tokenCode: code)
                return [Shapes.credentials(issued)]
            },
            "AssumeRole": { request in
                var v = ParameterValidator(request.parameters)
                let roleARN = v.string("RoleArn", required: true, min: 20, max: 2048, pattern: .arn)
                let sessionName = v.string(
                    "RoleSessionName", required: true, min: 2, max: 64, pattern: .roleSessionName)
                let duration = v.integer("DurationSeconds", min: 900, max: 43_200)
                let externalId = v.string("ExternalId", min: 2, max: 1224, pattern: .externalId)
                let serial = v.string("SerialNumber", min: 9, max: 256, pattern: .stsSerialNumber)
                let code = v.string("TokenCode", min: 6, max: 6, pattern: .stsDigits)
                let sourceIdentity = v.string("SourceIdentity", min: 2, max: 64, pattern: .roleSessionName)
                try v.check()
                for unsupported in [
                    "Policy", "PolicyArns.member.1.arn", "Tags.member.1.Key", "TransitiveTagKeys.member.1",
                    "ProvidedContexts.member.1.ProviderArn",
                ]
                where request.parameters[unsupported] != nil {
                    let name = unsupported.split(separator: ".").first.map(String.init) ?? unsupported
                    throw AWSError.validation("vegas-server does not support the AssumeRole parameter \(name).")
                }
                if let sourceIdentity, sourceIdentity.lowercased().hasPrefix("aws:") {
                    throw AWSError.validation("SourceIdentity cannot start with the prefix 'aws:'.")
                }
                let assumed = try await request.identity.assumeRole(
                    request.caller,
                    AssumeRoleRequest(
                        roleARN: roleARN!, roleSessionName: sessionName!, durationSeconds: duration,
                        externalId: externalId,
                        serialNumber: serial, tokenCode: code, sourceIdentity: sourceIdentity))
                var children = [
                    Shapes.credentials(assumed.issued),
                    XMLElement(
                        "AssumedRoleUser",
                        children: [
                            XMLElement("AssumedRoleId", assumed.assumedRoleId), XMLElement("Arn", assumed.arn),
                        ]),
                ]
                if let sourceIdentity = assumed.sourceIdentity {
                    children.append(XMLElement("SourceIdentity", sourceIdentity))
                }
                return children
            },
        ])
}
