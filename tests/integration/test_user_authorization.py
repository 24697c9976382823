"""An IAM user (boto3, its own long-term keys) may manage its own MFA devices and access keys, nothing else."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from vegas_harness import Keys, VirtualDevice, boto_client, mfa_serial, unique


def assert_denied(call, *args, **kwargs) -> None:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    response = raised.value.response
    assert response["Error"]["Code"] == "AccessDenied", response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403, response


def test_user_cannot_administer_the_account(make_user, root_iam):
    carol = make_user("carol")
    iam = carol.client("iam")
    assert_denied(iam.create_user, UserName=unique("intruder"))
    assert_denied(iam.list_users)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": carol.arn}, "Action": "sts:AssumeRole"}]})
    assert_denied(iam.create_role, RoleName=unique("role"), AssumeRolePolicyDocument=trust)
    assert_denied(iam.create_account_alias, AccountAlias=unique("nope"))
    names = {u["UserName"] for page in root_iam.get_paginator("list_users").paginate() for u in page["Users"]}
    assert carol.name in names and not any(n.startswith("intruder") for n in names)


def test_user_cannot_touch_another_users_mfa_or_keys(make_user, make_device):
    carol, other = make_user("carol"), make_user("other")
    others_device = make_device(other, prefix="other-phone")
    iam = carol.client("iam")
    assert_denied(iam.list_mfa_devices, UserName=other.name)
    assert_denied(iam.deactivate_mfa_device, UserName=other.name, SerialNumber=others_device.serial)
    assert_denied(iam.create_access_key, UserName=other.name)
    assert_denied(iam.list_access_keys, UserName=other.name)
    assert_denied(iam.delete_access_key, UserName=other.name, AccessKeyId=other.keys.access_key_id)
    spare = make_device(prefix="spare")
    code1, code2 = spare.enabling_codes()
    assert_denied(iam.enable_mfa_device, UserName=other.name, SerialNumber=spare.serial,
                  AuthenticationCode1=code1, AuthenticationCode2=code2)


def test_user_manages_its_own_mfa_device(make_user, root_iam):
    carol = make_user("carol")
    iam = carol.client("iam")
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName=carol.name)["VirtualMFADevice"]
    assert created["SerialNumber"] == mfa_serial(carol.name)
    device = VirtualDevice(serial=created["SerialNumber"], seed=created["Base32StringSeed"].decode())
    code1, code2 = device.enabling_codes()
    iam.enable_mfa_device(UserName=carol.name, SerialNumber=device.serial,
                          AuthenticationCode1=code1, AuthenticationCode2=code2)
    assert [d["SerialNumber"] for d in iam.list_mfa_devices()["MFADevices"]] == [device.serial]
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=carol.name)["MFADevices"]] == [device.serial]
    iam.tag_mfa_device(SerialNumber=device.serial, Tags=[{"Key": "owner", "Value": carol.name}])
    assert iam.list_mfa_device_tags(SerialNumber=device.serial)["Tags"] == [{"Key": "owner", "Value": carol.name}]
    iam.deactivate_mfa_device(UserName=carol.name, SerialNumber=device.serial)
    assert iam.list_mfa_devices()["MFADevices"] == []
    iam.delete_virtual_mfa_device(SerialNumber=device.serial)
    remaining = {
        d["SerialNumber"]
        for page in root_iam.get_paginator("list_virtual_mfa_devices").paginate()
        for d in page["VirtualMFADevices"]
    }
    assert device.serial not in remaining


def test_user_manages_its_own_access_keys(make_user, endpoint):
    carol = make_user("carol")
    iam = carol.client("iam")
    second = iam.create_access_key()["AccessKey"]
    assert second["UserName"] == carol.name
    listed = {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    assert listed == {carol.keys.access_key_id, second["AccessKeyId"]}
    second_keys = Keys(second["AccessKeyId"], second["SecretAccessKey"])
    assert boto_client(endpoint, "sts", second_keys).get_caller_identity()["Arn"] == carol.arn
    iam.update_access_key(AccessKeyId=second["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as raised:
        boto_client(endpoint, "sts", second_keys).get_caller_identity()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    iam.delete_access_key(AccessKeyId=second["AccessKeyId"])
    assert {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]} == {carol.keys.access_key_id}
