import AWSProtocol
import Foundation
import IdentityService

/// The response shapes of the IAM and STS models, built from domain records.
enum Shapes {
    static func element(_ name: String, _ text: String) -> XMLElement { XMLElement(name, text) }

    static func element(_ name: String, _ children: [XMLElement]) -> XMLElement { XMLElement(name, children: children) }

    static func date(_ name: String, _ date: Date) -> XMLElement { XMLElement(name, AWSTimestamp.format(date)) }

    static func members(_ name: String, _ items: [XMLElement]) -> XMLElement {
        XMLElement(name, children: items.map { XMLElement("member", children: $0.children) })
    }

    static func user(_ user: UserRecord, name: String = "User") -> XMLElement {
        var children = [element("Path", user.path)]
        if !user.userName.isEmpty { children.append(element("UserName", user.userName)) }
        children += [element("UserId", user.userId), element("Arn", user.arn), date("CreateDate", user.createDate)]
        return element(name, children)
    }

    static func accessKeyMetadata(_ key: AccessKeyRecord, owner: String?) -> XMLElement {
        var children: [XMLElement] = []
        if let owner { children.append(element("UserName", owner)) }
        children += [
            element("AccessKeyId", key.accessKeyId), element("Status", key.isActive ? "Active" : "Inactive"),
            date("CreateDate", key.createDate),
        ]
        return element("member", children)
    }

    static func loginProfile(_ profile: LoginProfileRecord, fallbackName: String) -> XMLElement {
        element(
            "LoginProfile",
            [
                element("UserName", profile.userName ?? fallbackName), date("CreateDate", profile.createDate),
                element("PasswordResetRequired", profile.passwordResetRequired ? "true" : "false"),
            ])
    }

    static func tags(_ tags: [TagRecord]) -> XMLElement {
        element("Tags", tags.map { element("member", [element("Key", $0.key), element("Value", $0.value)]) })
    }

    static func mfaDevice(_ device: MFADeviceRecord, fallbackUserName: String) -> XMLElement {
        var children = [
            element("UserName", device.userName ?? fallbackUserName), element("SerialNumber", device.serialNumber),
        ]
        if let enableDate = device.enableDate { children.append(date("EnableDate", enableDate)) }
        return element("member", children)
    }

    static func virtualMFADevice(_ device: MFADeviceRecord, user: UserRecord?) -> XMLElement {
        var children = [element("SerialNumber", device.serialNumber)]
        if let user { children.append(self.user(user)) }
        if let enableDate = device.enableDate { children.append(date("EnableDate", enableDate)) }
        return element("member", children)
    }

    static func role(_ role: RoleRecord, name: String = "Role") -> XMLElement {
        var children = [
            element("Path", role.path), element("RoleName", role.roleName), element("RoleId", role.roleId),
            element("Arn", role.arn), date("CreateDate", role.createDate),
            // IAM returns policy documents URL-encoded; botocore decodes them.
            element("AssumeRolePolicyDocument", AWSPercentEncoding.encode(role.trustPolicy)),
        ]
        if let description = role.description { children.append(element("Description", description)) }
        children.append(element("MaxSessionDuration", String(role.maxSessionDuration)))
        return element(name, children)
    }

    static func credentials(_ issued: IssuedCredentials) -> XMLElement {
        element(
            "Credentials",
            [
                element("AccessKeyId", issued.credentials.accessKeyId),
                element("SecretAccessKey", issued.credentials.secretAccessKey),
                element("SessionToken", issued.credentials.sessionToken ?? ""),
                date("Expiration", issued.expiration),
            ])
    }
}
