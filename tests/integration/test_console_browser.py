"""The web console in a real browser: headless Chromium (Selenium) with WebAuthn virtual authenticators, against the
built vegas-server at http://localhost:<port>/console/ (a name, not an IP: an IP is no WebAuthn relying party id).

Users and their console passwords are made with boto3 and the root keys; the browser signs in, assigns MFA devices
(security keys with packed, none and fido-u2f attestation; an authenticator app from its QR code, decoded with zbarimg)
and signs in with each. Server-side effects are checked with ListMFADevices. With VEGAS_SCREENSHOTS=1 the tests also
save a screenshot of each page to docs/images/console-<page>.png.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import secrets
import subprocess
from unittest import mock
from urllib.parse import parse_qsl, unquote, urlsplit

import pyotp
import pytest
import requests
from botocore.exceptions import ClientError

import vegas_harness
from browser import NOT_ALLOWED_MESSAGE, ConsoleBrowser
from vegas_harness import (
    ACCOUNT_ID,
    IamUser,
    VegasServer,
    VirtualDevice,
    boto_client,
    create_device,
    create_user,
    enable_device,
    free_port,
    mfa_serial,
    settle,
    unique,
)

PASSWORD = "Console-Browser-Pass-7!"
ROOT_PASSWORD = "Console-Root-Pass-7!"
# The console's one answer to a wrong password or a wrong, reused or refused MFA code or security key.
INCORRECT = "Your authentication information is incorrect. Please try again."
STALE_FORM = "Your session expired or the form was stale. Sign in again."
MFA_LIMIT = 8
LIMIT_MESSAGE = f"You already have {MFA_LIMIT} MFA devices, the most a user can have. Remove one first."
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


# --------------------------------------------------------------------------------------------------------------------
# Servers, browser, users


def start_console_server(servers, name: str, *flags: str) -> VegasServer:
    """A server whose console is at http://localhost:<port> (--public-url), started with `flags`."""
    port = free_port()
    # VegasServer picks its port inside start(); pin it so that --public-url can name it.
    with mock.patch.object(vegas_harness, "free_port", lambda: port):
        server = servers.start(
            servers.new_data_dir(name), "--public-url", f"http://localhost:{port}", *flags, name=name
        )
    assert server.port == port
    return server


def stop(server: VegasServer) -> None:
    code = server.terminate()
    assert code == 0, f"vegas-server exited {code} after SIGTERM\n--- server output ---\n{server.output()}"


@pytest.fixture(scope="module")
def server(servers):
    """Default WebAuthn settings: attestation direct, user verification preferred."""
    started = start_console_server(servers, "console")
    yield started
    stop(started)


@pytest.fixture(scope="module")
def server_attestation_none(servers):
    started = start_console_server(servers, "console-none", "--webauthn-attestation", "none")
    yield started
    stop(started)


@pytest.fixture(scope="module")
def server_uv_required(servers):
    started = start_console_server(servers, "console-uv", "--webauthn-user-verification", "required")
    yield started
    stop(started)


@pytest.fixture
def open_console(driver):
    """open_console(server): the browser tab on that server's console, reset (no key, no cookies) after the test."""
    tabs: list[ConsoleBrowser] = []

    def open_for(server: VegasServer) -> ConsoleBrowser:
        tab = ConsoleBrowser(driver, f"http://localhost:{server.port}")
        tabs.append(tab)
        return tab

    yield open_for
    for tab in tabs:
        tab.reset()


@pytest.fixture
def console(open_console, server) -> ConsoleBrowser:
    return open_console(server)


@functools.cache
def root_iam(endpoint: str):
    """One root IAM client per server (making a boto3 client takes a quarter of a second)."""
    return boto_client(endpoint, "iam")


def console_user(server: VegasServer, prefix: str) -> IamUser:
    """An IAM user with one access key and a console password."""
    user = create_user(server.url, unique(prefix))
    root_iam(server.url).create_login_profile(
        UserName=user.name, Password=PASSWORD, PasswordResetRequired=False
    )
    return user


