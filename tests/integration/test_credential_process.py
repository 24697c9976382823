"""`vegas-credentials assume` as the AWS CLI's credential_process, with the real awscli as the caller.

The awscli (`python3 -m awscli`, this interpreter's package) reads an AWS config whose role profiles say
`credential_process = <built vegas-credentials> assume --profile=<p>`; the client gets an MFA session for the source
profile (GetSessionToken with a code) and assumes the role with it. What reached the server is read from its
/metrics (`vegas_requests_total{action,code}`, `vegas_mfa_verifications_total{result}`), so "served from the cache"
means "no STS request". MFA codes come from the client's vault (set up with `mfa setup --vault`, passphrase in
VEGAS_VAULT_PASSWORD), from an `mfa_process` script that computes the code with pyotp and appends a line to a counter
file for every code it hands out, or from the stand-in ykman.

Every source profile has its own IAM user and virtual MFA device, and every test that needs a fresh cache its own
VEGAS_CACHE_DIR: the client remembers the last code step per device inside the cache directory, so two cache
directories sharing a device could spend the same step twice (the server would rightly refuse the replay).
Every process runs in a new session with stdin from /dev/null, so it has no controlling terminal: messages go to
stderr and nothing can wait for a prompt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from conftest import REPO_ROOT
from vegas_harness import (
    ACCOUNT_ID,
    IamUser,
    boto_client,
    clean_environment,
    create_user,
    free_port,
    scrape,
    unique,
    user_arn,
)

SUPPORT_DIR = REPO_ROOT / "tests" / "support"
VAULT_PASSWORD = "credential process vault passphrase"
SESSION_NAME = "vegas-cp-test"
ERROR_PREFIX = "vegas-credentials: "
BASE32_SEED = re.compile(r"^[A-Z2-7]+=*$")
STACK_TRACE_MARKERS = ("Traceback", "Fatal error", "Stack dump", "Current stack trace", "Illegal instruction",
                       "Segmentation fault", "panic")
CALL_TIMEOUT = 240

# Computes the current TOTP code of the seed stored in argv[1] and appends one line (time, pid) to argv[2].
CODE_SCRIPT = """\
import os, sys, time
import pyotp
seed = open(sys.argv[1]).read().strip()
with open(sys.argv[2], "a") as counter:
    counter.write(f"{time.time():.6f} {os.getpid()}\\n")
print(pyotp.TOTP(seed).now())
"""


def trust_policy(principal: str, require_mfa: bool = True, deny: bool = False) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if require_mfa:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    statements = [statement]
    if deny:
        statements.append({"Effect": "Deny", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def assumed_role_arn(role_name: str, session_name: str = SESSION_NAME) -> str:
    return f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session_name}"


def parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_for_step_start(min_remaining: float) -> int:
    """Waits (if needed) until at least `min_remaining` seconds remain in the current 30-s step; returns the step."""
    remaining = 30 - time.time() % 30
    if remaining < min_remaining:
        time.sleep(remaining + 0.3)
    return int(time.time() // 30)


# --------------------------------------------------------------------------------------------------------------------
# Processes


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    elapsed: float

    def describe(self) -> str:
        return (f"$ {shlex.join(self.argv)}\nexited {self.rc} after {self.elapsed:.2f} s\n"
                f"--- stdout ---\n{self.stdout[-3000:]}\n--- stderr ---\n{self.stderr[-3000:]}")

    def ok(self) -> "Run":
        assert self.rc == 0, self.describe()
        return self

    def json(self):
        return json.loads(self.ok().stdout)

    def single_error_line(self) -> str:
        """Exit 1, nothing on stdout, exactly one stderr line (the error), no stack trace."""
        assert self.rc == 1, self.describe()
        assert self.stdout == "", f"data on stdout of a failed run:\n{self.describe()}"
        lines = self.stderr.splitlines()
        assert len(lines) == 1, f"expected exactly one stderr line:\n{self.describe()}"
        assert lines[0].startswith(ERROR_PREFIX), self.describe()
        assert_no_stack_trace(self)
        return lines[0]


def assert_no_stack_trace(run: Run) -> None:
    for marker in STACK_TRACE_MARKERS:
        assert marker not in run.stderr, f"{marker!r} in stderr:\n{run.describe()}"


def run_process(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = CALL_TIMEOUT,
                umask: int = -1) -> Run:
    """Runs without a controlling terminal (new session, stdin /dev/null); kills the whole group on timeout."""
    started = time.monotonic()
    with subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True, umask=umask) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise AssertionError(f"$ {shlex.join(argv)} did not finish within {timeout} s\n{stderr[-3000:]}") from None
    return Run(tuple(argv), process.returncode, stdout, stderr, time.monotonic() - started)


# --------------------------------------------------------------------------------------------------------------------
# Server counters


class Counters:
    """STS/IAM request and MFA verification counts from /metrics, as deltas since the snapshot."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.before = scrape(endpoint)

    def delta(self, action: str, code: str | None = None) -> int:
        labels = {"action": action} | ({"code": code} if code else {})
        after = scrape(self.endpoint)
        return int(after.total("vegas_requests_total", **labels) - self.before.total("vegas_requests_total", **labels))

    def mfa(self, result: str) -> int:
        after = scrape(self.endpoint)
        return int(after.total("vegas_mfa_verifications_total", result=result)
                   - self.before.total("vegas_mfa_verifications_total", result=result))

    def summary(self) -> dict[str, int]:
        return {action: self.delta(action) for action in ("GetSessionToken", "AssumeRole", "GetCallerIdentity")}


