"""vegas-credentials (the client) against a running vegas-server, checked with the real awscli, boto3 and pyotp.

Every client run has its own HOME, VEGAS_HOME and AWS files, no AWS_*/VEGAS_*/YKMAN_* variables from the host, and
no controlling terminal (a new session, stdin from /dev/null unless the test feeds it), so messages go to stderr and
no prompt can wait. YubiKey tests put the stand-in tests/support/ykman first on PATH with a state file of their own.
"""

from __future__ import annotations

import configparser
import copy
import json
import os
import re
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from conftest import REPO_ROOT, AwsCli
from vegas_harness import ACCOUNT_ID, ROOT_KEYS, IamUser, Keys, clean_environment, current_step, mfa_serial, totp

SUPPORT_DIR = REPO_ROOT / "tests" / "support"
STANDIN_YKMAN = SUPPORT_DIR / "ykman"
VAULT_PASSWORD = "correct horse battery staple"
PROFILE = "alice"
ERROR_PREFIX = "vegas-credentials: "
SIX_DIGITS = re.compile(r"[0-9]{6}")
RFC4226_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890"
RFC4226_CODES = ["755224", "287082", "359152"]  # RFC 4226 appendix D, counters 0, 1, 2
PLAIN_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"  # "abcdefghijklmnopqrst" (pyotp wants at least 112 bits)

CONFIG_TEMPLATE = """\
# AWS config for the vegas-credentials tests: every line here must survive the client's edits byte for byte.
[default]
region = eu-west-1
output=json

[profile {profile}]
# {profile} signs in with MFA; the endpoint is the test server
endpoint_url = {endpoint}
region = us-east-1

; a profile the client must not touch
[profile other]
region   =   us-west-2
cli_pager =
"""


# --------------------------------------------------------------------------------------------------------------------
# Running the client


@dataclass(frozen=True)
class ClientResult:
    args: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return (
            f"vegas-credentials {' '.join(self.args)} exited {self.rc}\n"
            f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}"
        )

    def ok(self) -> "ClientResult":
        assert self.rc == 0, self.describe()
        return self

    def error_line(self) -> str:
        """The failure's one-line message: exit 1, nothing on stdout, and the last stderr line is the only one
        carrying the error prefix (earlier stderr lines may be progress messages, since there is no terminal)."""
        assert self.rc == 1, self.describe()
        assert self.stdout == "", f"data on stdout of a failed run:\n{self.describe()}"
        lines = self.stderr.splitlines()
        assert lines, self.describe()
        prefixed = [index for index, line in enumerate(lines) if line.startswith(ERROR_PREFIX)]
        assert prefixed == [len(lines) - 1], f"the error is not exactly the last stderr line:\n{self.describe()}"
        return lines[-1][len(ERROR_PREFIX):]

    def only_error_line(self) -> str:
        """As error_line, for a command that had nothing to report before failing: stderr is exactly one line."""
        message = self.error_line()
        assert len(self.stderr.splitlines()) == 1, f"more than one stderr line:\n{self.describe()}"
        return message


