"""Where `vegas-credentials` keeps the key that seals its cache (`VEGAS_CACHE_KEY_STORE`), with the real awscli calling
it as credential_process against vegas-server.

Each location is read and written here with its own independent tool, never through the client: the kernel keyring
with keyutils' `keyctl`, the Secret Service with libsecret's `secret-tool` (on a private D-Bus session with
gnome-keyring, unlocked without a prompt), the file directly. So "the key lives there" means that tool finds it, and
"a replaced key is a miss" means a key replaced by that tool makes the client fetch again.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import signal
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from test_credential_process import Counters, World, credential_process_output

KEY_DESCRIPTION_PREFIX = "vegas-credentials:cache-key:"


def run_tool(argv: list[str], env: dict[str, str] | None = None, input: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(argv, input=input, capture_output=True, env=env, timeout=30)


def kernel_keyring_usable() -> bool:
    """keyutils can reach this process's user keyring (containers may filter the system calls out)."""
    return shutil.which("keyctl") is not None and run_tool(["keyctl", "show", "@u"]).returncode == 0


# --------------------------------------------------------------------------------------------------------------------
# The locations, as their own tools see them


class KernelKeyring:
    name = "keyring"

    def environment(self) -> dict[str, str]:
        return {"VEGAS_CACHE_KEY_STORE": self.name}

    @staticmethod
    def description(cache: Path) -> str:
        return KEY_DESCRIPTION_PREFIX + str(cache)

    def read(self, cache: Path) -> bytes | None:
        found = run_tool(["keyctl", "search", "@u", "user", self.description(cache)])
        if found.returncode != 0:
            return None
        return run_tool(["keyctl", "pipe", found.stdout.decode().strip()]).stdout

    def write(self, cache: Path, key: bytes) -> None:
        added = run_tool(["keyctl", "padd", "user", self.description(cache), "@u"], input=key)
        assert added.returncode == 0, added.stderr


class KeyFile:
    name = "file"

    def environment(self) -> dict[str, str]:
        return {"VEGAS_CACHE_KEY_STORE": self.name}

    def read(self, cache: Path) -> bytes | None:
        path = cache / "cache.key"
        return path.read_bytes() if path.exists() else None

    def write(self, cache: Path, key: bytes) -> None:
        (cache / "cache.key").write_bytes(key)


@dataclass
class SecretService:
    """A private session bus with gnome-keyring's secrets component, its login keyring unlocked."""

    bus_address: str
    name = "secret-service"

    def environment(self) -> dict[str, str]:
        return {"VEGAS_CACHE_KEY_STORE": self.name, "DBUS_SESSION_BUS_ADDRESS": self.bus_address}

    def tool_environment(self) -> dict[str, str]:
        return dict(os.environ) | {"DBUS_SESSION_BUS_ADDRESS": self.bus_address}

    @staticmethod
    def attributes(cache: Path) -> list[str]:
        return ["application", "vegas-credentials", "cache-directory", str(cache)]

    def read(self, cache: Path) -> bytes | None:
        found = run_tool(["secret-tool", "lookup", *self.attributes(cache)], env=self.tool_environment())
        if found.returncode != 0:
            assert found.stderr == b"", found.stderr
            return None
        return base64.b64decode(found.stdout)

    def write(self, cache: Path, key: bytes) -> None:
        stored = run_tool(["secret-tool", "store", "--label=replaced by the test", *self.attributes(cache)],
                          env=self.tool_environment(), input=base64.b64encode(key))
        assert stored.returncode == 0, stored.stderr


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory) -> SecretService:
    missing = [tool for tool in ("dbus-daemon", "gnome-keyring-daemon", "secret-tool") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)} (Debian: dbus, gnome-keyring, libsecret-tools; .ci/run installs "
                    "them)", pytrace=False)
    home = tmp_path_factory.mktemp("secret-service-home")
    env = dict(os.environ) | {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
                              "XDG_RUNTIME_DIR": str(home / "run")}
    (home / "run").mkdir(mode=0o700)
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         capture_output=True, text=True, env=env, timeout=30, check=True)
    address, pid = bus.stdout.split()[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    try:
        # The password on stdin creates and unlocks the login keyring: no prompt, no display needed.
        subprocess.run(["gnome-keyring-daemon", "--daemonize", "--unlock", "--components=secrets"],
                       input="vegas test keyring", capture_output=True, text=True, env=env, timeout=30, check=True)
        yield SecretService(address)
    finally:
        os.kill(int(pid), signal.SIGTERM)  # gnome-keyring-daemon leaves with its bus


def location_named(name: str, request) -> KernelKeyring | KeyFile | SecretService:
    if name == "keyring":
        if not kernel_keyring_usable():
            pytest.fail("keyutils' keyctl cannot reach the user keyring here (install keyutils)", pytrace=False)
        return KernelKeyring()
    if name == "file":
        return KeyFile()
    return request.getfixturevalue("secret_service")


@pytest.fixture(params=["keyring", "file", "secret-service"])
def location(request):
    return location_named(request.param, request)


@pytest.fixture(scope="module")
def world(credentials_binary, endpoint, tmp_path_factory) -> World:
    return World(credentials_binary, endpoint, tmp_path_factory.mktemp("cache-key-locations"))


def role_profile(world: World, prefix: str) -> str:
    source = world.add_source(prefix)
    _, role_arn = world.add_role(f"role-{prefix}", source)
    return world.add_role_profile(f"role-{prefix}", source, role_arn)


# --------------------------------------------------------------------------------------------------------------------
# Tests


def test_the_default_on_linux_is_the_kernel_keyring_and_no_key_file_is_written(world):
    if not kernel_keyring_usable():
        pytest.fail("keyutils' keyctl cannot reach the user keyring here (install keyutils)", pytrace=False)
    profile = role_profile(world, "default-location")
    cache = world.cache_dir("default-location")
    world.caller_identity(profile, cache).ok()

    key = KernelKeyring().read(cache)
    assert key is not None and len(key) == 32, f"no 32-byte key in the user keyring for {cache}: {key!r}"
    assert not (cache / "cache.key").exists(), "a key file was written although the key lives in the keyring"
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache).ok()
    assert (counters.delta("GetSessionToken"), counters.delta("AssumeRole")) == (0, 0), counters.summary()