# --------------------------------------------------------------------------------------------------------------------
# The AWS files, the client and the awscli


@dataclass
class Source:
    """A source profile: an IAM user with long-term keys and a virtual MFA device set up by `mfa setup --vault`."""

    profile: str
    user: IamUser
    serial: str
    seed: str
    counter_file: Path | None = None

    def codes_handed_out(self) -> list[float]:
        """Times at which the mfa_process script produced a code."""
        assert self.counter_file is not None
        if not self.counter_file.exists():
            return []
        return [float(line.split()[0]) for line in self.counter_file.read_text().splitlines() if line.strip()]


@dataclass
class World:
    """One HOME, vault, AWS config and credentials file shared by the module's profiles."""

    binary: Path
    endpoint: str
    root: Path
    sources: dict[str, Source] = field(default_factory=dict)

    def __post_init__(self):
        self.home = self.root / "home"
        self.vegas_home = self.root / "vegas"
        self.config_file = self.root / "aws" / "config"
        self.credentials_file = self.root / "aws" / "credentials"
        self.home.mkdir(parents=True)
        self.config_file.parent.mkdir(parents=True)
        self.config_file.write_text("# credential_process integration tests\n[default]\nregion = us-east-1\n")
        self.credentials_file.write_text("")
        self.env = {k: v for k, v in clean_environment().items() if not k.startswith("YKMAN_")} | {
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.root / "xdg-data"),
            "XDG_CACHE_HOME": str(self.root / "xdg-cache"),
            "VEGAS_HOME": str(self.vegas_home),
            "VEGAS_VAULT_PASSWORD": VAULT_PASSWORD,
            "AWS_CONFIG_FILE": str(self.config_file),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials_file),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_RETRY_MODE": "standard",
            "AWS_MAX_ATTEMPTS": "1",
            "USER": "cp-tester",
        }

    # Files ------------------------------------------------------------------------------------------------------

    def append_config(self, section: str, settings: dict[str, str | int]) -> None:
        lines = [f"\n[{section}]"] + [f"{key} = {value}" for key, value in settings.items()]
        with open(self.config_file, "a") as config:
            config.write("\n".join(lines) + "\n")

    def credential_process(self, profile: str) -> str:
        return f"{self.binary} assume --profile={profile}"

    def cache_dir(self, name: str) -> Path:
        """A cache directory that does not exist yet (the client creates it)."""
        return self.root / "caches" / unique(name)

    # Profiles ---------------------------------------------------------------------------------------------------

    def add_source(self, prefix: str, counting: bool = False, endpoint: str | None = None,
                   extra: dict[str, str | int] | None = None) -> Source:
        """A new user and source profile, its MFA device created, enabled and stored in the vault by `mfa setup`.

        With `counting`, the profile's `mfa_process` (which the client prefers over the vault) is the counting
        pyotp script, reading the seed from a file the script alone uses.
        """
        profile = unique(prefix)
        user = create_user(self.endpoint, profile)
        with open(self.credentials_file, "a") as credentials:
            credentials.write(f"\n[{profile}]\naws_access_key_id = {user.keys.access_key_id}\n"
                              f"aws_secret_access_key = {user.keys.secret_access_key}\n")
        settings: dict[str, str | int] = {"region": "us-east-1", "endpoint_url": endpoint or self.endpoint}
        counter_file = None
        if counting:
            script = self.root / "code.py"
            script.write_text(CODE_SCRIPT)
            seed_file = self.root / f"{profile}.seed"
            counter_file = self.root / f"{profile}.codes"
            settings["mfa_process"] = f"{sys.executable} {script} {seed_file} {counter_file}"
        settings |= extra or {}
        self.append_config(f"profile {profile}", settings)
        setup = self.client("mfa", "setup", "--profile", profile, "--vault", "--show-secret").ok()
        seed = setup.stdout.strip()
        assert BASE32_SEED.match(seed), f"--show-secret did not print a base32 seed:\n{setup.describe()}"
        serial = f"arn:aws:iam::{ACCOUNT_ID}:mfa/{profile}"
        assert f"mfa_serial = {serial}" in self.config_file.read_text(), self.config_file.read_text()
        if counting:
            seed_file.write_text(seed)
        source = Source(profile, user, serial, seed, counter_file)
        self.sources[profile] = source
        return source

    def add_role(self, prefix: str, source: Source, path: str = "/", trust: str | None = None) -> tuple[str, str]:
        """A role created by root (default trust: the source user, with MFA); returns (name, ARN)."""
        name = unique(prefix)
        role = boto_client(self.endpoint, "iam").create_role(
            RoleName=name, Path=path, AssumeRolePolicyDocument=trust or trust_policy(source.user.arn))["Role"]
        assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role{path}{name}", role
        return name, role["Arn"]

    def add_role_profile(self, prefix: str, source: Source | str, role_arn: str, **settings: str | int) -> str:
        profile = unique(prefix)
        self.append_config(f"profile {profile}", {
            "credential_process": self.credential_process(profile),
            "vegas_role_arn": role_arn,
            "vegas_source_profile": source if isinstance(source, str) else source.profile,
            "role_session_name": SESSION_NAME,
            "region": "us-east-1",
        } | settings)
        return profile

    # Running ----------------------------------------------------------------------------------------------------

    def client(self, *args: str, env: dict[str, str] | None = None, timeout: float = CALL_TIMEOUT,
               umask: int = -1) -> Run:
        return run_process([str(self.binary), *args], self.env | (env or {}), self.root, timeout, umask)

    def aws(self, *args: str, env: dict[str, str] | None = None, endpoint: str | None = None,
            timeout: float = CALL_TIMEOUT, umask: int = -1) -> Run:
        argv = [sys.executable, "-m", "awscli", "--endpoint-url", endpoint or self.endpoint, "--output", "json", *args]
        return run_process(argv, self.env | (env or {}), self.root, timeout, umask)

    def caller_identity(self, profile: str, cache: Path, env: dict[str, str] | None = None, umask: int = -1) -> Run:
        return self.aws("sts", "get-caller-identity", "--profile", profile,
                        env={"VEGAS_CACHE_DIR": str(cache)} | (env or {}), umask=umask)


