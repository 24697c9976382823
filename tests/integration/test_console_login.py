"""`vegas-credentials login`: the console sign-in URL from vegas-server's federation endpoint.

The client gets the role's credentials as `assume` does (MFA session with a vault code, then AssumeRole), trades them
at `<endpoint_url>/federation?Action=getSigninToken` for a sign-in token and prints (or opens) the login URL
`<endpoint_url>/federation?Action=login&Issuer=…&Destination=<endpoint_url>/console/&SigninToken=…`. The URL is then
opened with `requests` as a browser would: the server answers 302 to the destination with a session cookie.
Processes run without a controlling terminal (see test_credential_process.py), so messages go to stderr.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
import requests

from test_credential_process import Counters, Run, Source, World, assert_no_stack_trace, credential_process_output
from vegas_harness import create_user, unique

FAKE_OPENER = """\
#!/bin/sh
printf '%s\\n' "$@" > "$OPENER_RECORD"
exit "${OPENER_EXIT:-0}"
"""


@pytest.fixture(scope="module")
def world(credentials_binary, endpoint, tmp_path_factory) -> World:
    return World(credentials_binary, endpoint, tmp_path_factory.mktemp("console-login"))


@dataclass
class Login:
    """A source profile (user with a vault MFA device), a role it may assume with MFA, its role profile, one cache."""

    source: Source
    role_name: str
    role_arn: str
    profile: str
    cache_env: dict[str, str]


@pytest.fixture(scope="module")
def login(world) -> Login:
    source = world.add_source("login")
    role_name, role_arn = world.add_role("role-a", source)
    profile = world.add_role_profile("role-a", source, role_arn)
    return Login(source, role_name, role_arn, profile, {"VEGAS_CACHE_DIR": str(world.cache_dir("login"))})


def login_url(run: Run, world: World) -> tuple[str, dict[str, str]]:
    """The one line on stdout, checked to be the federation endpoint's login URL; returns it and its parameters."""
    run.ok()
    assert_no_stack_trace(run)
    lines = run.stdout.splitlines()
    assert len(lines) == 1, f"expected exactly the URL on stdout:\n{run.describe()}"
    url = lines[0]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == world.endpoint, url
    assert parts.path == "/federation", url
    assert not parts.fragment, url
    parameters = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in parameters.values()), f"a repeated parameter: {parameters}"
    single = {name: values[0] for name, values in parameters.items()}
    assert set(single) == {"Action", "Issuer", "Destination", "SigninToken"}, single
    assert single["Action"] == "login", single
    assert single["Issuer"] == "vegas-credentials", single
    assert single["Destination"] == f"{world.endpoint}/console/", single
    assert single["SigninToken"].strip() == single["SigninToken"] and single["SigninToken"], single
    return url, single


def assert_no_secrets(run: Run, secrets: list[str]) -> None:
    for secret in secrets:
        for form in {secret, quote(secret, safe="")}:
            assert form not in run.stdout and form not in run.stderr, "a secret key or token is shown"


def role_secrets(world: World, login: Login) -> list[str]:
    """The role's cached secret key and token (from `export` on the same cache), and the source user's secret key."""
    role = credential_process_output(world.client("export", "--profile", login.profile, env=login.cache_env))
    return [role["SecretAccessKey"], role["SessionToken"], login.source.user.keys.secret_access_key]


def test_login_prints_a_url_the_server_signs_in_with(world, login):
    counters = Counters(world.endpoint)
    run = world.client("login", "--profile", login.profile, "--stdout", env=login.cache_env)
    url, _ = login_url(run, world)
    assert counters.delta("GetSessionToken", "ok") == 1, counters.summary()
    assert counters.delta("AssumeRole", "ok") == 1, counters.summary()
    assert_no_secrets(run, role_secrets(world, login))

    response = requests.get(url, allow_redirects=False, timeout=15)
    assert response.status_code == 302, f"HTTP {response.status_code}: {response.text[:500]}"
    location = response.headers.get("Location")
    assert location, f"no Location header: {dict(response.headers)}"
    assert urljoin(url, location) == f"{world.endpoint}/console/", location
    assert response.headers.get("Set-Cookie"), f"no session cookie: {dict(response.headers)}"


def test_a_second_login_uses_the_cached_role_credentials(world, login):
    world.client("assume", f"--profile={login.profile}", env=login.cache_env).ok()
    counters = Counters(world.endpoint)
    run = world.client("login", "-p", login.profile, "--stdout", "--duration", "900", env=login.cache_env)
    login_url(run, world)
    assert (counters.delta("GetSessionToken"), counters.delta("AssumeRole")) == (0, 0), counters.summary()
    assert counters.mfa("ok") == 0


