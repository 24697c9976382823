"""`vegas-credentials assume` talking to the user on a real pseudo-terminal (pexpect).

The client runs as the session leader of a fresh pty (pexpect's fork), so /dev/tty is that pty: whatever the client
shows the user (prompts, the touch message, the countdown, and its stderr) is the "screen" the test reads, and what the
test sends is what the user types. Its standard output goes to a file of its own (`sh -c 'exec … > FILE'`), so the test
can check that stdout carries the credential_process JSON and nothing else, as the AWS CLI expects.

Every source profile has its own IAM user and virtual MFA device, enabled with the codes of the two steps before the
current one, so the current step's code is usable at once; every test has its own cache directory, which is also where
the client remembers the last code step per device. YubiKey sources use the stand-in ykman (tests/support/ykman) with
the device's seed stored as a touch-required account; YKMAN_STANDIN_TOUCH is the number of seconds until the "touch".
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from test_credential_process import (
    SUPPORT_DIR,
    Counters,
    Run,
    World,
    assumed_role_arn,
    cache_files,
    credential_process_output,
    trust_policy,
)
from vegas_harness import (
    TOTP_STEP_SECONDS,
    IamUser,
    Keys,
    VirtualDevice,
    boto_client,
    create_device,
    create_user,
    current_step,
    settle,
    unique,
)

YUBIKEY_SERIAL = 31415926
TOUCH_MESSAGE = "Touch your YubiKey (or type the code)…"
RACE_PROMPT = "MFA code (or touch your YubiKey): "
COUNTDOWN = re.compile(r"The last MFA code was just used; waiting (\d+)s for the next one…")
SCREEN_TIMEOUT = 30


def typed_prompt(serial: str) -> str:
    return f"MFA code for {serial}: "


# --------------------------------------------------------------------------------------------------------------------
# Profiles


@dataclass
class MFASource:
    """A source profile (long-term keys of its own user, an enabled virtual device) and one role profile using it."""

    profile: str
    user: IamUser
    device: VirtualDevice
    role_name: str
    role_profile: str


def enabled_device(endpoint: str, user: IamUser) -> VirtualDevice:
    """A virtual device enabled for `user` with the codes of the two previous steps.

    vegas-server remembers the drift of the enabling pair's second code (-1 here) and accepts later codes ±1 step around
    it, so the code of the current step is accepted right away and no test has to wait for a step to pass first.
    """
    device = create_device(endpoint, unique("pty-device"))
    code1, code2 = device.enabling_codes(offset=-2)
    boto_client(endpoint, "iam").enable_mfa_device(
        UserName=user.name, SerialNumber=device.serial, AuthenticationCode1=code1, AuthenticationCode2=code2)
    device.drifts = {-1}
    return device


def add_mfa_source(world: World, prefix: str, **settings: str | int) -> MFASource:
    """A source profile with `mfa_serial` (plus `settings`) and a role profile whose trust requires MFA."""
    profile = unique(prefix)
    user = create_user(world.endpoint, profile)
    device = enabled_device(world.endpoint, user)
    with open(world.credentials_file, "a") as credentials:
        credentials.write(f"\n[{profile}]\naws_access_key_id = {user.keys.access_key_id}\n"
                          f"aws_secret_access_key = {user.keys.secret_access_key}\n")
    world.append_config(f"profile {profile}", {
        "region": "us-east-1", "endpoint_url": world.endpoint, "mfa_serial": device.serial} | settings)
    role_name, role_arn = world.add_role(f"{prefix}-role", None, trust=trust_policy(user.arn))
    role_profile = world.add_role_profile(f"{prefix}-role", profile, role_arn)
    return MFASource(profile, user, device, role_name, role_profile)


@dataclass
class StandInYubiKey:
    """The stand-in ykman's state file holding one touch-required TOTP account."""

    state_file: Path
    label: str

    @classmethod
    def holding(cls, state_file: Path, name: str, seed: str) -> "StandInYubiKey":
        account = {"issuer": "AWS", "name": name, "secret": seed, "oath_type": "TOTP", "algorithm": "SHA1",
                   "digits": 6, "period": 30, "counter": 0, "touch": True}
        state_file.write_text(json.dumps({"devices": [{
            "serial": YUBIKEY_SERIAL, "name": "YubiKey 5 NFC", "version": "5.7.1", "mode": "OTP+FIDO+CCID",
            "accounts": [account]}]}))
        return cls(state_file, f"AWS:{name}")

    def environment(self, touch_after: str) -> dict[str, str]:
        return {
            "PATH": f"{SUPPORT_DIR}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
            "YKMAN_STANDIN_STATE": str(self.state_file),
            "YKMAN_STANDIN_TOUCH": touch_after,
        }

    def code_invocations(self) -> list[dict]:
        invocations = json.loads(self.state_file.read_text()).get("invocations", [])
        return [entry for entry in invocations if {"oath", "accounts", "code"} <= set(entry["argv"])]