@pytest.fixture(scope="module")
def world(credentials_binary, endpoint, tmp_path_factory) -> World:
    return World(credentials_binary, endpoint, tmp_path_factory.mktemp("credential-process"))


@dataclass
class Alice:
    """The module's main source: alice (vault codes) with role-a and role-b, sharing one cache directory."""

    source: Source
    cache: Path
    role_a: str
    role_a_name: str
    role_b: str
    role_b_name: str


@pytest.fixture(scope="module")
def alice(world) -> Alice:
    source = world.add_source("alice")
    role_a_name, role_a_arn = world.add_role("role-a", source)
    role_b_name, role_b_arn = world.add_role("role-b", source)
    role_a = world.add_role_profile("role-a", source, role_a_arn)
    role_b = world.add_role_profile("role-b", source, role_b_arn)
    return Alice(source, world.cache_dir("alice"), role_a, role_a_name, role_b, role_b_name)


def cache_files(cache: Path, suffix: str) -> list[Path]:
    return sorted(path for path in cache.iterdir() if path.name.endswith(suffix))


def credential_process_output(run: Run) -> dict:
    """The credential_process JSON (version 1) on stdout, checked for shape; nothing else on stdout."""
    document = run.json()
    assert set(document) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}, document
    assert document["Version"] == 1, document
    for key in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        assert isinstance(document[key], str) and document[key], f"{key} in {document}"
    expiration = parse_timestamp(document["Expiration"])
    assert expiration.tzinfo is not None, document["Expiration"]
    assert expiration > dt.datetime.now(dt.timezone.utc), document["Expiration"]
    return document


# --------------------------------------------------------------------------------------------------------------------
# 1, 2. One code per source; the cache