class Client:
    """vegas-credentials with its own home, vault directory and AWS files, run without a controlling terminal."""

    def __init__(self, binary: Path, root: Path, endpoint: str):
        self.binary = binary
        self.root = root
        self.endpoint = endpoint
        self.home = root / "home"
        self.vegas_home = root / "vegas"
        self.config_file = root / "aws" / "config"
        self.credentials_file = root / "aws" / "credentials"
        self.home.mkdir(parents=True)
        self.config_file.parent.mkdir(parents=True)
        self.env = {k: v for k, v in clean_environment().items() if not k.startswith("YKMAN_")} | {
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(root / "xdg"),
            "VEGAS_HOME": str(self.vegas_home),
            "VEGAS_VAULT_PASSWORD": VAULT_PASSWORD,
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    @property
    def vault_file(self) -> Path:
        return self.vegas_home / "vault.sealed"

    def with_home(self, vegas_home: Path) -> "Client":
        """The same client with another vault directory."""
        other = copy.copy(self)
        other.vegas_home = vegas_home
        other.env = self.env | {"VEGAS_HOME": str(vegas_home)}
        return other

    def use_standin_ykman(self, state_file: Path) -> None:
        self.env |= {
            "PATH": f"{SUPPORT_DIR}{os.pathsep}{self.env.get('PATH', os.defpath)}",
            "YKMAN_STANDIN_STATE": str(state_file),
            "YKMAN_STANDIN_TOUCH": "0",
        }

    def _popen_arguments(self, args, env, stdin) -> dict:
        return dict(
            args=[str(self.binary), *args], env=self.env | (env or {}), cwd=self.root, stdin=stdin,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None,
                 timeout: float = 120) -> ClientResult:
        stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
        with subprocess.Popen(**self._popen_arguments(args, env, stdin)) as process:
            try:
                stdout, stderr = process.communicate(input, timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                stdout, stderr = process.communicate()
                raise AssertionError(
                    f"vegas-credentials {' '.join(args)} did not finish within {timeout} s\n{stderr[-2000:]}"
                ) from None
        return ClientResult(tuple(args), process.returncode, stdout, stderr)

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(**self._popen_arguments(args, None, subprocess.DEVNULL))

    def write_profile(self, keys: Keys, profile: str = PROFILE) -> str:
        """Writes the config (with comments and another profile) and the credentials file; returns the config text."""
        text = CONFIG_TEMPLATE.format(profile=profile, endpoint=self.endpoint)
        self.config_file.write_text(text)
        self.credentials_file.write_text(
            f"[{profile}]\naws_access_key_id = {keys.access_key_id}\n"
            f"aws_secret_access_key = {keys.secret_access_key}\n"
        )
        return text

    def config(self) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(self.config_file.read_text())
        return parser

    def aws(self) -> AwsCli:
        """The real awscli with this client's AWS files (so `--profile` picks the user's keys)."""
        workdir = self.root / "awscli"
        workdir.mkdir(exist_ok=True)
        return AwsCli(self.endpoint, self.credentials_file, self.config_file, workdir)

    def export(self) -> list[str]:
        return self("otp", "export").ok().stdout.splitlines()

    def account_names(self) -> list[str]:
        return [line.split("\t")[0] for line in self("otp", "list").ok().stdout.splitlines()]


@pytest.fixture
def client(credentials_binary, tmp_path, endpoint) -> Client:
    return Client(credentials_binary, tmp_path / "client", endpoint)


# --------------------------------------------------------------------------------------------------------------------
# Server and file checks


def virtual_serials(root_iam) -> set[str]:
    serials = set()
    for page in root_iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Any"):
        serials |= {device["SerialNumber"] for device in page["VirtualMFADevices"]}
    return serials


def user_mfa_serials(aws, user: IamUser) -> list[str]:
    """The user's MFA devices as the real awscli (root credentials) lists them."""
    return [device["SerialNumber"] for device in aws("iam", "list-mfa-devices", "--user-name", user.name).json()[
        "MFADevices"]]


def local_name(user: IamUser) -> str:
    """The name `mfa setup` gives the seed in the vault and on a YubiKey (device name = user name by default)."""
    return f"AWS:{user.name}@{ACCOUNT_ID}"


def assert_lines_kept(original: str, edited: str) -> list[str]:
    """Every original line, in order and byte for byte, is still in `edited`; returns the lines that were added."""
    edited_lines = edited.splitlines(keepends=True)
    added, position = [], 0
    for line in original.splitlines(keepends=True):
        while position < len(edited_lines) and edited_lines[position] != line:
            added.append(edited_lines[position])
            position += 1
        assert position < len(edited_lines), f"original line {line!r} is gone or moved:\n{edited}"
        position += 1
    return added + edited_lines[position:]


def section_of_added_keys(text: str, added: list[str]) -> dict[str, str]:
    """For each added `key = value` line, the section header it sits under."""
    sections, current = {}, None
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            current = line.strip()
        if line in added:
            sections[line.split("=")[0].strip()] = current
    return sections


def session_token(client: Client, serial: str, code: str, profile: str = PROFILE) -> dict:
    """`aws sts get-session-token` with the profile's long-term keys and an MFA code; must succeed."""
    result = client.aws()(
        "sts", "get-session-token", "--serial-number", serial, "--token-code", code, "--profile", profile
    )
    credentials = result.json()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA"), credentials
    return credentials


def seed_of(uri: str) -> str:
    return parse_qs(urlsplit(uri).query)["secret"][0]


def setup_with_vault(client: Client, make_user, *extra: str) -> tuple[IamUser, str, ClientResult]:
    """A fresh user and profile, then `mfa setup --vault`; returns the user, the original config and the run."""
    user = make_user("alice")
    original = client.write_profile(user.keys)
    result = client("mfa", "setup", "--profile", PROFILE, "--vault", *extra)
    return user, original, result


def codes_around(seed: str, before: float, after: float) -> set[str]:
    return {totp(seed, step) for step in range(current_step(before), current_step(after) + 1)}


# --------------------------------------------------------------------------------------------------------------------
# 1. mfa setup --vault


def test_setup_with_vault_enables_a_device_that_signs_in_through_the_awscli(client, make_user, aws):
    user, original, result = setup_with_vault(client, make_user)
    result.ok()
    account = local_name(user)
    serial = mfa_serial(user.name)

    edited = client.config_file.read_text()
    added = assert_lines_kept(original, edited)
    assert sorted(line.split("=")[0].strip() for line in added) == ["mfa_serial", "vegas_vault_account"], added
    assert section_of_added_keys(edited, added) == {
        "mfa_serial": f"[profile {PROFILE}]", "vegas_vault_account": f"[profile {PROFILE}]"
    }, edited
    profile = client.config()[f"profile {PROFILE}"]
    assert profile["mfa_serial"] == serial
    assert profile["vegas_vault_account"] == account

    assert user_mfa_serials(aws, user) == [serial]

    exported = client.export()
    assert len(exported) == 1 and exported[0].startswith("otpauth://totp/"), exported
    seed = seed_of(exported[0])
    assert len(seed) == 64, exported
    assert seed not in result.stdout and seed not in result.stderr, result.describe()
    assert result.stdout == "", result.describe()
    assert seed not in edited

    code = client("otp", "code", account).ok().stdout
    assert SIX_DIGITS.fullmatch(code.strip()) and code == code.strip() + "\n", repr(code)
    session_token(client, serial, code.strip())


def test_setup_show_secret_prints_exactly_the_seed(client, make_user):
    user, _, result = setup_with_vault(client, make_user, "--show-secret")
    result.ok()
    assert re.fullmatch(r"[A-Z2-7]{64}\n", result.stdout), result.describe()
    seed = result.stdout.strip()
    assert seed not in result.stderr
    assert seed_of(client.export()[0]) == seed

    before = time.time()
    code = client("otp", "code", local_name(user)).ok().stdout.strip()
    after = time.time()
    assert code in codes_around(seed, before, after), (code, seed)


# --------------------------------------------------------------------------------------------------------------------
# 2. mfa setup --yubikey with the stand-in ykman


YUBIKEY_SERIAL = 12345678
OTHER_YUBIKEY_SERIAL = 23456789


def write_ykman_state(path: Path, *devices: dict) -> None:
    path.write_text(json.dumps({"devices": list(devices)}, indent=2))


def yubikey(serial: int, *accounts: dict) -> dict:
    return {"serial": serial, "name": "YubiKey 5 NFC", "version": "5.7.1", "mode": "OTP+FIDO+CCID",
            "accounts": list(accounts)}


def read_ykman_state(path: Path) -> dict:
    return json.loads(path.read_text())


def standin_code(state_file: Path, label: str) -> str:
    """`ykman oath accounts code --single LABEL` from the stand-in itself (touch at once)."""
    env = clean_environment() | {"YKMAN_STANDIN_STATE": str(state_file), "YKMAN_STANDIN_TOUCH": "0"}
    completed = subprocess.run(
        [str(STANDIN_YKMAN), "oath", "accounts", "code", "--single", label], capture_output=True, text=True,
        env=env, stdin=subprocess.DEVNULL, start_new_session=True, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


@pytest.mark.parametrize("touch", [True, False], ids=["touch", "no-touch"])
def test_setup_with_yubikey_stores_the_seed_on_the_key_by_stdin(client, make_user, aws, tmp_path, touch):
    state_file = tmp_path / "ykman-state.json"
    write_ykman_state(state_file, yubikey(YUBIKEY_SERIAL))
    client.use_standin_ykman(state_file)
    user = make_user("alice")
    original = client.write_profile(user.keys)
    serial = mfa_serial(user.name)
    label = local_name(user)

    result = client("mfa", "setup", "--profile", PROFILE, "--yubikey", *([] if touch else ["--no-touch"]))
    result.ok()

    state = read_ykman_state(state_file)
    accounts = state["devices"][0]["accounts"]
    assert len(accounts) == 1, accounts
    stored = accounts[0]
    assert (stored["issuer"], stored["name"], stored["oath_type"], stored["touch"]) == (
        "AWS", f"{user.name}@{ACCOUNT_ID}", "TOTP", touch
    ), stored
    seed = stored["secret"]
    adds = [record["argv"] for record in state["invocations"] if "add" in record["argv"]]
    assert len(adds) == 1, state["invocations"]
    assert ("--touch" in adds[0]) == touch, adds
    for record in state["invocations"]:
        assert not any(seed in argument for argument in record["argv"]), record
    assert seed not in result.stdout and seed not in result.stderr, result.describe()

    edited = client.config_file.read_text()
    added = assert_lines_kept(original, edited)
    assert sorted(line.split("=")[0].strip() for line in added) == [
        "mfa_serial", "vegas_yubikey_label", "vegas_yubikey_serial"
    ], added
    profile = client.config()[f"profile {PROFILE}"]
    assert (profile["mfa_serial"], profile["vegas_yubikey_label"], profile["vegas_yubikey_serial"]) == (
        serial, label, str(YUBIKEY_SERIAL)
    )
    assert user_mfa_serials(aws, user) == [serial]

    code = standin_code(state_file, label)
    assert SIX_DIGITS.fullmatch(code), code
    session_token(client, serial, code)


def test_setup_with_two_yubikeys_and_no_serial_creates_nothing(client, make_user, aws, root_iam, tmp_path):
    state_file = tmp_path / "ykman-state.json"
    write_ykman_state(state_file, yubikey(YUBIKEY_SERIAL), yubikey(OTHER_YUBIKEY_SERIAL))
    client.use_standin_ykman(state_file)
    user = make_user("alice")
    original = client.write_profile(user.keys)
    devices_before = virtual_serials(root_iam)

    message = client("mfa", "setup", "--profile", PROFILE, "--yubikey").only_error_line()
    assert str(YUBIKEY_SERIAL) in message and str(OTHER_YUBIKEY_SERIAL) in message, message
    assert "--serial" in message, message

    assert virtual_serials(root_iam) == devices_before
    assert user_mfa_serials(aws, user) == []
    assert all(device["accounts"] == [] for device in read_ykman_state(state_file)["devices"])
    assert client.config_file.read_text() == original


# --------------------------------------------------------------------------------------------------------------------
# 3. A failure after CreateVirtualMFADevice leaves nothing behind


def assert_undo_reported(message: str, serial: str) -> None:
    assert serial in message, message
    assert re.search(r"undo|undone|deleted|removed", message, re.I), message


def test_setup_with_a_vault_sealed_with_another_passphrase_leaves_nothing_behind(client, make_user, aws, root_iam):
    other_passphrase = {"VEGAS_VAULT_PASSWORD": "another passphrase entirely"}
    client("otp", "add", "existing", "--secret", PLAIN_SECRET, env=other_passphrase).ok()
    vault_before = client.vault_file.read_bytes()
    user = make_user("alice")
    original = client.write_profile(user.keys)
    serial = mfa_serial(user.name)
    devices_before = virtual_serials(root_iam)

    result = client("mfa", "setup", "--profile", PROFILE, "--vault")
    assert result.rc == 1, result.describe()

    assert virtual_serials(root_iam) == devices_before
    assert user_mfa_serials(aws, user) == []
    assert client.config_file.read_text() == original
    assert client.vault_file.read_bytes() == vault_before
    message = result.error_line()
    assert re.search(r"passphrase|password", message, re.I), message
    if "Created virtual MFA device" in result.stderr:  # the client may check the vault before creating the device
        assert_undo_reported(message, serial)

    # Nothing left behind: the same device name is free again, and setup succeeds with the right passphrase.
    client("mfa", "setup", "--profile", PROFILE, "--vault", env=other_passphrase).ok()
    assert user_mfa_serials(aws, user) == [serial]


def test_setup_failing_on_a_vault_name_clash_undoes_the_device_and_keeps_the_vault(client, make_user, aws, root_iam):
    user = make_user("alice")
    client("otp", "add", local_name(user), "--secret", PLAIN_SECRET).ok()
    vault_before = client.vault_file.read_bytes()
    original = client.write_profile(user.keys)
    serial = mfa_serial(user.name)
    devices_before = virtual_serials(root_iam)

    result = client("mfa", "setup", "--profile", PROFILE, "--vault")
    assert result.rc == 1, result.describe()

    assert virtual_serials(root_iam) == devices_before
    assert user_mfa_serials(aws, user) == []
    assert client.config_file.read_text() == original
    assert client.vault_file.read_bytes() == vault_before
    assert_undo_reported(result.error_line(), serial)


def test_setup_failing_on_a_yubikey_label_clash_undoes_the_device_and_keeps_the_key(
    client, make_user, aws, root_iam, tmp_path
):
    user = make_user("alice")
    existing = {
        "issuer": "AWS", "name": f"{user.name}@{ACCOUNT_ID}", "secret": "JBSWY3DPEHPK3PXP", "oath_type": "TOTP",
        "algorithm": "SHA1", "digits": 6, "period": 30, "counter": 0, "touch": False,
    }
    state_file = tmp_path / "ykman-state.json"
    write_ykman_state(state_file, yubikey(YUBIKEY_SERIAL, existing))
    client.use_standin_ykman(state_file)
    original = client.write_profile(user.keys)
    serial = mfa_serial(user.name)
    devices_before = virtual_serials(root_iam)

    result = client("mfa", "setup", "--profile", PROFILE, "--yubikey")
    assert result.rc == 1, result.describe()

    assert virtual_serials(root_iam) == devices_before
    assert user_mfa_serials(aws, user) == []
    assert client.config_file.read_text() == original
    assert read_ykman_state(state_file)["devices"][0]["accounts"] == [existing]
    assert_undo_reported(result.error_line(), serial)


# --------------------------------------------------------------------------------------------------------------------
# 4, 5. mfa list, remove, resync


def test_list_then_remove_cleans_server_vault_and_config(client, make_user, aws, root_iam):
    user, original, result = setup_with_vault(client, make_user)
    result.ok()
    serial = mfa_serial(user.name)
    account = local_name(user)

    listing = client("mfa", "list", "-p", PROFILE).ok().stdout.splitlines()
    assert len(listing) == 1 and listing[0].startswith(serial), listing
    assert f"vault: {account}" in listing[0], listing

    client("mfa", "remove", "-p", PROFILE, serial).ok()

    assert serial not in virtual_serials(root_iam)
    assert user_mfa_serials(aws, user) == []
    assert account not in client.account_names()
    assert client.export() == []
    profile = client.config()[f"profile {PROFILE}"]
    assert not {"mfa_serial", "vegas_vault_account"} & set(profile), dict(profile)
    assert client.config_file.read_text() == original
    assert client("mfa", "list", "-p", PROFILE).ok().stdout == ""


def test_resync_with_the_vault(client, make_user, aws):
    user, _, result = setup_with_vault(client, make_user)
    result.ok()
    serial = mfa_serial(user.name)

    resync = client("mfa", "resync", "-p", PROFILE)
    resync.ok()
    assert serial in resync.stderr, resync.describe()
    assert user_mfa_serials(aws, user) == [serial]


# --------------------------------------------------------------------------------------------------------------------
# 6. Concurrent writers


@pytest.mark.parametrize("vault_exists", [False, True], ids=["new-vault", "existing-vault"])
def test_twenty_concurrent_adds_keep_every_account(client, vault_exists):
    if vault_exists:
        client("otp", "add", "first", "--secret", "JBSWY3DPEHPK3PXP").ok()
    secrets = {f"acct-{n}": pyotp.random_base32() for n in range(20)}
    processes = {name: client.start("otp", "add", name, "--secret", secret) for name, secret in secrets.items()}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, f"otp add {name} exited {process.returncode}: {stderr}"

    expected = set(secrets) | ({"first"} if vault_exists else set())
    names = client.account_names()
    assert sorted(names) == sorted(expected), names
    exported = {urlsplit(uri).path.rsplit("/", 1)[-1]: seed_of(uri) for uri in client.export()}
    for name, secret in secrets.items():
        assert exported.get(name) == secret, (name, exported.get(name))


# --------------------------------------------------------------------------------------------------------------------
# 7. The authenticator: input, export/import, QR, passphrase, HOTP


STDIN_URI = (
    "otpauth://totp/Example%20Co:bob%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    "&issuer=Example%20Co&algorithm=SHA256&digits=8&period=60"
)
HOTP_URI = f"otpauth://hotp/RFC:hotp-vector?secret={RFC4226_SECRET}&issuer=RFC&counter=0"


def test_add_from_stdin_base32_and_uri(client):
    client("otp", "add", "plain", input=PLAIN_SECRET + "\n").ok()
    client("otp", "add", "from-uri", input=STDIN_URI + "\n").ok()
    assert sorted(client.account_names()) == ["from-uri", "plain"]

    before = time.time()
    plain = client("otp", "code", "plain").ok().stdout.strip()
    uri_code = client("otp", "code", "from-uri").ok().stdout.strip()
    after = time.time()
    assert plain in codes_around(PLAIN_SECRET, before, after), plain
    sha256 = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", digits=8, interval=60, digest="sha256")
    assert uri_code in {sha256.at(before), sha256.at(after)}, uri_code


def test_hotp_code_advances_the_counter(client):
    client("otp", "add", "hotp", "--uri", HOTP_URI).ok()
    codes = [client("otp", "code", "hotp").ok().stdout.strip() for _ in range(2)]
    assert codes == RFC4226_CODES[:2]
    (uri,) = client.export()
    assert parse_qs(urlsplit(uri).query)["counter"] == ["2"], uri


def test_export_then_import_round_trips_the_uris(client, tmp_path):
    client("otp", "add", "plain", input=PLAIN_SECRET + "\n").ok()
    client("otp", "add", "from-uri", "--uri", STDIN_URI).ok()
    client("otp", "add", "hotp", "--uri", HOTP_URI).ok()
    client("otp", "code", "hotp").ok()
    exported = client.export()
    assert len(exported) == 3 and all(uri.startswith("otpauth://") for uri in exported), exported

    export_file = tmp_path / "export.txt"
    export_file.write_text("# exported accounts\n\n" + "\n".join(exported) + "\n")
    from_file = client.with_home(tmp_path / "imported-from-file")
    from_file("otp", "import", str(export_file)).ok()
    assert sorted(from_file.export()) == sorted(exported)

    from_stdin = client.with_home(tmp_path / "imported-from-stdin")
    from_stdin("otp", "import", "-", input="\n".join(exported) + "\n").ok()
    assert sorted(from_stdin.export()) == sorted(exported)


def test_qr_png_decodes_to_the_account_uri_and_is_owner_only(client, tmp_path):
    client("otp", "add", "from-uri", "--uri", STDIN_URI).ok()
    (uri,) = client.export()
    fresh = tmp_path / "fresh.png"
    replaced = tmp_path / "replaced.png"
    replaced.write_bytes(b"old")
    replaced.chmod(0o644)
    for png in (fresh, replaced):
        client("otp", "qr", "from-uri", "--png", str(png)).ok()
        assert stat.S_IMODE(png.stat().st_mode) == 0o600, oct(png.stat().st_mode)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60)
        assert decoded.returncode == 0, decoded.stderr
        assert decoded.stdout.rstrip("\n") == uri


def test_wrong_passphrase_is_one_clear_line_and_changes_nothing(client):
    client("otp", "add", "hotp", "--uri", HOTP_URI).ok()
    vault = client.vault_file.read_bytes()
    wrong = {"VEGAS_VAULT_PASSWORD": "not the passphrase"}
    for args in (("otp", "list"), ("otp", "code", "hotp"), ("otp", "add", "new", "--secret", "JBSWY3DPEHPK3PXP"),
                 ("otp", "remove", "hotp"), ("otp", "export")):
        message = client(*args, env=wrong).only_error_line()
        assert re.search(r"passphrase|password", message, re.I), (args, message)
        assert client.vault_file.read_bytes() == vault, args
    assert client("otp", "code", "hotp").ok().stdout.strip() == RFC4226_CODES[0]


# --------------------------------------------------------------------------------------------------------------------
# 8. Configuration errors


@pytest.mark.parametrize("command", [("mfa", "list"), ("mfa", "setup", "--vault"), ("mfa", "resync")])
def test_unknown_profile_names_the_profile_and_the_files(client, make_user, command):
    client.write_profile(make_user("alice").keys)
    message = client(*command, "--profile", "nosuch").only_error_line()
    assert "nosuch" in message, message
    assert str(client.config_file) in message and str(client.credentials_file) in message, message


def test_setup_with_root_keys_is_refused_before_anything_is_created(client, root_iam):
    original = client.write_profile(ROOT_KEYS, profile="root")
    devices_before = virtual_serials(root_iam)

    message = client("mfa", "setup", "--profile", "root", "--vault").only_error_line()
    assert re.search(r"\broot\b", message), message
    assert virtual_serials(root_iam) == devices_before
    assert client.config_file.read_text() == original
    assert not client.vault_file.exists()
