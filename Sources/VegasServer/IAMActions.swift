import AWSProtocol
import Foundation
import IdentityService

/// IAM `2010-05-08`: the actions vegas-server implements, each validated against the API model's constraints.
enum IAMActions {
    static let table = ActionTable(
        version: "2010-05-08", namespace: QueryResponse.iamNamespace,
        handlers: users.merging(accessKeys) { a, _ in a }.merging(loginProfiles) { a, _ in a }
            .merging(aliases) { a, _ in a }.merging(mfaDevices) { a, _ in a }.merging(roles) { a, _ in a })

    // MARK: Users

    static let users: [String: ActionHandler] = [
        "CreateUser": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", required: true, min: 1, max: 64, pattern: .userName)
            let path = v.string("Path", min: 1, max: 512, pattern: .path)
            try v.check()
            let user = try await request.identity.createUser(request.caller, userName: userName!, path: path ?? "/")
            return [Shapes.user(user)]
        },
        "GetUser": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            try v.check()
            return [Shapes.user(try await request.identity.getUser(request.caller, userName: userName))]
        },
        "ListUsers": { request in
            var v = ParameterValidator(request.parameters)
            let prefix = v.string("PathPrefix", min: 1, max: 512, pattern: .pathPrefix)
            let (marker, maxItems) = v.paging()
            try v.check()
            let users = try await request.identity.listUsers(request.caller, pathPrefix: prefix ?? "/")
            let page = try Page(users, key: \.nameKey, marker: marker, maxItems: maxItems)
            return [Shapes.members("Users", page.items.map { Shapes.user($0) })] + page.trailer
        },
        "DeleteUser": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", required: true, min: 1, max: 128, pattern: .userName)
            try v.check()
            try await request.identity.deleteUser(request.caller, userName: userName!)
            return nil
        },
    ]

    // MARK: Access keys

    static let accessKeys: [String: ActionHandler] = [
        "CreateAccessKey": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            try v.check()
            let key = try await request.identity.createAccessKey(request.caller, userName: userName)
            var children: [XMLElement] = []
            if let owner = key.record.userName { children.append(XMLElement("UserName", owner)) }
            children += [
                XMLElement("AccessKeyId", key.record.accessKeyId), XMLElement("Status", "Active"),
                XMLElement("SecretAccessKey", key.secretAccessKey), Shapes.date("CreateDate", key.record.createDate),
            ]
            return [XMLElement("AccessKey", children: children)]
        },
        "ListAccessKeys": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            let (marker, maxItems) = v.paging()
            try v.check()
            let (owner, keys) = try await request.identity.listAccessKeys(request.caller, userName: userName)
            let page = try Page(keys, key: \.accessKeyId, marker: marker, maxItems: maxItems)
            return [
                XMLElement("AccessKeyMetadata", children: page.items.map { Shapes.accessKeyMetadata($0, owner: owner) })
            ]
                + page.trailer
        },
        "UpdateAccessKey": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            let keyId = v.string("AccessKeyId", required: true, min: 16, max: 128, pattern: .accessKeyId)
            let status = v.enumeration("Status", allowed: ["Active", "Inactive"], required: true)
            try v.check()
            try await request.identity.updateAccessKey(
                request.caller, userName: userName, accessKeyId: keyId!, active: status == "Active")
            return nil
        },
        "DeleteAccessKey": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            let keyId = v.string("AccessKeyId", required: true, min: 16, max: 128, pattern: .accessKeyId)
            try v.check()
            try await request.identity.deleteAccessKey(request.caller, userName: userName, accessKeyId: keyId!)
            return nil
        },
    ]

    // MARK: Login profiles

    static let loginProfiles: [String: ActionHandler] = [
        "CreateLoginProfile": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 64, pattern: .userName)
            let password = v.string("Password", required: true, min: 1, max: 128, pattern: .password)
            let reset = v.boolean("PasswordResetRequired")
            try v.check()
            let profile = try await request.identity.createLoginProfile(
                request.caller, userName: userName, password: password!, resetRequired: reset ?? false)
            return [Shapes.loginProfile(profile, fallbackName: request.caller.accountId)]
        },
        "GetLoginProfile": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 64, pattern: .userName)
            try v.check()
            let profile = try await request.identity.getLoginProfile(request.caller, userName: userName)
            return [Shapes.loginProfile(profile, fallbackName: request.caller.accountId)]
        },
        "UpdateLoginProfile": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 64, pattern: .userName)
            let password = v.string("Password", min: 1, max: 128, pattern: .password)
            let reset = v.boolean("PasswordResetRequired")
            try v.check()
            try await request.identity.updateLoginProfile(
                request.caller, userName: userName, password: password, resetRequired: reset)
            return nil
        },
        "DeleteLoginProfile": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 64, pattern: .userName)
            try v.check()
            try await request.identity.deleteLoginProfile(request.caller, userName: userName)
            return nil
        },
    ]

    // MARK: Account alias

    static let aliases: [String: ActionHandler] = [
        "CreateAccountAlias": { request in
            var v = ParameterValidator(request.parameters)
            let alias = v.string("AccountAlias", required: true, min: 3, max: 63, pattern: .accountAlias)
            try v.check()
            try await request.identity.createAccountAlias(request.caller, alias: alias!)
            return nil
        },
        "ListAccountAliases": { request in
            var v = ParameterValidator(request.parameters)
            _ = v.paging()
            try v.check()
            let aliases = try await request.identity.listAccountAliases(request.caller)
            return [
                XMLElement("AccountAliases", children: aliases.map { XMLElement("member", $0) }),
                XMLElement("IsTruncated", "false"),
            ]
        },
        "DeleteAccountAlias": { request in
            var v = ParameterValidator(request.parameters)
            let alias = v.string("AccountAlias", required: true, min: 3, max: 63, pattern: .accountAlias)
            try v.check()
            try await request.identity.deleteAccountAlias(request.caller, alias: alias!)
            return nil
        },
    ]

    // MARK: MFA devices

    static let mfaDevices: [String: ActionHandler] = [
        "CreateVirtualMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let name = v.string("VirtualMFADeviceName", required: true, min: 1, max: 226, pattern: .userName)
            let path = v.string("Path", min: 1, max: 512, pattern: .path)
            try v.check()
            let tags = try tags(request.parameters)
            let device = try await request.identity.createVirtualMFADevice(
                request.caller, name: name!, path: path ?? "/", tags: tags)
            var children = [
                XMLElement("SerialNumber", device.record.serialNumber),
                // Blobs travel base64-encoded: the seed is base64 of its base32 text, as on AWS.
                XMLElement("Base32StringSeed", Data(device.base32Seed.utf8).base64EncodedString()),
                XMLElement("QRCodePNG", Data(device.qrCodePNG).base64EncodedString()),
            ]
            if !tags.isEmpty { children.append(Shapes.tags(tags)) }
            return [XMLElement("VirtualMFADevice", children: children)]
        },
        "EnableMFADevice": { request in
            let (userName, serial, code1, code2) = try twoCodes(request.parameters)
            try await request.identity.enableMFADevice(
                request.caller, userName: userName, serialNumber: serial, code1: code1, code2: code2)
            return nil
        },
        "ResyncMFADevice": { request in
            let (userName, serial, code1, code2) = try twoCodes(request.parameters)
            try await request.identity.resyncMFADevice(
                request.caller, userName: userName, serialNumber: serial, code1: code1, code2: code2)
            return nil
        },
        "DeactivateMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            try v.check()
            try await request.identity.deactivateMFADevice(request.caller, userName: userName, serialNumber: serial!)
            return nil
        },
        "DeleteVirtualMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            try v.check()
            try await request.identity.deleteVirtualMFADevice(request.caller, serialNumber: serial!)
            return nil
        },
        "ListMFADevices": { request in
            var v = ParameterValidator(request.parameters)
            let userName = v.string("UserName", min: 1, max: 128, pattern: .userName)
            let (marker, maxItems) = v.paging()
            try v.check()
            let devices = try await request.identity.listMFADevices(request.caller, userName: userName)
            let page = try Page(devices, key: \.serialNumber, marker: marker, maxItems: maxItems)
            let fallback = request.caller.userName ?? request.caller.accountId
            return [
                XMLElement("MFADevices", children: page.items.map { Shapes.mfaDevice($0, fallbackUserName: fallback) })
            ]
                + page.trailer
        },
        "ListVirtualMFADevices": { request in
            var v = ParameterValidator(request.parameters)
            let status = v.enumeration("AssignmentStatus", allowed: ["Assigned", "Unassigned", "Any"])
            let (marker, maxItems) = v.paging()
            try v.check()
            let devices = try await request.identity.listVirtualMFADevices(
                request.caller, status: AssignmentStatus(rawValue: status ?? "Any") ?? .any)
            let page = try Page(devices, key: \.device.serialNumber, marker: marker, maxItems: maxItems)
            return [
                XMLElement(
                    "VirtualMFADevices", children: page.items.map { Shapes.virtualMFADevice($0.device, user: $0.user) })
            ]
                + page.trailer
        },
        "GetMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            let userName = v.string("UserName", min: 1, max: 64, pattern: .userName)
            try v.check()
            let device = try await request.identity.getMFADevice(
                request.caller, serialNumber: serial!, userName: userName)
            var children: [XMLElement] = []
            if let owner = device.userName { children.append(XMLElement("UserName", owner)) }
            children.append(XMLElement("SerialNumber", device.serialNumber))
            if let enableDate = device.enableDate { children.append(Shapes.date("EnableDate", enableDate)) }
            return children
        },
        "TagMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            try v.check()
            let tags = try tags(request.parameters)
            guard !tags.isEmpty else {
                throw AWSError.validation(
                    "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"
                )
            }
            try await request.identity.tagMFADevice(request.caller, serialNumber: serial!, tags: tags)
            return nil
        },
        "UntagMFADevice": { request in
            var v = ParameterValidator(request.parameters)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            try v.check()
            let keys = try request.parameters.memberList("TagKeys")
            guard !keys.isEmpty else {
                throw AWSError.validation(
                    "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"
                )
            }
            try await request.identity.untagMFADevice(request.caller, serialNumber: serial!, tagKeys: keys)
            return nil
        },
        "ListMFADeviceTags": { request in
            var v = ParameterValidator(request.parameters)
            let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
            let (marker, maxItems) = v.paging()
            try v.check()
            let tags = try await request.identity.listMFADeviceTags(request.caller, serialNumber: serial!)
            let page = try Page(tags, key: \.key, marker: marker, maxItems: maxItems)
            return [Shapes.tags(page.items)] + page.trailer
        },
    ]

    /// UserName, SerialNumber and two authentication codes (EnableMFADevice, ResyncMFADevice).
    static func twoCodes(_ parameters: QueryParameters) throws -> (String, String, String, String) {
        var v = ParameterValidator(parameters)
        let userName = v.string("UserName", required: true, min: 1, max: 128, pattern: .userName)
        let serial = v.string("SerialNumber", required: true, min: 9, max: 256, pattern: .serialNumber)
        let code1 = v.string("AuthenticationCode1", required: true, min: 6, max: 6, pattern: .digits)
        let code2 = v.string("AuthenticationCode2", required: true, min: 6, max: 6, pattern: .digits)
        try v.check()
        return (userName!, serial!, code1!, code2!)
    }

    /// `Tags.member.N.Key/Value`, checked against the model (keys 1–128, values 0–256).
    static func tags(_ parameters: QueryParameters) throws -> [TagRecord] {
        try parameters.memberStructs("Tags").enumerated().map { index, fields in
            guard let key = fields["Key"], (1...128).contains(key.count) else {
                throw AWSError.validation(
                    "1 validation error detected: Value '\(fields["Key"] ?? "null")' at 'tags.\(index + 1).member.key' failed to satisfy constraint: Member must have length between 1 and 128"
                )
            }
            let value = fields["Value"] ?? ""
            guard value.count <= 256 else {
                throw AWSError.validation(
                    "1 validation error detected: Value at 'tags.\(index + 1).member.value' failed to satisfy constraint: Member must have length less than or equal to 256"
                )
            }
            return TagRecord(key: key, value: value)
        }
    }

    // MARK: Roles

    static let roles: [String: ActionHandler] = [
        "CreateRole": { request in
            var v = ParameterValidator(request.parameters)
            let roleName = v.string("RoleName", required: true, min: 1, max: 64, pattern: .userName)
            let path = v.string("Path", min: 1, max: 512, pattern: .path)
            let policy = v.string(
                "AssumeRolePolicyDocument", required: true, min: 1, max: 131_072, pattern: .policyDocument)
            let description = v.string("Description", max: 1000)
            let maxSession = v.integer("MaxSessionDuration", min: 3600, max: 43_200)
            try v.check()
            let role = try await request.identity.createRole(
                request.caller, roleName: roleName!, path: path ?? "/", trustPolicy: policy!, description: description,
                maxSessionDuration: maxSession)
            return [Shapes.role(role)]
        },
        "GetRole": { request in
            var v = ParameterValidator(request.parameters)
            let roleName = v.string("RoleName", required: true, min: 1, max: 64, pattern: .userName)
            try v.check()
            return [Shapes.role(try await request.identity.getRole(request.caller, roleName: roleName!))]
        },
        "ListRoles": { request in
            var v = ParameterValidator(request.parameters)
            let prefix = v.string("PathPrefix", min: 1, max: 512, pattern: .pathPrefix)
            let (marker, maxItems) = v.paging()
            try v.check()
            let roles = try await request.identity.listRoles(request.caller, pathPrefix: prefix ?? "/")
            let page = try Page(roles, key: \.nameKey, marker: marker, maxItems: maxItems)
            return [Shapes.members("Roles", page.items.map { Shapes.role($0) })] + page.trailer
        },
        "DeleteRole": { request in
            var v = ParameterValidator(request.parameters)
            let roleName = v.string("RoleName", required: true, min: 1, max: 64, pattern: .userName)
            try v.check()
            try await request.identity.deleteRole(request.caller, roleName: roleName!)
            return nil
        },
        "UpdateAssumeRolePolicy": { request in
            var v = ParameterValidator(request.parameters)
            let roleName = v.string("RoleName", required: true, min: 1, max: 64, pattern: .userName)
            let policy = v.string("PolicyDocument", required: true, min: 1, max: 131_072, pattern: .policyDocument)
            try v.check()
            try await request.identity.updateAssumeRolePolicy(request.caller, roleName: roleName!, trustPolicy: policy!)
            return nil
        },
    ]
}