def test_first_call_assumes_the_role_with_mfa_and_the_second_is_served_from_the_cache(world, alice):
    counters = Counters(world.endpoint)
    first = world.caller_identity(alice.role_a, alice.cache).json()
    assert first["Arn"] == assumed_role_arn(alice.role_a_name), first
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("GetSessionToken") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole") == 1, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("replayed") == 0 and counters.mfa("failed") == 0

    cached = Counters(world.endpoint)
    second = world.caller_identity(alice.role_a, alice.cache).json()
    assert second["Arn"] == first["Arn"], second
    assert cached.delta("GetSessionToken") == 0, f"the second call asked STS again: {cached.summary()}"
    assert cached.delta("AssumeRole") == 0, f"the second call asked STS again: {cached.summary()}"
    assert cached.delta("GetCallerIdentity", "ok") == 1, cached.summary()
    assert cached.mfa("ok") == 0


def test_second_role_of_the_same_source_needs_no_new_code(world, alice):
    world.caller_identity(alice.role_a, alice.cache).ok()  # the MFA session is cached from here on
    step_files = cache_files(alice.cache, ".step")
    steps_before = {path.name: path.read_bytes() for path in step_files}

    counters = Counters(world.endpoint)
    identity = world.caller_identity(alice.role_b, alice.cache).json()
    assert identity["Arn"] == assumed_role_arn(alice.role_b_name), identity
    assert counters.delta("GetSessionToken") == 0, f"role-b spent a new MFA code: {counters.summary()}"
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole") == 1, counters.summary()
    assert counters.mfa("ok") == 0, "a code was verified for role-b"
    assert {path.name: path.read_bytes() for path in cache_files(alice.cache, ".step")} == steps_before


# --------------------------------------------------------------------------------------------------------------------
# 3. Twenty parallel calls


def test_twenty_parallel_calls_fetch_once_and_all_succeed(world):
    source = world.add_source("parallel", counting=True)
    role_name, role_arn = world.add_role("role-c", source)
    profile = world.add_role_profile("role-c", source, role_arn)
    cache = world.cache_dir("parallel")

    counters = Counters(world.endpoint)
    with ThreadPoolExecutor(max_workers=20) as pool:
        runs = list(pool.map(lambda _: world.caller_identity(profile, cache), range(20)))
    failed = [run for run in runs if run.rc != 0]
    assert not failed, f"{len(failed)} of 20 calls failed; first:\n{failed[0].describe()}"
    assert {run.json()["Arn"] for run in runs} == {assumed_role_arn(role_name)}
    assert len(source.codes_handed_out()) == 1, f"mfa_process ran {len(source.codes_handed_out())} times"
    assert counters.delta("GetSessionToken") == 1, counters.summary()
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.delta("GetCallerIdentity", "ok") == 20, counters.summary()
    assert counters.mfa("ok") == 1 and counters.mfa("replayed") == 0 and counters.mfa("failed") == 0


# --------------------------------------------------------------------------------------------------------------------
# 4. Tampered entries, a replaced key


def flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    assert data, f"{path} is empty"
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_tampered_entries_are_misses(world):
    """A replaced or wrong-sized cache key, in each place it can live, is test_cache_key_locations.py's subject."""
    source = world.add_source("tamper-entries")
    _, role_arn = world.add_role("role-t", source)
    profile = world.add_role_profile("role-t", source, role_arn)
    cache = world.cache_dir("tamper-entries")
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache).ok()
    assert (counters.delta("GetSessionToken", "ok"), counters.delta("AssumeRole", "ok")) == (1, 1)

    entries = cache_files(cache, ".entry")
    assert len(entries) == 2, f"expected the MFA session and the role entry, found {entries}"
    for entry in entries:
        flip_middle_byte(entry)

    # The session's code step was just spent, so the client may wait for the next step here (that is test 5's subject).
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache).ok()
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("GetSessionToken") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole") == 1, counters.summary()

    # The fresh entries were written readable again: the next call is a hit.
    cached = Counters(world.endpoint)
    world.caller_identity(profile, cache).ok()
    assert (cached.delta("GetSessionToken"), cached.delta("AssumeRole")) == (0, 0), cached.summary()


# --------------------------------------------------------------------------------------------------------------------
# 5. Expiry


def cache_list_expirations(world: World, cache: Path) -> list[dt.datetime]:
    lines = world.client("cache", "list", env={"VEGAS_CACHE_DIR": str(cache)}).ok().stdout.splitlines()
    expirations = []
    for line in lines:
        match = re.search(r"until (\S+)", line)
        assert match, f"no 'until <time>' in cache list line {line!r}"
        expirations.append(parse_timestamp(match.group(1)))
    return expirations


