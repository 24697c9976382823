/// Response bodies captured from moto 5.2.1 (reference §7.3, verbatim) and AWS's documentation samples (§1.2, §4).
enum Fixtures {
    // MARK: AWS documentation samples (pretty-printed, as AWS sends them)

    static let realGetCallerIdentity = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>arn:aws:sts::123456789012:assumed-role/elpy-admin/botocore-session-1590482957</Arn>
            <UserId>AROAUBLYXXXXXXACIWXS2:botocore-session-1590482957</UserId>
            <Account>123456789012</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>26374e3f-9b12-4526-8649-d19eaf366e02</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>
        """

    static let docGetSessionToken = """
        <GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <GetSessionTokenResult>
        <Credentials>
          <SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/L</SessionToken>
          <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
          <Expiration>2011-07-11T19:55:29.611Z</Expiration>
          <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
        </Credentials>
        </GetSessionTokenResult>
        <ResponseMetadata>
        <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>
        </ResponseMetadata>
        </GetSessionTokenResponse>
        """

    static let docAssumeRole = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
        <AssumeRoleResult>
        <SourceIdentity>DevUser123</SourceIdentity>
        <Credentials>
          <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
          <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
          <Expiration>2019-07-15T23:28:33.359Z</Expiration>
          <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
        </Credentials>
        <AssumedRoleUser>
          <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
          <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
        </AssumedRoleUser>
        <PackedPolicySize>8</PackedPolicySize>
        </AssumeRoleResult>
        <ResponseMetadata>
        <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
        </ResponseMetadata>
        </AssumeRoleResponse>
        """

    static let docGetUser = """
        <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetUserResult>
            <User>
              <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
              <Path>/division_abc/subdivision_xyz/</Path>
              <UserName>Bob</UserName>
              <Arn>arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob</Arn>
              <CreateDate>2013-10-02T17:01:44Z</CreateDate>
              <PasswordLastUsed>2014-10-10T14:37:51Z</PasswordLastUsed>
            </User>
          </GetUserResult>
          <ResponseMetadata>
            <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
          </ResponseMetadata>
        </GetUserResponse>
        """

