"""The seed documents' flow, driven through the real awscli (v1) against vegas-server.

alice gets an account alias, a console password, an access key and two virtual MFA devices (one bootstrapped from
the QR PNG decoded with zbarimg, one from the Base32 seed file), enables them with two consecutive codes, and uses
them for GetSessionToken and AssumeRole. Tests in this module run in file order and share alice.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import subprocess
import time
from types import SimpleNamespace
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from botocore.exceptions import ClientError

from vegas_harness import (
    ACCOUNT_ID,
    INVALID_AUTH_CODE_MESSAGE,
    INVALID_CODE_MESSAGE,
    SESSION_CREDENTIALS_MESSAGE,
    UNKNOWN_SERIAL_MESSAGE,
    Keys,
    VirtualDevice,
    boto_client,
    create_device,
    create_user,
    current_step,
    enable_device,
    mfa_serial,
    seed_bytes,
    unique,
    user_arn,
)

PASSWORD = "Vegas-Integration-Pass-9!"
ROLE_NAME = "mfa-admin"
MFA_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }],
})
BASE32_SEED = re.compile(r"[A-Z2-7]{64}")


def parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def seconds_from_now(text: str) -> float:
    return (parse_timestamp(text) - dt.datetime.now(dt.timezone.utc)).total_seconds()


def assert_cli_error(result, code: str, message: str | None = None) -> None:
    actual_code, actual_message = result.error()
    assert actual_code == code, f"expected {code}, got {actual_code}: {actual_message}"
    if message is not None:
        assert actual_message == message, f"{code} message {actual_message!r} != {message!r}"


def seed_from_debug_log(stderr: str) -> str:
    """The Base32StringSeed of the CreateVirtualMFADevice response body as botocore logged it (--debug)."""
    match = re.search(r"<Base32StringSeed>(.*?)</Base32StringSeed>", stderr, re.S)
    assert match, "no Base32StringSeed in the logged CreateVirtualMFADevice response"
    blob = re.sub(r"\\n|\s", "", match.group(1))
    return base64.b64decode(blob).decode("ascii")


# --------------------------------------------------------------------------------------------------------------------
# Shared state


@pytest.fixture(scope="module")
def alice(aws):
    user = aws("iam", "create-user", "--user-name", "alice").json()["User"]
    alias = unique("vegas-it")
    alias_result = aws("iam", "create-account-alias", "--account-alias", alias)
    profile = aws(
        "iam", "create-login-profile", "--user-name", "alice", "--password", PASSWORD, "--no-password-reset-required"
    ).json()["LoginProfile"]
    key = aws("iam", "create-access-key", "--user-name", "alice").json()["AccessKey"]
    keys = Keys(key["AccessKeyId"], key["SecretAccessKey"])
    return SimpleNamespace(user=user, alias=alias, alias_result=alias_result, profile=profile, key=key, keys=keys,
                           env=keys.environment())


@pytest.fixture(scope="module")
def yubikey(aws, alice, tmp_path_factory):
    """alice-yubikey, bootstrapped from the QR PNG (the seed is the one the decoded QR carries)."""
    png_path = tmp_path_factory.mktemp("qr") / "qr.png"
    created = aws(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "alice-yubikey",
        "--bootstrap-method", "QRCodePNG", "--outfile", str(png_path), "--debug",
    )
    device = created.json()["VirtualMFADevice"]
    wire_seed = seed_from_debug_log(created.stderr)
    zbar = subprocess.run(["zbarimg", "--raw", "-q", str(png_path)], capture_output=True, text=True, timeout=60)
    uri = zbar.stdout.strip()
    qr_secret = dict(parse_qsl(urlsplit(uri).query)).get("secret")
    return SimpleNamespace(
        response=device, png=png_path.read_bytes(), zbar=zbar, uri=uri, wire_seed=wire_seed, qr_secret=qr_secret,
        device=VirtualDevice(serial=device["SerialNumber"], seed=qr_secret or wire_seed),
    )


@pytest.fixture(scope="module")
def phone(aws, alice, tmp_path_factory):
    """alice-phone, bootstrapped from the Base32StringSeed outfile."""
    seed_path = tmp_path_factory.mktemp("seed") / "seed.txt"
    device = aws(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "alice-phone",
        "--bootstrap-method", "Base32StringSeed", "--outfile", str(seed_path),
    ).json()["VirtualMFADevice"]
    seed_text = seed_path.read_text()
    return SimpleNamespace(response=device, seed_text=seed_text,
                           device=VirtualDevice(serial=device["SerialNumber"], seed=seed_text.strip()))


@pytest.fixture(scope="module")
def enabled(aws, alice, yubikey, phone):
    """Both of alice's devices enabled through the awscli with two consecutive codes each."""
    results = {}
    for device in (yubikey.device, phone.device):
        code1, code2 = device.enabling_codes()
        results[device.serial] = aws(
            "iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", device.serial,
            "--authentication-code1", code1, "--authentication-code2", code2,
        )
    return results