def sign_in_without_mfa(console: ConsoleBrowser, user: IamUser) -> None:
    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    assert console.path == "/console/", f"on {console.path}: {console.visible_messages()}"


def sign_in_with_security_key(console: ConsoleBrowser, user: IamUser, choose: bool = True) -> str | None:
    """Password, then (when the user has several devices) the security-key choice; the page asks the key at once.
    Returns None when signed in, else the error the page shows."""
    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    if choose:
        console.choose("device", "security-key")
        console.submit("choose")
    return console.webauthn_result("/console/")


def list_mfa_devices(server: VegasServer, user: IamUser | None) -> list[str]:
    """The serials ListMFADevices answers root for `user` (None: the root user's own devices)."""
    iam = root_iam(server.url)
    answer = iam.list_mfa_devices(UserName=user.name) if user else iam.list_mfa_devices()
    return [device["SerialNumber"] for device in answer["MFADevices"]]


def security_key_serial(owner: str, name: str) -> re.Pattern:
    """AWS's shape of a security key's serial: arn:aws:iam::<account>:u2f/<owner>/<name>-<random>."""
    return re.compile(rf"arn:aws:iam::{ACCOUNT_ID}:u2f/{re.escape(owner)}/{re.escape(name.lower())}-[A-Za-z0-9]+")


def earlier_codes(device: VirtualDevice) -> tuple[str, str]:
    """The codes of the two previous steps, as typed from an app a minute ago, to enable `device` with.

    The server remembers the second code's drift (-1 step) and its step as used, so the current step's code is
    accepted at once and a test signing in with the device need not wait for a new 30 s step.
    """
    step = settle()
    device.last_used_step = step - 1
    device.drifts = {-1}
    return device.code_at(step - 2), device.code_at(step - 1)