def test_each_location_holds_the_key_that_opens_the_cache(world, location):
    profile = role_profile(world, f"holds-{location.name}")
    cache = world.cache_dir(f"holds-{location.name}")
    env = location.environment()
    world.caller_identity(profile, cache, env=env).ok()

    key = location.read(cache)
    assert key is not None and len(key) == 32, f"{location.name}: no 32-byte key: {key!r}"
    if location.name != "file":
        assert not (cache / "cache.key").exists(), f"{location.name}: a key file was written too"
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=env).ok()
    assert (counters.delta("GetSessionToken"), counters.delta("AssumeRole")) == (0, 0), counters.summary()
    assert location.read(cache) == key, "a cache hit changed the key"


def test_a_replaced_key_makes_every_entry_a_miss_and_the_new_entries_hits(world, location):
    profile = role_profile(world, f"rekey-{location.name}")
    cache = world.cache_dir(f"rekey-{location.name}")
    env = location.environment()
    world.caller_identity(profile, cache, env=env).ok()

    location.write(cache, secrets.token_bytes(32))
    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=env).ok()
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    cached = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=env).ok()
    assert (cached.delta("GetSessionToken"), cached.delta("AssumeRole")) == (0, 0), cached.summary()


def test_a_key_of_the_wrong_size_is_replaced_not_a_failure(world, location):
    profile = role_profile(world, f"short-{location.name}")
    cache = world.cache_dir(f"short-{location.name}")
    env = location.environment()
    world.caller_identity(profile, cache, env=env).ok()

    location.write(cache, secrets.token_bytes(16))
    counters = Counters(world.endpoint)
    run = world.caller_identity(profile, cache, env=env)
    assert run.rc == 0, f"a 16-byte key in {location.name} made the call fail:\n{run.describe()}"
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert len(location.read(cache) or b"") == 32, "the wrong-sized key was not replaced"


def test_cache_clean_removes_the_key_from_its_location(world, location):
    profile = role_profile(world, f"clean-{location.name}")
    cache = world.cache_dir(f"clean-{location.name}")
    env = location.environment() | {"VEGAS_CACHE_DIR": str(cache)}
    credential_process_output(world.client("assume", f"--profile={profile}", env=env))
    assert location.read(cache) is not None

    world.client("cache", "clean", env=env).ok()
    assert location.read(cache) is None, f"cache clean left the key in {location.name}"
    # Only the record of spent code steps stays (forgetting it would let the next call replay a code).
    leftovers = [p.name for p in cache.iterdir() if not p.name.endswith(".step")]
    assert leftovers == [], f"cache clean left {leftovers}"


def test_the_key_file_is_private_even_under_umask_0(world):
    profile = role_profile(world, "private-file")
    cache = world.cache_dir("private-file")
    world.caller_identity(profile, cache, env=KeyFile().environment(), umask=0).ok()
    key_file = cache / "cache.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600, oct(key_file.stat().st_mode)
    assert key_file.stat().st_size == 32


def test_a_key_file_left_by_an_earlier_version_goes_once_the_key_lives_in_the_keyring(world):
    if not kernel_keyring_usable():
        pytest.fail("keyutils' keyctl cannot reach the user keyring here (install keyutils)", pytrace=False)
    profile = role_profile(world, "migrate")
    cache = world.cache_dir("migrate")
    world.caller_identity(profile, cache, env=KeyFile().environment()).ok()
    assert (cache / "cache.key").exists()

    counters = Counters(world.endpoint)
    world.caller_identity(profile, cache, env=KernelKeyring().environment()).ok()
    assert counters.delta("GetSessionToken", "ok") == 1, "entries sealed by the old key should be misses"
    assert not (cache / "cache.key").exists(), "the old key file was left behind"
    assert len(KernelKeyring().read(cache) or b"") == 32


def test_an_unknown_location_is_one_error_line_naming_the_variable(world):
    profile = role_profile(world, "bad-location")
    run = world.client("assume", f"--profile={profile}",
                       env={"VEGAS_CACHE_KEY_STORE": "vault", "VEGAS_CACHE_DIR": str(world.cache_dir("bad"))})
    line = run.single_error_line()
    assert "VEGAS_CACHE_KEY_STORE" in line and "'vault'" in line and "secret-service" in line, line


def test_an_unreachable_secret_service_is_one_error_line(world):
    profile = role_profile(world, "no-bus")
    cache = world.cache_dir("no-bus")
    env = {"VEGAS_CACHE_KEY_STORE": "secret-service", "VEGAS_CACHE_DIR": str(cache),
           "DBUS_SESSION_BUS_ADDRESS": f"unix:path={cache.parent}/no-such-bus"}
    line = world.client("assume", f"--profile={profile}", env=env).single_error_line()
    assert "Secret Service" in line, line