def test_config_keys_override_the_federation_endpoint_and_console(world, login):
    # vegas-server's console origin is http://localhost:<port> by default (WebAuthn needs a host name).
    console = world.endpoint.replace("://127.0.0.1:", "://localhost:")
    profile = world.add_role_profile("role-o", login.source, login.role_arn,
                                     vegas_federation_url=f"{console}/federation",
                                     vegas_console_url=f"{console}/console/")
    run = world.client("login", "--profile", profile, "--stdout", env=login.cache_env).ok()
    url = run.stdout.strip()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{console}/federation", url
    parameters = {name: values[0] for name, values in parse_qs(parts.query, strict_parsing=True).items()}
    assert parameters["Destination"] == f"{console}/console/", parameters

    response = requests.get(url, allow_redirects=False, timeout=15)
    assert response.status_code == 302, f"HTTP {response.status_code}: {response.text[:500]}"
    assert urljoin(url, response.headers.get("Location", "")) == f"{console}/console/", response.headers
    assert response.headers.get("Set-Cookie"), dict(response.headers)

    bad = world.add_role_profile("role-bad", login.source, login.role_arn,
                                 vegas_federation_url="http://192.0.2.10/federation")
    line = world.client("login", "--profile", bad, "--stdout", env=login.cache_env).single_error_line()
    assert f"profile {bad}: vegas_federation_url 'http://192.0.2.10/federation' is plain http" in line, line


def test_profiles_without_a_role_get_one_clear_error_and_no_prompt(world, login):
    plain = unique("plain")
    user = create_user(world.endpoint, plain)
    with open(world.credentials_file, "a") as credentials:
        credentials.write(f"\n[{plain}]\naws_access_key_id = {user.keys.access_key_id}\n"
                          f"aws_secret_access_key = {user.keys.secret_access_key}\n")
    world.append_config(f"profile {plain}", {"region": "us-east-1", "endpoint_url": world.endpoint})

    counters = Counters(world.endpoint)
    for profile in (login.source.profile, plain):  # long-term keys with an MFA device, and without
        line = world.client("login", "--profile", profile, "--stdout", env=login.cache_env).single_error_line()
        assert f"profile {profile} has no vegas_role_arn" in line, line
        assert "role credentials only" in line, line
    assert counters.summary() == {"GetSessionToken": 0, "AssumeRole": 0, "GetCallerIdentity": 0}
    assert counters.mfa("ok") == 0 and counters.mfa("failed") == 0


def test_a_duration_out_of_range_is_refused_before_any_request(world, login):
    counters = Counters(world.endpoint)
    for duration in ("899", "43201", "abc"):
        run = world.client("login", "--profile", login.profile, "--duration", duration, env=login.cache_env)
        assert run.rc != 0 and run.stdout == "", run.describe()
        assert "--duration" in run.stderr or "duration" in run.stderr, run.describe()
        assert_no_stack_trace(run)
    assert (counters.delta("GetSessionToken"), counters.delta("AssumeRole")) == (0, 0), counters.summary()


def fake_opener(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    opener = directory / "xdg-open"
    opener.write_text(FAKE_OPENER)
    opener.chmod(opener.stat().st_mode | stat.S_IXUSR)
    return opener


def test_without_stdout_the_url_goes_to_xdg_open_and_stdout_stays_empty(world, login, tmp_path):
    fake_opener(tmp_path / "bin")
    record = tmp_path / "opened"
    env = login.cache_env | {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{world.env.get('PATH', os.defpath)}",
                             "OPENER_RECORD": str(record)}
    run = world.client("login", "--profile", login.profile, env=env).ok()
    assert run.stdout == "", run.describe()
    opened = record.read_text().splitlines()
    assert len(opened) == 1, opened
    url, _ = login_url(Run(run.argv, 0, opened[0] + "\n", "", 0.0), world)
    assert url not in run.stderr, "the sign-in URL was written to stderr"


def test_a_failing_opener_or_none_on_path_prints_the_url(world, login, tmp_path):
    fake_opener(tmp_path / "bin")
    failing = login.cache_env | {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{world.env.get('PATH', os.defpath)}",
                                 "OPENER_RECORD": str(tmp_path / "opened"), "OPENER_EXIT": "3"}
    run = world.client("login", "--profile", login.profile, env=failing)
    login_url(run, world)
    assert "xdg-open exited with status 3" in run.stderr, run.describe()

    (tmp_path / "empty").mkdir()
    # The client itself runs no other program for a cached role, so a PATH without xdg-open is enough.
    run = world.client("login", "--profile", login.profile, env=login.cache_env | {"PATH": str(tmp_path / "empty")})
    login_url(run, world)
    assert "No xdg-open on PATH" in run.stderr, run.describe()