    /// The reference's reconstructed STS error for a wrong MFA code (§4.1).
    static let stsInvalidCode = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>Sender</Type>
            <Code>AccessDenied</Code>
            <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>
          </Error>
          <RequestId>4bf1b1e2-0000-4000-8000-000000000000</RequestId>
        </ErrorResponse>
        """

    // MARK: moto 5.2.1 wire captures (compact, microsecond timestamps, duplicate <message>)

    static let motoCreateVirtualMFADevice =
        #"<CreateVirtualMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateVirtualMFADeviceResult><VirtualMFADevice><SerialNumber>arn:aws:iam::123456789012:mfa/carol-phone</SerialNumber><Base32StringSeed>T0Y3SllHUEhRWklTNEVOU0RUTDdXUFMyNkNDVVQ1UFNIWFRQUjVHWU5EVzNCWlZSV043VUIzRENSSkdUNVNPSA==</Base32StringSeed><QRCodePNG>txt/0UXycBOTLtCSzzg2ymqfiTvPKIYsdwD4AA7BuLteOIpWMponr3dk4XKeBWIHC+i6ob3sx700plUdDP3kNw==</QRCodePNG></VirtualMFADevice></CreateVirtualMFADeviceResult><ResponseMetadata><RequestId>3aTYCp81ipMT5LLUvQOVKroFULFg8Vs6gKmjBxRlKjOH12RT0Xjl</RequestId></ResponseMetadata></CreateVirtualMFADeviceResponse>"#

    static let motoDuplicateDevice =
        #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code><Message>MFADevice entity at the same path and name already exists.</Message><message>MFADevice entity at the same path and name already exists.</message></Error><RequestId>B6JcNfpX1YfvZCRedD07pF8ht2Sv07TXg2wU5QYnblgfNTfxSJ50</RequestId></ErrorResponse>"#

    static let motoEnableMFADevice =
        #"<EnableMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>uGnzaSYIC2tAauflH7z8RSDwNjhbJuRrPm6ceqPebLCrdtIusGxr</RequestId></ResponseMetadata></EnableMFADeviceResponse>"#

    static let motoListMFADevices =
        #"<ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListMFADevicesResult><MFADevices><member><UserName>carol</UserName><SerialNumber>arn:aws:iam::123456789012:mfa/carol-phone</SerialNumber><EnableDate>2026-11-22T07:21:03.984854Z</EnableDate></member></MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult><ResponseMetadata><RequestId>rzoVirt8w4Dm1sbHyufBe3ZHxuH7yUd9aoi7pqZViy3GZOeocnTi</RequestId></ResponseMetadata></ListMFADevicesResponse>"#

    static let motoNoSuchUser =
        #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name nobody cannot be found.</Message><message>The user with name nobody cannot be found.</message></Error><RequestId>wDJ1TlThKgvFCYummtuOGtHoUPEXBaSVgxZVRuo82vgB7UfNIAli</RequestId></ErrorResponse>"#

    static let motoGetSessionToken =
        #"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE</SessionToken><Expiration>2026-11-22T07:36:04.048032Z</Expiration></Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>T6sOXV1bVuKt2OEyasVvcy2q8IZ8TPSL1R6FcmV7qpkgmtG33L8m</RequestId></ResponseMetadata></GetSessionTokenResponse>"#

    static let motoAssumeRole =
        #"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIARZPUZDIKBASTYLSI</AccessKeyId><SecretAccessKey>92NpyZeAAIEdtZCwtjbrahEkVn47AmwByM6FFnpz</SecretAccessKey><SessionToken>FQoGZXIvYXdzEBYaD9EHJt0gYQeiYtbfcSttczFEE8T6jGy2OP1sxtGHc234v89GaOG3d0R8/o8/5HjkJREep+xMOB/pPxx3KRLO5aIyl0JIztNTErpTc5y9ZfgXZ+Sm1c4pX2svBTnFmlAUB3b3Tc12UH9/AxcXwzUoaebehr8ccFWEwWMThcNMtwBmgk2grTUEZUIgWPu25IbOmhFomdVHaNnSwQNCAV3WJFguxqTYb2CNGLj1LxlULidz1n7G5WHi8Qm6w3JUH/e2vxeZMaDVNGXuAepEK+PtHDpGYhwm45KaSM3YgVohwyigTQTULZRJhHjwPKMRNM3DWhzFnkJZYnDFp74bboU=</SessionToken><Expiration>2026-11-22T08:21:04.065114Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA3X42LBCDRO2QQ4LI0:carol</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/admin/carol</Arn></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>bYu0sR2qZOXBJBNvwpwSr8CLGy3Syk5hBljx5GMeVTdIVqVxoQwT</RequestId></ResponseMetadata></AssumeRoleResponse>"#

    static let motoGetCallerIdentity =
        #"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AKIAIOSFODNN7EXAMPLE</UserId><Account>123456789012</Account><Arn>arn:aws:sts::123456789012:user/moto</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>mahBmU4vdnMItiBUUFF66htVNjIVz2A8OrXTBFs4Ruvk4RunhhSL</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#

    static let motoDeactivateMFADevice =
        #"<DeactivateMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>3jnN9RmCXt5KXVQIQtK2dQpA6mJTebzWl8kMrlGm8u9CU6qx2gbd</RequestId></ResponseMetadata></DeactivateMFADeviceResponse>"#

    static let motoDeleteVirtualMFADevice =
        #"<DeleteVirtualMFADeviceResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>neNHE67QhZRiq6hKrvwJLDJAEodhXYKrhKgNV8sgHfCIxNl6Rcva</RequestId></ResponseMetadata></DeleteVirtualMFADeviceResponse>"#

    static let motoDeleteUnknownDevice =
        #"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/carol-phone doesn't exist.</Message><message>VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/carol-phone doesn't exist.</message></Error><RequestId>Gfn320LQNpKMOI4PlibixLXG6lF7dL4wJoyKR6xaUB9DCFrD5ZFr</RequestId></ErrorResponse>"#

    /// moto's answer to an action it does not implement (ResyncMFADevice): Werkzeug's HTML 500 page.
    static let motoHTML500 = """
        <!doctype html>
        <html lang=en>
        <title>500 Internal Server Error</title>
        <h1>Internal Server Error</h1>
        <p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
        """
}
