"""Fixtures: the built vegas-server on a loopback port, root clients, an awscli runner, and user/device helpers.

The binaries are `$VEGAS_SERVER_BIN` and `$VEGAS_CREDENTIALS_BIN`, or `<repo>/.build/debug/vegas-server` and
`<repo>/.build/debug/vegas-credentials` (scripts/test sets both variables).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from vegas_harness import (
    CliResult,
    IamUser,
    ServerStartError,
    VegasServer,
    VirtualDevice,
    boto_client,
    clean_environment,
    create_device,
    create_user,
    enable_device,
    unique,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def built_binary(name: str, variable: str) -> Path:
    """`$variable`, else `<repo>/.build/debug/<name>`; fails the test when it is not an executable file."""
    configured = os.environ.get(variable)
    binary = Path(configured) if configured else REPO_ROOT / ".build" / "debug" / name
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(
            f"{name} binary not found at {binary} "
            f"({'from $' + variable if configured else 'default path; set $' + variable}). "
            "Build it with `swift build` or run scripts/test.",
            pytrace=False,
        )
    return binary


@pytest.fixture(scope="session")
def server_binary() -> Path:
    return built_binary("vegas-server", "VEGAS_SERVER_BIN")


@pytest.fixture(scope="session")
def credentials_binary() -> Path:
    return built_binary("vegas-credentials", "VEGAS_CREDENTIALS_BIN")


class ServerFactory:
    """Starts extra servers for tests that need their own data directory or flags; kills leftovers at the end."""

    def __init__(self, binary: Path, root: Path):
        self.binary = binary
        self.root = root
        self.started: list[VegasServer] = []

    def new_data_dir(self, name: str) -> Path:
        path = self.root / unique(name)
        path.mkdir(parents=True)
        return path

    def start(
        self, data_dir: Path, *extra_args: str, name: str = "server", env: dict[str, str] | None = None
    ) -> VegasServer:
        server = VegasServer(
            self.binary, data_dir, self.root / f"{unique(name)}.log", extra_args=tuple(extra_args),
            extra_env=env or {},
        )
        self.started.append(server)
        try:
            return server.start()
        except ServerStartError as error:
            pytest.fail(str(error), pytrace=False)

    def kill_all(self) -> None:
        for server in self.started:
            server.kill()


@pytest.fixture(scope="session")
def servers(server_binary, tmp_path_factory):
    factory = ServerFactory(server_binary, tmp_path_factory.mktemp("servers"))
    yield factory
    factory.kill_all()


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server on 127.0.0.1 for this test session (tests/support/postgres-cluster, fsync off);
    yields a function that creates a new database on it and returns its postgres:// URL."""
    # The script hands the directory to the postgres user; a new one under /tmp has parents that user can search.
    directory = Path(tempfile.mkdtemp(prefix="vegas-pytest-postgres-", dir="/tmp"))
    cluster = REPO_ROOT / "tests" / "support" / "postgres-cluster"
    started = subprocess.run(
        [str(cluster), "start", str(directory), "--fast"], capture_output=True, text=True, timeout=120
    )
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start (is Debian's postgresql installed?): {started.stderr}", pytrace=False)
    server_url = started.stdout.strip()

    def new_database() -> str:
        name = unique("vegas").replace("-", "_")
        subprocess.run(["psql", f"{server_url}/postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        return f"{server_url}/{name}?sslmode=disable"

    yield new_database
    subprocess.run([str(cluster), "stop", str(directory)], capture_output=True, timeout=60)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def driver():
    """Headless Chromium for the console's browser tests (skipped without Chromium, chromedriver and Selenium)."""
    from browser import browser_problem, start_chromium

    problem = browser_problem()
    if problem:
        pytest.skip(f"the console browser tests need Chromium, chromedriver and Selenium: {problem}")
    chromium = start_chromium()
    yield chromium
    chromium.quit()


@pytest.fixture(scope="session")
def vegas(servers) -> VegasServer:
    """The shared server (default flags). At the end it is stopped with SIGTERM and must exit 0."""
    server = servers.start(servers.new_data_dir("shared"), name="shared")
    yield server
    code = server.terminate()
    assert code == 0, f"vegas-server exited {code} after SIGTERM\n--- server output ---\n{server.output()}"


@pytest.fixture(scope="session")
def endpoint(vegas) -> str:
    return vegas.url


@pytest.fixture(scope="session")
def root_iam(endpoint):
    return boto_client(endpoint, "iam")


@pytest.fixture(scope="session")
def root_sts(endpoint):
    return boto_client(endpoint, "sts")


class AwsCli:
    """Runs the real awscli (v1, this interpreter's `awscli` package) against one server."""

    def __init__(self, endpoint: str, credentials_file: Path, config_file: Path, workdir: Path):
        self.endpoint = endpoint
        self.workdir = workdir
        self.base_env = clean_environment() | {
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
            "AWS_CONFIG_FILE": str(config_file),
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_RETRY_MODE": "standard",
            "AWS_MAX_ATTEMPTS": "1",
        }

    def __call__(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
        command = [sys.executable, "-m", "awscli", "--endpoint-url", self.endpoint, "--output", "json", *args]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.workdir,
            env=self.base_env | (env or {}),
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(scope="session")
def aws_for(tmp_path_factory):
    """Builds an awscli runner for any server (root credentials from that server's data dir)."""
    config_file = tmp_path_factory.mktemp("awsconfig") / "config"
    config_file.write_text("")

    def build(server: VegasServer) -> AwsCli:
        return AwsCli(server.url, server.data_dir / "root-credentials", config_file, tmp_path_factory.mktemp("aws"))

    return build


@pytest.fixture(scope="session")
def aws(aws_for, vegas) -> AwsCli:
    return aws_for(vegas)


@pytest.fixture(scope="session")
def make_user(endpoint):
    return lambda prefix="user": create_user(endpoint, unique(prefix))


@pytest.fixture(scope="session")
def make_device(endpoint):
    """make_device(user=None): a new virtual device, enabled for `user` when given."""

    def make(user: IamUser | None = None, prefix: str = "device") -> VirtualDevice:
        device = create_device(endpoint, unique(prefix))
        return enable_device(endpoint, device, user.name) if user else device

    return make