def add_yubikey_source(world: World, prefix: str, state_file: Path) -> tuple[MFASource, StandInYubiKey]:
    label_name = unique("yk")
    source = add_mfa_source(world, prefix, vegas_yubikey_label=f"AWS:{label_name}",
                            vegas_yubikey_serial=YUBIKEY_SERIAL)
    return source, StandInYubiKey.holding(state_file, label_name, source.device.seed)


# --------------------------------------------------------------------------------------------------------------------
# The client on a pty


class Screen:
    """One `vegas-credentials assume --profile P` on a new pty, stdout redirected to a file."""

    def __init__(self, world: World, profile: str, cache: Path, env: dict[str, str] | None = None):
        self.stdout_file = world.root / f"{unique('stdout')}.json"
        self.argv = ("/bin/sh", "-c", 'exec "$0" assume --profile="$1" > "$2"',
                     str(world.binary), profile, str(self.stdout_file))
        self.transcript = io.StringIO()
        self.started = time.monotonic()
        self.child = pexpect.spawn(
            self.argv[0], list(self.argv[1:]), env=world.env | {"VEGAS_CACHE_DIR": str(cache)} | (env or {}),
            cwd=str(world.root), encoding="utf-8", codec_errors="replace", timeout=SCREEN_TIMEOUT,
            dimensions=(24, 200))
        self.child.logfile_read = self.transcript

    @property
    def text(self) -> str:
        return self.transcript.getvalue()

    def describe(self) -> str:
        return f"$ {' '.join(self.argv[3:])}\n--- screen so far ---\n{self.text[-3000:]!r}"

    def wait_for(self, text: str | re.Pattern, timeout: float = SCREEN_TIMEOUT) -> str:
        """Waits until `text` (exact, or a regex) is on the screen, or returns at once if it was already shown;
        returns what matched."""
        pattern = text if isinstance(text, re.Pattern) else re.compile(re.escape(text))
        if shown := pattern.search(self.text):
            return shown.group(0)
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            pytest.fail(f"{text!r} did not appear within {timeout} s\n{self.describe()}", pytrace=False)
        except pexpect.EOF:
            self.child.close()
            pytest.fail(f"the client exited ({self.child.exitstatus}, signal {self.child.signalstatus}) before "
                        f"{text!r} appeared\n{self.describe()}", pytrace=False)
        return self.child.after

    def type_hidden(self, code: str) -> int:
        """Types `code` and Enter once echo is off; returns the screen position at which the typing started."""
        assert self.child.waitnoecho(timeout=5), f"echo is still on at the code prompt\n{self.describe()}"
        position = len(self.text)
        self.child.sendline(code)
        return position

    def finish(self, timeout: float = SCREEN_TIMEOUT) -> Run:
        """Waits for the client to exit; the Run's stdout is the redirected file, its stderr the whole screen."""
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.child.close(force=True)
            pytest.fail(f"the client did not exit within {timeout} s\n{self.describe()}", pytrace=False)
        self.child.close()
        rc = self.child.exitstatus if self.child.exitstatus is not None else 128 + (self.child.signalstatus or 0)
        stdout = self.stdout_file.read_text() if self.stdout_file.exists() else ""
        return Run(self.argv, rc, stdout, self.text, time.monotonic() - self.started)