def test_a_session_near_expiry_asks_for_a_new_code_and_waits_for_the_next_step(world):
    source = world.add_source("expiry", counting=True, extra={"vegas_session_duration": 900})
    role_name, role_arn = world.add_role("role-e", source)
    profile = world.add_role_profile("role-e", source, role_arn, duration_seconds=900)
    cache = world.cache_dir("expiry")
    # Entries count as expired 890 s before their end: 10 s after they were issued.
    margin = {"VEGAS_CACHE_REFRESH_MARGIN": "890"}

    step = wait_for_step_start(min_remaining=27)
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=margin).ok()
    codes = source.codes_handed_out()
    assert len(codes) == 1, codes
    assert int(codes[0] // 30) == step, "precondition: the first code comes from the step the test waited for"
    assert (counters.delta("GetSessionToken", "ok"), counters.delta("AssumeRole", "ok")) == (1, 1), counters.summary()

    # Still more than 890 s left: a hit.
    fresh = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=margin).ok()
    assert len(source.codes_handed_out()) == 1
    assert (fresh.delta("GetSessionToken"), fresh.delta("AssumeRole")) == (0, 0), fresh.summary()

    expirations = cache_list_expirations(world, cache)
    assert len(expirations) == 2, expirations
    assert all(890 < (end - dt.datetime.now(dt.timezone.utc)).total_seconds() <= 900 for end in expirations), expirations
    stale_at = max(expirations).timestamp() - 890 + 1.0
    time.sleep(max(0.0, stale_at - time.time()))
    started = time.time()
    assert int(started // 30) == step, "precondition: the refresh starts in the step whose code was just spent"
    remaining = (step + 1) * 30 - started

    renewed = Counters(world.endpoint)
    run = world.caller_identity(profile, cache, env=margin)
    assert run.rc == 0, f"the refresh failed instead of waiting for the next step:\n{run.describe()}"
    assert run.json()["Arn"] == assumed_role_arn(role_name)
    codes = source.codes_handed_out()
    assert len(codes) == 2, f"expected exactly one new code for the expired session, mfa_process ran {len(codes)} times"
    assert int(codes[1] // 30) >= step + 1, (
        f"the new code was asked for {((step + 1) * 30 - codes[1]):.1f} s before the step of the spent code ended")
    assert run.elapsed >= remaining, f"the call took {run.elapsed:.1f} s, the step had {remaining:.1f} s left"
    assert renewed.delta("GetSessionToken", "ok") == 1, renewed.summary()
    assert renewed.delta("GetSessionToken") == 1, renewed.summary()
    assert renewed.delta("AssumeRole", "ok") == 1, renewed.summary()
    assert renewed.mfa("replayed") == 0 and renewed.mfa("failed") == 0


# --------------------------------------------------------------------------------------------------------------------
# 6. AssumeRole with the code


def test_assume_role_mode_sends_the_code_with_assume_role(world):
    source = world.add_source("direct")
    role_name, role_arn = world.add_role("role-d", source)
    profile = world.add_role_profile("role-d", source, role_arn, vegas_mfa_mode="assume-role")
    cache = world.cache_dir("direct")

    counters = Counters(world.endpoint)
    identity = world.caller_identity(profile, cache).json()
    assert identity["Arn"] == assumed_role_arn(role_name), identity
    assert counters.delta("GetSessionToken") == 0, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole") == 1, counters.summary()
    assert counters.mfa("ok") == 1, "the code was not verified with AssumeRole"
    labels = world.client("cache", "list", env={"VEGAS_CACHE_DIR": str(cache)}).ok().stdout
    assert "MFA session" not in labels and f"role {role_arn} for profile {profile}" in labels, labels


# --------------------------------------------------------------------------------------------------------------------
# 7. Role ARNs


def test_a_role_arn_with_a_path_works(world, alice):
    role_name, role_arn = world.add_role("admin", alice.source, path="/ops/")
    assert ":role/ops/" in role_arn
    profile = world.add_role_profile("role-path", alice.source, role_arn)
    identity = world.caller_identity(profile, alice.cache).json()
    assert identity["Arn"] == assumed_role_arn(role_name), identity


def test_a_role_arn_of_another_partition_reaches_sts(world, alice):
    """aws-cn ARNs are accepted by the client; the server (partition aws) then refuses the unknown role."""
    arn = f"arn:aws-cn:iam::{ACCOUNT_ID}:role/ops/admin"
    profile = world.add_role_profile("role-cn", alice.source, arn)
    counters = Counters(world.endpoint)
    line = world.client("assume", f"--profile={profile}", env={"VEGAS_CACHE_DIR": str(alice.cache)}).single_error_line()
    assert "AccessDenied" in line, line
    assert counters.delta("AssumeRole", "AccessDenied") == 1, counters.summary()


def test_an_invalid_role_arn_is_one_config_error_line(world, alice):
    bad = "arn:aws:iam::12345:role/admin"
    profile = world.add_role_profile("bad-arn", alice.source, bad)
    counters = Counters(world.endpoint)
    line = world.client("assume", f"--profile={profile}", env={"VEGAS_CACHE_DIR": str(alice.cache)}).single_error_line()
    for part in (str(world.config_file), profile, "vegas_role_arn"):
        assert part in line, f"{part!r} not in {line!r}"

    via_aws = world.caller_identity(profile, alice.cache)
    assert via_aws.rc != 0, via_aws.describe()
    assert f"profile {profile}: vegas_role_arn" in via_aws.stderr, via_aws.describe()
    assert_no_stack_trace(via_aws)
    assert counters.delta("GetSessionToken") == 0 and counters.delta("AssumeRole") == 0, counters.summary()


# --------------------------------------------------------------------------------------------------------------------
# 8. STS errors


def test_an_sts_access_denied_passes_through(world, alice):
    role_name, role_arn = world.add_role("denied", alice.source, trust=trust_policy(alice.source.user.arn, deny=True))
    profile = world.add_role_profile("role-denied", alice.source, role_arn)

    counters = Counters(world.endpoint)
    via_aws = world.caller_identity(profile, alice.cache)
    assert via_aws.rc != 0, via_aws.describe()
    assert "AccessDenied" in via_aws.stderr, via_aws.describe()
    assert_no_stack_trace(via_aws)

    line = world.client("assume", f"--profile={profile}", env={"VEGAS_CACHE_DIR": str(alice.cache)}).single_error_line()
    assert "AccessDenied" in line, line
    assert f"sts:AssumeRole on resource: {role_arn}" in line, line
    assert counters.delta("AssumeRole", "AccessDenied") == 2, counters.summary()
    listed = world.client("cache", "list", env={"VEGAS_CACHE_DIR": str(alice.cache)}).ok().stdout
    assert role_arn not in listed, listed


# --------------------------------------------------------------------------------------------------------------------
# 9. exec, export, cache and config commands


def parse_env_exports(text: str) -> dict[str, str]:
    variables = {}
    for line in text.splitlines():
        match = re.fullmatch(r"export ([A-Z_]+)='([^']*)'", line)
        assert match, f"not an export line: {line!r}"
        variables[match.group(1)] = match.group(2)
    return variables


def test_exec_and_export_give_the_cached_role_credentials(world, alice):
    cache_env = {"VEGAS_CACHE_DIR": str(alice.cache)}
    world.caller_identity(alice.role_a, alice.cache).ok()
    counters = Counters(world.endpoint)

    role = credential_process_output(world.client("assume", f"--profile={alice.role_a}", env=cache_env))
    as_json = credential_process_output(world.client("export", "--profile", alice.role_a, env=cache_env))
    assert as_json == role
    exported = parse_env_exports(world.client("export", "--profile", alice.role_a, "--format", "env", env=cache_env)
                                 .ok().stdout)
    assert exported["AWS_ACCESS_KEY_ID"] == role["AccessKeyId"], exported.keys()
    assert exported["AWS_SECRET_ACCESS_KEY"] == role["SecretAccessKey"]
    assert exported["AWS_SESSION_TOKEN"] == role["SessionToken"]
    assert parse_timestamp(exported["AWS_CREDENTIAL_EXPIRATION"]) == parse_timestamp(role["Expiration"])

    probe = world.client("exec", "--profile", alice.role_a, "--", sys.executable, "-c",
                         'import os; print(os.environ["AWS_SESSION_TOKEN"] != "")', env=cache_env).ok()
    assert probe.stdout == "True\n", probe.describe()
    # The exec'd command is the awscli itself: it signs with the role's keys from the environment.
    inner = world.client("exec", "--profile", alice.role_a, "--", sys.executable, "-m", "awscli", "--endpoint-url",
                         world.endpoint, "--output", "json", "sts", "get-caller-identity", env=cache_env)
    assert json.loads(inner.ok().stdout)["Arn"] == assumed_role_arn(alice.role_a_name), inner.describe()
    assert (counters.delta("GetSessionToken"), counters.delta("AssumeRole")) == (0, 0), counters.summary()


def test_cache_list_shows_no_secrets_and_cache_clean_empties_it(world):
    source = world.add_source("listing")
    _, role_arn = world.add_role("role-l", source)
    profile = world.add_role_profile("role-l", source, role_arn)
    cache = world.cache_dir("listing")
    cache_env = {"VEGAS_CACHE_DIR": str(cache)}
    role = credential_process_output(world.client("assume", f"--profile={profile}", env=cache_env))
    session = credential_process_output(world.client("assume", f"--profile={source.profile}", env=cache_env))
    assert session["AccessKeyId"] != role["AccessKeyId"]

    listed = world.client("cache", "list", env=cache_env).ok()
    lines = sorted(listed.stdout.splitlines())
    assert len(lines) == 2, listed.describe()
    # Columns are aligned with spaces: label, "until <time>", "valid for N min".
    assert any(re.match(rf"MFA session of profile {re.escape(source.profile)} +until ", line) for line in lines), lines
    assert any(re.match(rf"role {re.escape(role_arn)} for profile {re.escape(profile)} +until ", line) for line in lines), lines
    assert all(re.search(r" {2}valid for \d+ min$", line) for line in lines), lines
    for secret in (role["SecretAccessKey"], role["SessionToken"], session["SecretAccessKey"], session["SessionToken"],
                   source.user.keys.secret_access_key):
        assert secret not in listed.stdout and secret not in listed.stderr, "cache list shows a secret"

    cleaned = world.client("cache", "clean", env=cache_env).ok()
    assert cleaned.stdout == "", cleaned.describe()
    assert "Removed 2 cached credentials." in cleaned.stderr, cleaned.describe()
    leftovers = [p.name for p in cache.iterdir() if p.name.endswith((".entry", ".lock")) or p.name == "cache.key"]
    assert leftovers == [], leftovers
    assert world.client("cache", "list", env=cache_env).ok().stdout == ""


def test_config_list_and_show_profile_name_the_roles_without_secrets(world, alice):
    listed = world.client("config", "list").ok()
    lines = listed.stdout.splitlines()
    assert f"{alice.source.profile}\tMFA {alice.source.serial}" in lines, listed.describe()
    role_a_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{alice.role_a_name}"
    assert f"{alice.role_a}\trole {role_a_arn} via {alice.source.profile}" in lines, listed.describe()

    shown = world.client("config", "show-profile", "-p", alice.role_a).ok()
    fields = {}
    for line in shown.stdout.splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    assert fields["profile"] == alice.role_a, shown.describe()
    assert fields["source profile"] == alice.source.profile, shown.describe()
    assert fields["role"] == role_a_arn, shown.describe()
    assert fields["role session name"] == SESSION_NAME, shown.describe()
    assert fields["MFA device"] == alice.source.serial, shown.describe()
    assert fields["MFA code source"] == f"vault: AWS:{alice.source.profile}@{ACCOUNT_ID}", shown.describe()
    assert fields["STS endpoint"].rstrip("/") == world.endpoint, shown.describe()
    for output in (listed, shown):
        assert alice.source.user.keys.secret_access_key not in output.stdout + output.stderr, "a secret key is shown"
        assert alice.source.seed not in output.stdout + output.stderr, "the MFA seed is shown"


# --------------------------------------------------------------------------------------------------------------------
# 10. Files


def test_cache_files_are_private_and_hold_no_credentials_in_clear(world):
    source = world.add_source("private")
    _, role_arn = world.add_role("role-p", source)
    profile = world.add_role_profile("role-p", source, role_arn)
    cache = world.cache_dir("private")
    cache_env = {"VEGAS_CACHE_DIR": str(cache)}
    # umask 0: the client must set the modes itself rather than rely on the caller's umask.
    world.caller_identity(profile, cache, umask=0).ok()

    assert stat.S_IMODE(cache.stat().st_mode) == 0o700, oct(cache.stat().st_mode)
    entries = cache_files(cache, ".entry")
    assert len(entries) == 2, entries
    for path in entries:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name}: {oct(path.stat().st_mode)}"
    for path in cache.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path.name} is open to others: {oct(path.stat().st_mode)}"

    role = credential_process_output(world.client("assume", f"--profile={profile}", env=cache_env))
    session = credential_process_output(world.client("assume", f"--profile={source.profile}", env=cache_env))
    secrets_in_clear = [role["AccessKeyId"], role["SecretAccessKey"], role["SessionToken"], session["AccessKeyId"],
                        session["SecretAccessKey"], session["SessionToken"]]
    for path in cache.iterdir():
        content = path.read_bytes()
        for secret in secrets_in_clear:
            assert secret.encode() not in content, f"{path.name} holds a credential in clear"