def enable_with_earlier_codes(server: VegasServer, user: IamUser, prefix: str) -> VirtualDevice:
    """A virtual device of `user` enabled through the API with `earlier_codes`."""
    device = create_device(server.url, unique(prefix))
    code1, code2 = earlier_codes(device)
    root_iam(server.url).enable_mfa_device(
        UserName=user.name, SerialNumber=device.serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    return device


def attestation_format(registration_json: str) -> str:
    """The `fmt` of the attestation object in a posted RegistrationResponseJSON.

    Browsers write the attestation object as canonical CBOR: a map of 3 whose first entry is "fmt" → a short text.
    """
    encoded = json.loads(registration_json)["response"]["attestationObject"]
    data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    assert data[0] == 0xA3 and data[1:5] == b"\x63fmt" and 0x60 <= data[5] < 0x78, data[:16].hex()
    return data[6 : 6 + data[5] - 0x60].decode()


def csrf_token(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, f"no csrf-token meta tag in {html[:300]!r}"
    return match.group(1)


def page_error(html: str) -> str | None:
    match = re.search(r'id="error">([^<]*)<', html)
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------------------------------
# Registering security keys


def register_keys(console: ConsoleBrowser, server: VegasServer, keys: list[tuple[str, str]]) -> dict[str, str]:
    """A new user signs in and registers one virtual key per (protocol, name); each shows in the devices table and in
    ListMFADevices, and the last one signs in. Returns name → the attestation format the browser sent."""
    user = console_user(server, "keys")
    sign_in_without_mfa(console, user)
    console.capture_security_key_posts()
    formats = {}
    for protocol, name in keys:
        console.remove_authenticator()
        console.add_authenticator(protocol)
        console.register_security_key(name)
        assert console.notice() == f"Security key {name} assigned."
        formats[name] = attestation_format(console.captured_post())
    rows = console.table_rows("mfa-devices")
    assert [row[:2] for row in rows] == [["Security key", name] for _, name in keys]
    for (_, name), row in zip(keys, rows):
        assert security_key_serial(f"user/{user.name}", name).fullmatch(row[2]), row
    assert sorted(list_mfa_devices(server, user)) == sorted(row[2] for row in rows)
    console.sign_out()
    assert sign_in_with_security_key(console, user, choose=False) is None  # all keys are one choice
    return formats


def test_security_keys_register_with_packed_and_fido_u2f_attestation(console, server):
    formats = register_keys(console, server, [("ctap2", "packed-key"), ("u2f", "u2f-key")])
    assert formats == {"packed-key": "packed", "u2f-key": "fido-u2f"}


def test_security_key_registers_with_none_attestation(open_console, server_attestation_none):
    formats = register_keys(open_console(server_attestation_none), server_attestation_none, [("ctap2", "none-key")])
    assert formats == {"none-key": "none"}


def test_a_key_cannot_be_registered_twice(console, server):
    user = console_user(server, "twice")
    sign_in_without_mfa(console, user)
    console.add_authenticator()
    console.register_security_key("first")
    console.start_assign("second", "security-key")
    console.click("register-security-key")
    assert console.webauthn_result("/console/security-credentials") == "This security key is already registered."
    assert len(list_mfa_devices(server, user)) == 1


def test_user_verification_required_refuses_a_u2f_key(open_console, server_uv_required):
    console = open_console(server_uv_required)
    user = console_user(server_uv_required, "uv")
    sign_in_without_mfa(console, user)
    console.shorten_webauthn_timeouts()
    console.add_authenticator("u2f")  # CTAP1 keys cannot verify the user
    console.start_assign("u2f-key", "security-key")
    console.click("register-security-key")
    assert console.webauthn_result("/console/security-credentials") == NOT_ALLOWED_MESSAGE
    assert list_mfa_devices(server_uv_required, user) == []
    console.security_credentials()
    assert console.exists("no-mfa") and not console.exists("mfa-devices")

    console.remove_authenticator()
    console.add_authenticator("ctap2")  # with a PIN: accepted
    console.register_security_key("uv-key")
    assert [row[1] for row in console.table_rows("mfa-devices")] == ["uv-key"]
    assert len(list_mfa_devices(server_uv_required, user)) == 1


# --------------------------------------------------------------------------------------------------------------------
# Authenticator app


def test_authenticator_app_is_assigned_from_its_qr_code(console, server, tmp_path):
    user = console_user(server, "qr")
    name = unique("phone")
    sign_in_without_mfa(console, user)
    console.security_credentials()
    console.click("assign-mfa")
    console.wait_for_path("/console/mfa/assign")
    console.fill("device-name", name)
    console.screenshot("assign-type")
    console.click("type-authenticator")
    console.submit("next", "/console/mfa/assign/authenticator")

    source = console.element("qr-code").get_attribute("src")
    prefix = "data:image/png;base64,"
    assert source.startswith(prefix), source[:60]
    png = tmp_path / "qr.png"
    png.write_bytes(base64.b64decode(source[len(prefix):]))
    zbar = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
    assert zbar.returncode == 0, f"zbarimg found no QR code: {zbar.stderr}"
    uri = urlsplit(zbar.stdout.strip())
    query = dict(parse_qsl(uri.query))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp"), zbar.stdout
    assert unquote(uri.path) == f"/Vegas:{name}@{ACCOUNT_ID}", zbar.stdout  # issuer:device@account, as AWS
    assert (query.get("algorithm", "SHA1"), query.get("digits", "6"), query.get("period", "30")) == ("SHA1", "6", "30")

    assert console.text("secret-key") == "", "the secret key is visible before 'Show secret key' is opened"
    secret = console.reveal_secret()
    assert secret == query["secret"], "the secret shown differs from the QR code's"
    console.screenshot("authenticator-qr", full_height=True)

    device = VirtualDevice(serial=mfa_serial(name), seed=secret)
    console.fill("code1", device.wrong_code())
    console.fill("code2", device.wrong_code())
    console.submit("add-mfa", "/console/mfa/assign/authenticator")
    assert console.text("error").startswith("The MFA codes are not valid."), console.visible_messages()
    assert console.exists("qr-code"), "the QR code is gone after wrong codes"
    assert list_mfa_devices(server, user) == []

    code1, code2 = device.enabling_codes()  # this step's code and the next one's, as the app shows them
    console.fill("code1", code1)
    console.fill("code2", code2)
    console.submit("add-mfa", "/console/security-credentials")
    assert console.notice() == f"MFA device {name} assigned."
    assert [row[:3] for row in console.table_rows("mfa-devices")] == [["Authenticator app", name, device.serial]]
    assert list_mfa_devices(server, user) == [device.serial]


def test_hardware_token_is_assigned_and_signs_in(console, server):
    user = console_user(server, "fob")
    name = unique("fob")
    token = VirtualDevice(serial=f"GAKT{secrets.randbelow(10**8):08d}", seed=pyotp.random_base32(32))
    sign_in_without_mfa(console, user)
    console.start_assign(name, "hardware")
    assert console.path == "/console/mfa/assign/hardware", console.visible_messages()
    console.fill("token-serial", token.serial)
    console.fill("token-secret", token.seed)
    console.screenshot("hardware-setup")
    console.fill("code1", token.wrong_code())
    console.fill("code2", token.wrong_code())
    console.submit("add-mfa", "/console/mfa/assign/hardware")
    assert console.text("error").startswith("The MFA codes are not valid"), console.visible_messages()
    assert list_mfa_devices(server, user) == []

    code1, code2 = earlier_codes(token)
    console.fill("token-secret", token.seed)
    console.fill("code1", code1)
    console.fill("code2", code2)
    console.submit("add-mfa", "/console/security-credentials")
    assert console.notice() == f"Hardware TOTP token {name} assigned."
    assert [row[:3] for row in console.table_rows("mfa-devices")] == [["Hardware TOTP token", name, token.serial]]
    assert list_mfa_devices(server, user) == [token.serial]
    console.sign_out()

    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    assert console.path == "/console/mfa/code", console.visible_messages()  # its only device: no choice to make
    console.enter_code(token.next_code())
    assert console.path == "/console/", console.visible_messages()


def test_abandoned_authenticator_setup_does_not_block_its_name(console, server):
    user = console_user(server, "undecided")
    name = unique("tablet")
    sign_in_without_mfa(console, user)
    console.start_assign(name, "authenticator")
    assert console.path == "/console/mfa/assign/authenticator", console.visible_messages()
    console.open("/console/security-credentials")  # Cancel

    console.start_assign(name, "authenticator")
    assert console.path == "/console/mfa/assign/authenticator", console.visible_messages()
    device = VirtualDevice(serial=mfa_serial(name), seed=console.reveal_secret())
    code1, code2 = device.enabling_codes()
    console.fill("code1", code1)
    console.fill("code2", code2)
    console.submit("add-mfa", "/console/security-credentials")
    assert list_mfa_devices(server, user) == [device.serial]


# --------------------------------------------------------------------------------------------------------------------
# Signing in


def test_sign_in_with_each_mfa_device(console, server):
    user = console_user(server, "choosy")
    console.open("/console/signin")
    console.screenshot("signin")
    sign_in_without_mfa(console, user)
    console.screenshot("home")
    console.add_authenticator()
    console.register_security_key("yubikey", screenshot="security-key-setup")
    phone = enable_with_earlier_codes(server, user, "phone")
    console.security_credentials()
    console.screenshot("security-credentials", full_height=True)
    console.submit("create-access-key", "/console/access-keys")
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", console.text("access-key-id"))
    console.screenshot("access-key-created")
    console.sign_out()

    # The authenticator app: a wrong code and a reused one get the same answer.
    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    assert console.path == "/console/mfa", console.visible_messages()
    assert console.radio_values("device") == [phone.serial, "security-key"]
    console.screenshot("mfa-choose")
    console.choose("device", phone.serial)
    console.submit("choose", "/console/mfa/code")
    console.screenshot("mfa-code")
    console.enter_code(phone.wrong_code())
    wrong_answer = console.text("error")
    assert wrong_answer == INCORRECT
    code = phone.next_code()
    console.enter_code(code)
    assert console.path == "/console/", console.visible_messages()
    assert console.text("arn") == user.arn
    console.sign_out()

    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    console.choose("device", phone.serial)
    console.submit("choose", "/console/mfa/code")
    console.enter_code(code)
    assert console.path == "/console/mfa/code"
    assert console.text("error") == wrong_answer, "a reused code is answered differently from a wrong one"

    # The security key, in the same sign-in: its page asks for the key as soon as it opens.
    console.submit("other-device", "/console/mfa")
    console.choose("device", "security-key")
    console.submit("choose")
    console.expect_webauthn_success("/console/")
    assert console.text("arn") == user.arn


def test_security_key_page_waits_for_the_key_and_retries(console, server):
    user = console_user(server, "waity")
    sign_in_without_mfa(console, user)
    console.add_authenticator()
    console.register_security_key("yubikey")
    [key] = console.stored_keys()
    console.remove_authenticator()  # the key is unplugged
    console.sign_out()

    console.shorten_webauthn_timeouts(3000)
    console.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    assert console.path == "/console/mfa/security-key", console.visible_messages()
    assert console.text("webauthn-status") == "Waiting for your security key…"
    console.screenshot("mfa-security-key")
    assert console.webauthn_result("/console/") == NOT_ALLOWED_MESSAGE

    console.add_authenticator()  # plugged in again
    console.inject_key(key, key.sign_count)
    console.click("use-security-key")
    console.expect_webauthn_success("/console/")


def test_cloned_security_key_is_refused_and_flagged(console, server):
    user = console_user(server, "clone")
    sign_in_without_mfa(console, user)
    console.add_authenticator()
    console.register_security_key("cloned")
    backup = enable_with_earlier_codes(server, user, "backup")
    console.security_credentials()
    [key_serial] = [row[2] for row in console.table_rows("mfa-devices") if row[1] == "cloned"]
    console.sign_out()
    assert sign_in_with_security_key(console, user) is None
    console.sign_out()
    [key] = console.stored_keys()
    assert key.sign_count >= 2, key

    # A copy of the key whose counter is behind what the server has seen.
    console.replace_key(key, sign_count=0)
    assert sign_in_with_security_key(console, user) == INCORRECT
    # Refused from now on, even with a counter ahead.
    console.replace_key(key, sign_count=key.sign_count + 100)
    console.click("use-security-key")
    assert console.webauthn_result("/console/") == INCORRECT

    console.submit("other-device", "/console/mfa")
    console.choose("device", backup.serial)
    console.submit("choose", "/console/mfa/code")
    console.enter_code(backup.next_code())
    assert console.path == "/console/", console.visible_messages()
    console.security_credentials()
    badges = {row[1]: row[0] for row in console.table_rows("mfa-devices")}
    assert badges == {"cloned": "Security key blocked", backup.serial.rsplit("/", 1)[1]: "Authenticator app"}
    assert sorted(list_mfa_devices(server, user)) == sorted([key_serial, backup.serial])

    console.remove_device(key_serial)
    assert console.notice() == "MFA device cloned removed."
    assert list_mfa_devices(server, user) == [backup.serial]


def test_replayed_security_key_response_is_refused(console, server):
    user = console_user(server, "replay")
    sign_in_without_mfa(console, user)
    console.add_authenticator()
    console.register_security_key("yubikey")
    console.sign_out()
    console.capture_security_key_posts()
    assert sign_in_with_security_key(console, user, choose=False) is None
    captured = console.captured_post()
    assert captured and "authenticatorData" in captured, captured

    # A new sign-in attempt (password step again), outside the browser, posts the captured response.
    session = requests.Session()
    signin = session.get(f"{server.url}/console/signin", timeout=10)
    answer = session.post(f"{server.url}/console/signin", allow_redirects=False, timeout=30, data={
        "csrf": csrf_token(signin.text), "account": ACCOUNT_ID, "kind": "user", "username": user.name,
        "password": PASSWORD,
    })
    assert (answer.status_code, answer.headers.get("Location")) == (303, "/console/mfa"), answer.text[:300]
    key_page = session.get(f"{server.url}/console/mfa/security-key", timeout=10)
    headers = {"X-CSRF-Token": csrf_token(key_page.text), "Content-Type": "application/json"}
    verify = f"{server.url}/console/mfa/security-key/verify"

    stale = session.post(verify, data=captured, headers=headers, timeout=10)
    assert stale.status_code == 400 and "expired" in stale.json()["error"], stale.text  # no challenge issued yet
    options = session.post(f"{server.url}/console/mfa/security-key/options", data="{}", headers=headers, timeout=10)
    assert options.status_code == 200 and options.json()["challenge"], options.text
    replayed = session.post(verify, data=captured, headers=headers, timeout=10)
    assert (replayed.status_code, replayed.json()) == (401, {"error": INCORRECT})
    home = session.get(f"{server.url}/console/", allow_redirects=False, timeout=10)
    assert (home.status_code, home.headers.get("Location")) == (303, "/console/signin")

    # The replay did not spoil the key: it still signs in.
    console.sign_out()
    assert sign_in_with_security_key(console, user, choose=False) is None


def test_root_user_signs_in(console, server):
    root_iam(server.url).create_login_profile(Password=ROOT_PASSWORD, PasswordResetRequired=False)
    console.sign_in(ACCOUNT_ID, "not-the-password", None)
    assert (console.path, console.text("error")) == ("/console/signin", INCORRECT)
    assert console.element("kind-root").is_selected()

    console.sign_in(ACCOUNT_ID, ROOT_PASSWORD, None)
    assert console.path == "/console/", console.visible_messages()
    assert console.text("arn") == f"arn:aws:iam::{ACCOUNT_ID}:root"
    console.security_credentials()
    assert not console.exists("access-keys"), "the root user is offered access keys"

    console.add_authenticator()
    console.register_security_key("root-key")
    [serial] = list_mfa_devices(server, None)
    assert security_key_serial("root-account-mfa-device", "root-key").fullmatch(serial), serial
    console.sign_out()
    console.sign_in(ACCOUNT_ID, ROOT_PASSWORD, None)
    console.expect_webauthn_success("/console/")


# --------------------------------------------------------------------------------------------------------------------
# Limits and headers


def test_ninth_mfa_device_is_refused(console, server):
    user = console_user(server, "many")
    sign_in_without_mfa(console, user)
    for _ in range(MFA_LIMIT):
        enable_device(server.url, create_device(server.url, unique("many")), user.name)
    console.security_credentials()
    assert len(console.table_rows("mfa-devices")) == MFA_LIMIT
    assert console.text("mfa-limit").startswith(f"You have {MFA_LIMIT} MFA devices")
    assert not console.exists("assign-mfa")

    console.open("/console/mfa/assign")  # e.g. from a bookmark
    console.fill("device-name", "ninth")
    console.submit("next", "/console/mfa/assign")
    assert console.text("error") == LIMIT_MESSAGE
    console.open("/console/mfa/assign/security-key?name=ninth")
    console.click("register-security-key")
    assert console.webauthn_result("/console/security-credentials") == LIMIT_MESSAGE

    ninth = create_device(server.url, unique("ninth"))
    with pytest.raises(ClientError) as refused:
        enable_device(server.url, ninth, user.name)
    assert refused.value.response["Error"]["Code"] == "LimitExceeded"
    assert len(list_mfa_devices(server, user)) == MFA_LIMIT


def test_security_headers_cookie_and_csrf(server):
    session = requests.Session()
    signin = session.get(f"{server.url}/console/signin", timeout=10)
    assert signin.status_code == 200
    csp = signin.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in csp, csp
    assert "unsafe" not in csp, csp
    assert signin.headers["X-Frame-Options"] == "DENY"
    assert signin.headers["X-Content-Type-Options"] == "nosniff"
    assert signin.headers["Cache-Control"] == "no-store"
    cookie = [part.strip() for part in signin.headers["Set-Cookie"].split(";")]
    assert cookie[0].startswith("vegas_console=") and len(cookie[0]) > len("vegas_console=") + 20, cookie
    assert "HttpOnly" in cookie and "Path=/console" in cookie, cookie
    assert {"SameSite=Lax", "SameSite=Strict"} & set(cookie), cookie

    user = console_user(server, "csrf")
    form = {"account": ACCOUNT_ID, "kind": "user", "username": user.name, "password": PASSWORD}
    for forged in ({}, {"csrf": "forged"}):
        refused = session.post(f"{server.url}/console/signin", data=form | forged, allow_redirects=False, timeout=30)
        assert refused.status_code == 403 and page_error(refused.text) == STALE_FORM, refused.text[:300]
    fresh = session.get(f"{server.url}/console/signin", timeout=10)
    anonymous_cookie = session.cookies["vegas_console"]
    signed_in = session.post(
        f"{server.url}/console/signin", data=form | {"csrf": csrf_token(fresh.text)}, allow_redirects=False,
        timeout=30,
    )
    assert (signed_in.status_code, signed_in.headers.get("Location")) == (303, "/console/"), signed_in.text[:300]
    assert session.cookies["vegas_console"] != anonymous_cookie, "the session token was not renewed at sign-in"

    home = session.get(f"{server.url}/console/", timeout=10)
    assert home.status_code == 200 and home.headers["X-Frame-Options"] == "DENY"
    signed_in_cookie = {"vegas_console": session.cookies["vegas_console"]}

    def post(path: str, **body) -> requests.Response:
        # Each refusal answers with a new anonymous session cookie: keep sending the signed-in one.
        return requests.post(f"{server.url}{path}", cookies=signed_in_cookie, allow_redirects=False, timeout=10, **body)

    iam = root_iam(server.url)
    keys_before = len(iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"])
    refused = post("/console/access-keys", data={})
    assert refused.status_code == 403 and page_error(refused.text) == STALE_FORM, refused.text[:300]
    refused = post("/console/access-keys", data={"csrf": "forged"})
    assert refused.status_code == 403 and page_error(refused.text) == STALE_FORM, refused.text[:300]
    options = post("/console/mfa/assign/security-key/options", json={"name": "key"})
    assert options.status_code == 403 and "challenge" not in options.json(), options.text
    assert len(iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"]) == keys_before

    created = post("/console/access-keys", data={"csrf": csrf_token(home.text)})
    assert created.status_code == 200 and 'id="access-key-id"' in created.text, created.text[:300]
    assert len(iam.list_access_keys(UserName=user.name)["AccessKeyMetadata"]) == keys_before + 1

    signed_out = post("/console/signout", data={"csrf": csrf_token(home.text)})
    assert (signed_out.status_code, signed_out.headers.get("Location")) == (303, "/console/signin")
    after = requests.get(f"{server.url}/console/", cookies=signed_in_cookie, allow_redirects=False, timeout=10)
    assert (after.status_code, after.headers.get("Location")) == (303, "/console/signin"), "session outlived sign-out"