@pytest.fixture(scope="module")
def mfa_session(aws, alice, yubikey, enabled):
    """alice's GetSessionToken with alice-yubikey and a fresh code."""
    code = yubikey.device.next_code()
    result = aws(
        "sts", "get-session-token", "--serial-number", yubikey.device.serial, "--token-code", code,
        "--duration-seconds", "900", env=alice.env,
    )
    credentials = result.json()["Credentials"]
    keys = Keys(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    return SimpleNamespace(credentials=credentials, keys=keys, code=code, accepted_at=time.monotonic())


@pytest.fixture(scope="module")
def mfa_role(aws):
    return aws(
        "iam", "create-role", "--role-name", ROLE_NAME, "--assume-role-policy-document", MFA_TRUST_POLICY
    ).json()["Role"]


@pytest.fixture(scope="module")
def bob(endpoint):
    """Another user with an enabled device, for foreign-serial checks."""
    user = create_user(endpoint, unique("bob"))
    device = enable_device(endpoint, create_device(endpoint, unique("bob-phone")), user.name)
    return SimpleNamespace(user=user, device=device)


# --------------------------------------------------------------------------------------------------------------------
# Account set-up and bootstrap


def test_user_alias_login_profile_and_access_key(aws, alice):
    assert alice.user["UserName"] == "alice"
    assert alice.user["Arn"] == user_arn("alice")
    assert alice.user["UserId"]
    alice.alias_result.ok()
    assert aws("iam", "list-account-aliases").json()["AccountAliases"] == [alice.alias]
    assert aws("iam", "get-user", "--user-name", "alice").json()["User"]["Arn"] == user_arn("alice")
    assert alice.profile["UserName"] == "alice"
    assert "Password" not in alice.profile
    assert alice.key["UserName"] == "alice"
    assert alice.key["Status"] == "Active"
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", alice.key["AccessKeyId"]), alice.key["AccessKeyId"]
    assert len(alice.key["SecretAccessKey"]) == 40


def test_qr_png_decodes_to_otpauth_uri(alice, yubikey):
    assert yubikey.response["SerialNumber"] == mfa_serial("alice-yubikey")
    assert yubikey.png.startswith(b"\x89PNG\r\n\x1a\n"), "QRCodePNG is not a PNG"
    assert yubikey.zbar.returncode == 0, f"zbarimg could not decode the QR code: {yubikey.zbar.stderr}"
    uri = yubikey.uri
    assert len(uri.splitlines()) == 1, f"zbarimg found more than one symbol: {uri!r}"
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp"), uri
    assert re.fullmatch(r"/Vegas:alice-yubikey(@|%40)" + re.escape(alice.alias), parts.path), uri
    assert unquote(parts.path) == f"/Vegas:alice-yubikey@{alice.alias}", uri
    query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
    assert dict(query) == {"secret": yubikey.device.seed, "issuer": "Vegas"}, uri
    assert len(query) == 2, uri
    assert BASE32_SEED.fullmatch(yubikey.device.seed), uri
    assert len(seed_bytes(yubikey.device.seed)) == 40


def test_qr_secret_equals_the_devices_base32_seed(yubikey):
    """The same CreateVirtualMFADevice response carries the seed twice: as Base32StringSeed and inside the QR."""
    assert yubikey.qr_secret is not None, f"no secret in the decoded QR code {yubikey.uri!r}"
    assert yubikey.qr_secret == yubikey.wire_seed


def test_base32_seed_outfile(phone, yubikey):
    assert phone.response["SerialNumber"] == mfa_serial("alice-phone")
    assert BASE32_SEED.fullmatch(phone.seed_text), repr(phone.seed_text)
    assert len(seed_bytes(phone.seed_text)) == 40
    assert phone.seed_text != yubikey.device.seed


def test_enable_mfa_devices_with_two_consecutive_codes(enabled):
    for serial, result in enabled.items():
        result.ok()
        assert result.stdout.strip() == "", f"EnableMFADevice has no output, got {result.stdout!r}"


def test_list_mfa_devices(aws, alice, enabled, yubikey, phone):
    expected = {yubikey.device.serial, phone.device.serial}
    for env, args in ((None, ("--user-name", "alice")), (alice.env, ())):
        devices = aws("iam", "list-mfa-devices", *args, env=env).json()["MFADevices"]
        assert {d["SerialNumber"] for d in devices} == expected
        for device in devices:
            assert device["UserName"] == "alice"
            assert abs(seconds_from_now(device["EnableDate"])) < 600, device


def test_list_virtual_mfa_devices_assigned_omits_bootstrap_data(aws, enabled, yubikey, phone):
    listed = aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned").json()["VirtualMFADevices"]
    by_serial = {d["SerialNumber"]: d for d in listed}
    for device in (yubikey.device, phone.device):
        assert device.serial in by_serial, listed
        entry = by_serial[device.serial]
        assert entry["User"]["UserName"] == "alice"
        assert entry["User"]["Arn"] == user_arn("alice")
        assert "EnableDate" in entry
    for entry in listed:
        assert "Base32StringSeed" not in entry and "QRCodePNG" not in entry, entry
    unassigned = aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned").json()
    assert not {d["SerialNumber"] for d in unassigned["VirtualMFADevices"]} & set(by_serial)


# --------------------------------------------------------------------------------------------------------------------
# STS with MFA


def test_get_session_token_with_mfa(mfa_session):
    credentials = mfa_session.credentials
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"]), credentials["AccessKeyId"]
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["SessionToken"]
    assert 800 < seconds_from_now(credentials["Expiration"]) <= 960, credentials["Expiration"]


def test_replayed_code_is_rejected(aws, alice, yubikey, mfa_session):
    assert time.monotonic() - mfa_session.accepted_at < 25, "harness too slow: the code left the TOTP window"
    replay = aws(
        "sts", "get-session-token", "--serial-number", yubikey.device.serial, "--token-code", mfa_session.code,
        env=alice.env,
    )
    assert_cli_error(replay, "AccessDenied", INVALID_CODE_MESSAGE)


def test_session_credentials_identify_alice(aws, alice, mfa_session):
    identity = aws("sts", "get-caller-identity", env=mfa_session.keys.environment()).json()
    assert identity["Arn"] == user_arn("alice")
    assert identity["Account"] == ACCOUNT_ID
    assert identity["UserId"] == alice.user["UserId"]


def test_assume_role_with_mfa_session(aws, mfa_session, mfa_role):
    assert mfa_role["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE_NAME}"
    assumed = aws(
        "sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "alice-mfa",
        env=mfa_session.keys.environment(),
    ).json()
    role_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{ROLE_NAME}/alice-mfa"
    assert assumed["AssumedRoleUser"]["Arn"] == role_arn
    assert assumed["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice-mfa")
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")
    role_keys = Keys(assumed["Credentials"]["AccessKeyId"], assumed["Credentials"]["SecretAccessKey"],
                     assumed["Credentials"]["SessionToken"])
    assert aws("sts", "get-caller-identity", env=role_keys.environment()).json()["Arn"] == role_arn


def test_assume_role_without_mfa_is_denied(aws, alice, mfa_role):
    denied = aws("sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "no-mfa", env=alice.env)
    assert_cli_error(denied, "AccessDenied")
    plain = aws("sts", "get-session-token", "--duration-seconds", "900", env=alice.env).json()["Credentials"]
    plain_keys = Keys(plain["AccessKeyId"], plain["SecretAccessKey"], plain["SessionToken"])
    denied = aws(
        "sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "no-mfa",
        env=plain_keys.environment(),
    )
    assert_cli_error(denied, "AccessDenied")


def test_assume_role_with_token_code_and_shared_replay_protection(aws, alice, phone, mfa_role, enabled):
    code = phone.device.next_code()
    assumed = aws(
        "sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "alice-direct",
        "--serial-number", phone.device.serial, "--token-code", code, env=alice.env,
    ).json()
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{ROLE_NAME}/alice-direct"
    replay_session = aws(
        "sts", "get-session-token", "--serial-number", phone.device.serial, "--token-code", code, env=alice.env
    )
    assert_cli_error(replay_session, "AccessDenied", INVALID_CODE_MESSAGE)
    replay_role = aws(
        "sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "alice-replay",
        "--serial-number", phone.device.serial, "--token-code", code, env=alice.env,
    )
    assert_cli_error(replay_role, "AccessDenied", INVALID_CODE_MESSAGE)


def test_wrong_code_is_rejected(aws, alice, yubikey, enabled):
    result = aws(
        "sts", "get-session-token", "--serial-number", yubikey.device.serial,
        "--token-code", yubikey.device.wrong_code(), env=alice.env,
    )
    assert_cli_error(result, "AccessDenied", INVALID_CODE_MESSAGE)


def test_unknown_or_foreign_serial_is_rejected(aws, endpoint, alice, bob, enabled):
    spare = create_device(endpoint, unique("unassigned"))
    cases = {
        "no such device": (mfa_serial("no-such-device"), "123456"),
        "another user's device (with its valid code)": (bob.device.serial, bob.device.code_now()),
        "an unassigned device (with its valid code)": (spare.serial, spare.code_now()),
        "the user's ARN instead of a device": (user_arn("alice"), "123456"),
    }
    for label, (serial, code) in cases.items():
        result = aws("sts", "get-session-token", "--serial-number", serial, "--token-code", code, env=alice.env)
        code_seen, message = result.error()
        assert (code_seen, message) == ("AccessDenied", UNKNOWN_SERIAL_MESSAGE), f"{label}: {code_seen}: {message}"


def test_get_session_token_with_session_credentials_is_denied(aws, mfa_session):
    result = aws("sts", "get-session-token", env=mfa_session.keys.environment())
    assert_cli_error(result, "AccessDenied", SESSION_CREDENTIALS_MESSAGE)


# --------------------------------------------------------------------------------------------------------------------
# Device lifecycle rules


def test_ninth_device_is_refused(aws, endpoint, tmp_path):
    user = create_user(endpoint, unique("dora"))
    for index in range(8):
        enable_device(endpoint, create_device(endpoint, unique(f"dora-{index}")), user.name)
    seed_path = tmp_path / "ninth.txt"
    ninth = aws(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", unique("dora-9"),
        "--bootstrap-method", "Base32StringSeed", "--outfile", str(seed_path),
    ).json()["VirtualMFADevice"]
    device = VirtualDevice(serial=ninth["SerialNumber"], seed=seed_path.read_text().strip())
    code1, code2 = device.enabling_codes()
    refused = aws(
        "iam", "enable-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
        "--authentication-code1", code1, "--authentication-code2", code2,
    )
    assert_cli_error(refused, "LimitExceeded")
    assert len(aws("iam", "list-mfa-devices", "--user-name", user.name).json()["MFADevices"]) == 8
    unassigned = aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned").json()
    assert device.serial in {d["SerialNumber"] for d in unassigned["VirtualMFADevices"]}


def test_enable_rejects_invalid_code_pairs(aws, endpoint):
    user = create_user(endpoint, unique("erin"))
    device = create_device(endpoint, unique("erin-phone"))
    now = current_step()
    pairs = {
        "the same code twice": (device.code_at(now), device.code_at(now)),
        "codes two steps apart": (device.code_at(now), device.code_at(now + 2)),
        "consecutive codes 15 steps ahead": (device.code_at(now + 15), device.code_at(now + 16)),
        "consecutive codes in reverse order": (device.code_at(now + 1), device.code_at(now)),
    }
    for label, (code1, code2) in pairs.items():
        result = aws(
            "iam", "enable-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
            "--authentication-code1", code1, "--authentication-code2", code2,
        )
        code_seen, message = result.error()
        assert (code_seen, message) == ("InvalidAuthenticationCode", INVALID_AUTH_CODE_MESSAGE), f"{label}: {message}"
    assert aws("iam", "list-mfa-devices", "--user-name", user.name).json()["MFADevices"] == []
    code1, code2 = device.enabling_codes()
    aws("iam", "enable-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
        "--authentication-code1", code1, "--authentication-code2", code2).ok()


def test_deactivate_and_delete(aws, endpoint):
    user = create_user(endpoint, unique("frank"))
    device = enable_device(endpoint, create_device(endpoint, unique("frank-phone")), user.name)
    serial = device.serial
    assert_cli_error(aws("iam", "delete-virtual-mfa-device", "--serial-number", serial), "DeleteConflict")
    deactivated = aws("iam", "deactivate-mfa-device", "--user-name", user.name, "--serial-number", serial).ok()
    assert deactivated.stdout.strip() == ""
    assert aws("iam", "list-mfa-devices", "--user-name", user.name).json()["MFADevices"] == []
    after = aws("sts", "get-session-token", "--serial-number", serial, "--token-code", device.code_now(), env=user.env)
    assert_cli_error(after, "AccessDenied", UNKNOWN_SERIAL_MESSAGE)
    assert aws("iam", "delete-virtual-mfa-device", "--serial-number", serial).ok().stdout.strip() == ""
    assert_cli_error(aws("iam", "delete-virtual-mfa-device", "--serial-number", serial), "NoSuchEntity")
    remaining = aws("iam", "list-virtual-mfa-devices").json()["VirtualMFADevices"]
    assert serial not in {d["SerialNumber"] for d in remaining}


def test_drift_is_remembered_and_resync_resets_it(aws, endpoint):
    """Enabled with codes 3 minutes old, the device keeps working only near that drift until it is resynced."""
    user = create_user(endpoint, unique("gina"))
    device = create_device(endpoint, unique("gina-phone"))
    code1, code2 = device.enabling_codes(offset=-6)
    aws("iam", "enable-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
        "--authentication-code1", code1, "--authentication-code2", code2).ok()

    def session(code: str):
        return aws("sts", "get-session-token", "--serial-number", device.serial, "--token-code", code, env=user.env)

    assert_cli_error(session(device.code_now()), "AccessDenied", INVALID_CODE_MESSAGE)
    session(device.next_code()).ok()

    same = device.code_now()
    refused = aws("iam", "resync-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
                  "--authentication-code1", same, "--authentication-code2", same)
    assert_cli_error(refused, "InvalidAuthenticationCode", INVALID_AUTH_CODE_MESSAGE)
    code1, code2 = device.enabling_codes()
    resynced = aws("iam", "resync-mfa-device", "--user-name", user.name, "--serial-number", device.serial,
                   "--authentication-code1", code1, "--authentication-code2", code2).ok()
    assert resynced.stdout.strip() == ""
    assert_cli_error(session(device.code_at(current_step() - 5)), "AccessDenied", INVALID_CODE_MESSAGE)
    session(device.next_code()).ok()


def test_device_tags(aws, endpoint):
    serial = aws(
        "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", unique("tagged"),
        "--bootstrap-method", "Base32StringSeed", "--outfile", "tagged-seed.txt", "--tags", "Key=team,Value=ops",
    ).json()["VirtualMFADevice"]["SerialNumber"]

    def tags():
        return aws("iam", "list-mfa-device-tags", "--serial-number", serial).json()["Tags"]

    assert tags() == [{"Key": "team", "Value": "ops"}]
    aws("iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=env,Value=dev", "Key=app,Value=vegas").ok()
    assert tags() == [{"Key": "app", "Value": "vegas"}, {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "ops"}]
    aws("iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=team,Value=sec").ok()
    aws("iam", "untag-mfa-device", "--serial-number", serial, "--tag-keys", "env").ok()
    assert tags() == [{"Key": "app", "Value": "vegas"}, {"Key": "team", "Value": "sec"}]
    assert_cli_error(
        aws("iam", "list-mfa-device-tags", "--serial-number", mfa_serial("no-such-device")), "NoSuchEntity"
    )


# --------------------------------------------------------------------------------------------------------------------
# Validation


def test_non_numeric_token_code_fails_pattern_validation(aws, alice, yubikey, phone, mfa_role, enabled):
    prefix = "1 validation error detected: Value 'abcdef' at '{}' failed to satisfy constraint: " \
             "Member must satisfy regular expression pattern"
    calls = {
        "tokenCode": ("sts", "get-session-token", "--serial-number", yubikey.device.serial, "--token-code", "abcdef"),
        "authenticationCode1": ("iam", "resync-mfa-device", "--user-name", "alice", "--serial-number",
                                phone.device.serial, "--authentication-code1", "abcdef",
                                "--authentication-code2", "123456"),
    }
    for member, args in calls.items():
        code, message = aws(*args, env=alice.env).error()
        assert code == "ValidationError", message
        assert message.startswith(prefix.format(member)), message
    role = aws("sts", "assume-role", "--role-arn", mfa_role["Arn"], "--role-session-name", "x1",
               "--serial-number", yubikey.device.serial, "--token-code", "abcdef", env=alice.env)
    code, message = role.error()
    assert code == "ValidationError" and message.startswith(prefix.format("tokenCode")), message


def test_duration_seconds_range(alice, mfa_session, mfa_role, endpoint):
    alice_sts = boto_client(endpoint, "sts", alice.keys, parameter_validation=False)
    session_sts = boto_client(endpoint, "sts", mfa_session.keys, parameter_validation=False)
    for duration in (899, 129601, 0, -1):
        with pytest.raises(ClientError) as raised:
            alice_sts.get_session_token(DurationSeconds=duration)
        error = raised.value.response
        assert error["Error"]["Code"] == "ValidationError", error
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert "durationSeconds" in error["Error"]["Message"], error
    for duration in (900, 129600):
        credentials = alice_sts.get_session_token(DurationSeconds=duration)["Credentials"]
        remaining = (credentials["Expiration"] - dt.datetime.now(dt.timezone.utc)).total_seconds()
        assert duration - 120 < remaining <= duration + 60, (duration, credentials["Expiration"])
    for duration in (899, 43201):
        with pytest.raises(ClientError) as raised:
            session_sts.assume_role(RoleArn=mfa_role["Arn"], RoleSessionName="range", DurationSeconds=duration)
        assert raised.value.response["Error"]["Code"] == "ValidationError", raised.value.response


def test_root_session_duration_is_clamped_to_one_hour(root_sts):
    credentials = root_sts.get_session_token(DurationSeconds=7200)["Credentials"]
    remaining = (credentials["Expiration"] - dt.datetime.now(dt.timezone.utc)).total_seconds()
    assert 3600 - 120 < remaining <= 3660, credentials["Expiration"]