# --------------------------------------------------------------------------------------------------------------------
# YubiKey (stand-in ykman) as the code source under credential_process


def test_a_yubikey_source_is_touched_once_for_two_roles(world, tmp_path):
    state_file = tmp_path / "ykman-state.json"
    state_file.write_text(json.dumps({"devices": [
        {"serial": 31415926, "name": "YubiKey 5 NFC", "version": "5.7.1", "mode": "OTP+FIDO+CCID", "accounts": []}]}))
    yubikey_env = {
        "PATH": f"{SUPPORT_DIR}{os.pathsep}{world.env.get('PATH', os.defpath)}",
        "YKMAN_STANDIN_STATE": str(state_file),
        "YKMAN_STANDIN_TOUCH": "1",
    }
    profile = unique("yubi")
    user_keys = create_user(world.endpoint, profile)
    with open(world.credentials_file, "a") as credentials:
        credentials.write(f"\n[{profile}]\naws_access_key_id = {user_keys.keys.access_key_id}\n"
                          f"aws_secret_access_key = {user_keys.keys.secret_access_key}\n")
    world.append_config(f"profile {profile}", {"region": "us-east-1", "endpoint_url": world.endpoint})
    world.client("mfa", "setup", "--profile", profile, "--yubikey", env=yubikey_env).ok()
    config = world.config_file.read_text()
    assert "vegas_yubikey_label = " in config and "vegas_yubikey_serial = 31415926" in config, config
    source = Source(profile, user_keys, f"arn:aws:iam::{ACCOUNT_ID}:mfa/{profile}", "")
    names = [world.add_role("role-y", source) for _ in range(2)]
    profiles = [world.add_role_profile("role-y", source, arn) for _, arn in names]
    cache = world.cache_dir("yubikey")

    invocations_before = len(json.loads(state_file.read_text()).get("invocations", []))
    counters = Counters(world.endpoint)
    for (role_name, _), role_profile in zip(names, profiles):
        identity = world.caller_identity(role_profile, cache, env=yubikey_env).json()
        assert identity["Arn"] == assumed_role_arn(role_name), identity
    code_calls = [entry for entry in json.loads(state_file.read_text())["invocations"][invocations_before:]
                  if {"oath", "accounts", "code"} <= set(entry["argv"])]
    assert len(code_calls) == 1, f"ykman asked for {len(code_calls)} codes: {code_calls}"
    assert not code_calls[0]["has_tty"], code_calls
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 2, counters.summary()