def assert_works_as(document: dict, source: MFASource, endpoint: str) -> None:
    keys = Keys(document["AccessKeyId"], document["SecretAccessKey"], document["SessionToken"])
    identity = boto_client(endpoint, "sts", keys).get_caller_identity()
    assert identity["Arn"] == assumed_role_arn(source.role_name), identity


def assert_nothing_secret_on_screen(run: Run, document: dict) -> None:
    for key in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        assert document[key] not in run.stderr, f"{key} shown on the terminal\n{run.describe()}"


def process_is_gone(pid: int) -> bool:
    """No such process, or only its zombie (it has exited but was not reaped yet)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return any(line.split()[1] == "Z" for line in status.splitlines() if line.startswith("State:"))


def processes_mentioning(text: str) -> list[tuple[int, str]]:
    """Live processes whose argv or environment contains `text`."""
    found = []
    needle = text.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environment = (entry / "environ").read_bytes()
        except OSError:
            continue
        if (needle in cmdline or needle in environment) and not process_is_gone(int(entry.name)):
            found.append((int(entry.name), cmdline.replace(b"\0", b" ").decode(errors="replace")))
    return found


# --------------------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def world(credentials_binary, endpoint, tmp_path_factory) -> World:
    return World(credentials_binary, endpoint, tmp_path_factory.mktemp("interactive"))


# --------------------------------------------------------------------------------------------------------------------
# Tests


def test_a_typed_code_is_hidden_and_only_the_json_reaches_stdout(world):
    source = add_mfa_source(world, "typed")
    cache = world.cache_dir("typed")
    settle(hold=10)
    counters = Counters(world.endpoint)

    screen = Screen(world, source.role_profile, cache)
    screen.wait_for(typed_prompt(source.device.serial))
    code = source.device.next_code(hold=5)
    typed_at = screen.type_hidden(code)
    run = screen.finish()

    document = credential_process_output(run)
    assert code not in run.stderr[typed_at:], f"the typed code was echoed\n{run.describe()}"
    assert code not in run.stderr, f"the code is on the screen\n{run.describe()}"
    assert_nothing_secret_on_screen(run, document)
    assert_works_as(document, source, world.endpoint)
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("failed") == 0 and counters.mfa("replayed") == 0


def test_a_yubikey_touch_wins_when_nothing_is_typed(world, tmp_path):
    source, yubikey = add_yubikey_source(world, "touch", tmp_path / "ykman-state.json")
    cache = world.cache_dir("touch")
    settle(hold=8)
    counters = Counters(world.endpoint)

    screen = Screen(world, source.role_profile, cache, env=yubikey.environment(touch_after="1"))
    screen.wait_for(TOUCH_MESSAGE)
    assert not screen.stdout_file.exists() or screen.stdout_file.read_text() == "", (
        f"credentials were printed before the touch message\n{screen.describe()}")
    run = screen.finish()

    document = credential_process_output(run)
    assert RACE_PROMPT in run.stderr, f"no prompt for a typed code next to the touch message\n{run.describe()}"
    assert_nothing_secret_on_screen(run, document)
    assert_works_as(document, source, world.endpoint)
    assert len(yubikey.code_invocations()) == 1, yubikey.code_invocations()
    assert counters.delta("GetSessionToken") == 1, counters.summary()
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("failed") == 0 and counters.mfa("replayed") == 0


def test_a_typed_code_wins_over_a_slow_touch_and_ykman_is_stopped(world, tmp_path):
    source, yubikey = add_yubikey_source(world, "race", tmp_path / "ykman-state.json")
    cache = world.cache_dir("race")
    settle(hold=10)
    counters = Counters(world.endpoint)

    screen = Screen(world, source.role_profile, cache, env=yubikey.environment(touch_after="60"))
    screen.wait_for(RACE_PROMPT)
    screen.wait_for(TOUCH_MESSAGE)
    code = source.device.next_code(hold=5)
    typed_at = screen.type_hidden(code)
    typed_time = time.monotonic()
    run = screen.finish(timeout=50)
    answered_after = time.monotonic() - typed_time

    document = credential_process_output(run)
    assert answered_after < 10, f"the typed code took {answered_after:.1f} s to win\n{run.describe()}"
    assert code not in run.stderr[typed_at:], f"the typed code was echoed\n{run.describe()}"
    assert_works_as(document, source, world.endpoint)
    invocations = yubikey.code_invocations()
    assert len(invocations) == 1, invocations
    alive = [entry["pid"] for entry in invocations if not process_is_gone(entry["pid"])]
    assert not alive, f"ykman {alive} still runs after the typed code won\n{run.describe()}"
    leftovers = processes_mentioning(str(yubikey.state_file))
    assert not leftovers, f"processes still use the stand-in's state file: {leftovers}"
    assert counters.delta("GetSessionToken") == 1, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("failed") == 0 and counters.mfa("replayed") == 0


def wait_until_step_has_between(low: float, high: float, target: float) -> int:
    """Sleeps until between `low` and `high` seconds remain in the current step (aiming at `target`); the step."""
    remaining = TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS
    if remaining > high:
        time.sleep(remaining - target)
    elif remaining < low:
        time.sleep(remaining + TOTP_STEP_SECONDS - target)
    return current_step()


def test_a_code_needed_again_in_the_same_step_shows_a_countdown_then_asks(world):
    source = add_mfa_source(world, "countdown")
    cache = world.cache_dir("countdown")
    step = wait_until_step_has_between(low=6, high=12, target=10)

    first = Screen(world, source.role_profile, cache)
    first.wait_for(typed_prompt(source.device.serial))
    first.type_hidden(source.device.next_code(hold=1))
    credential_process_output(first.finish())
    world.client("cache", "clean", env={"VEGAS_CACHE_DIR": str(cache)}).ok()
    assert not cache_files(cache, ".entry"), "cache clean left entries behind"
    assert cache_files(cache, ".step"), "cache clean removed the record of the last code step"
    assert current_step() == step, "the first assume took so long that the step ended; the test cannot go on"

    counters = Counters(world.endpoint)
    second = Screen(world, source.role_profile, cache)
    countdown = second.wait_for(COUNTDOWN, timeout=10)
    seconds_shown = int(COUNTDOWN.match(countdown).group(1))
    remaining = TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS
    assert 1 <= seconds_shown <= remaining + 1.5, f"countdown says {seconds_shown}s, {remaining:.1f}s are left"
    second.wait_for(typed_prompt(source.device.serial), timeout=remaining + 10)
    assert current_step() > step, f"asked for a code before the step ended\n{second.describe()}"
    prompt_at = second.text.find(typed_prompt(source.device.serial))
    countdown_at = second.text.find("The last MFA code was just used")
    assert 0 <= countdown_at < prompt_at, f"the prompt came before the countdown\n{second.describe()}"
    shown = [int(match) for match in COUNTDOWN.findall(second.text)]
    assert shown == sorted(shown, reverse=True), f"the countdown does not count down: {shown}"
    if shown[0] >= 3:
        assert len(set(shown)) >= 2, f"the countdown did not move while waiting {shown[0]}s: {shown}"
    second.type_hidden(source.device.next_code(hold=3))
    run = second.finish()

    document = credential_process_output(run)
    assert_works_as(document, source, world.endpoint)
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("failed") == 0 and counters.mfa("replayed") == 0


def test_without_a_terminal_a_typed_source_is_one_clear_error(world):
    source = add_mfa_source(world, "noterm")
    counters = Counters(world.endpoint)
    run = world.client("assume", f"--profile={source.role_profile}",
                       env={"VEGAS_CACHE_DIR": str(world.cache_dir("noterm"))}, timeout=60)
    line = run.single_error_line()
    assert "no terminal" in line, line
    assert "vegas_vault_account" in line and "mfa_process" in line, line
    assert run.elapsed < 30, run.describe()
    assert counters.delta("GetSessionToken") == 0, counters.summary()