# --------------------------------------------------------------------------------------------------------------------
# 11. moto


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, env=clean_environment(), start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, f"moto.server exited {process.returncode}:\n{log_path.read_text()[-3000:]}"
        try:
            requests.get(f"{url}/moto-api/", timeout=1)
            break
        except requests.RequestException:
            assert time.monotonic() < deadline, f"moto.server did not answer:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_moto_responses_give_valid_credential_process_json(world, moto_endpoint):
    import boto3

    def moto(service: str, **keys):
        return boto3.session.Session(
            aws_access_key_id=keys.get("id", "AKIAMOTOROOTEXAMPLE1"),
            aws_secret_access_key=keys.get("secret", "motoRootSecret"), region_name="us-east-1",
        ).client(service, endpoint_url=moto_endpoint)

    iam = moto("iam")
    name = unique("moto-user")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    role_name = unique("moto-role")
    role_arn = iam.create_role(RoleName=role_name, Path="/ops/",
                               AssumeRolePolicyDocument=trust_policy(user_arn(name)))["Role"]["Arn"]

    source = unique("moto-src")
    with open(world.credentials_file, "a") as credentials:
        credentials.write(f"\n[{source}]\naws_access_key_id = {key['AccessKeyId']}\n"
                          f"aws_secret_access_key = {key['SecretAccessKey']}\n")
    world.append_config(f"profile {source}", {
        "region": "us-east-1", "endpoint_url": moto_endpoint,
        "mfa_serial": f"arn:aws:iam::{ACCOUNT_ID}:mfa/{name}", "mfa_process": "echo 123456",
    })
    via_session = world.add_role_profile("moto-role", source, role_arn)
    direct = world.add_role_profile("moto-direct", source, role_arn, vegas_mfa_mode="assume-role")
    cache_env = {"VEGAS_CACHE_DIR": str(world.cache_dir("moto"))}

    session = credential_process_output(world.client("assume", f"--profile={source}", env=cache_env))
    for profile in (via_session, direct):
        role = credential_process_output(world.client("assume", f"--profile={profile}", env=cache_env))
        assert role["AccessKeyId"] not in (session["AccessKeyId"], key["AccessKeyId"]), role
        identity = world.aws("sts", "get-caller-identity", "--profile", profile, endpoint=moto_endpoint,
                             env=cache_env).json()
        assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{SESSION_NAME}", identity

