#!/usr/bin/env python3
"""Benchmark (not a test): the cached path of `vegas-credentials assume`, as the AWS CLI runs it for every call.

Starts the given vegas-server binary on a free loopback port, creates a user whose MFA device is set up with
`vegas-credentials mfa setup --vault`, a role whose trust policy requires MFA, and a role profile using
`credential_process`; warms the cache with one `assume --profile=role-a`, then runs that command --runs times
(a new process each time, stdout and stderr to pipes, as botocore's credential_process provider does) and reports the
median, p90 and p99 whole-process wall time next to `/bin/cat` of a file of the same size as the JSON output (the
floor: spawning a process that writes that many bytes), plus the binary's size and its `ldd` line count. The server's
STS counters are read before and after the runs to show that every run was served from the cache.

Nothing is built. The release binary is the default; without one the debug binary is used, with a warning.

Usage: scripts/bench-assume.py [--bin .build/release/vegas-credentials] [--server-bin .build/debug/vegas-server]
                               [--runs 300] [--key-store auto|keyring|secret-service|keychain|file]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "integration"))

from vegas_harness import (  # noqa: E402
    ACCOUNT_ID,
    VegasServer,
    boto_client,
    clean_environment,
    create_user,
    scrape,
)

PROFILE = "role-a"
SOURCE = "alice"


def pick_binary(given: str | None, name: str) -> Path:
    """`given`, else the release build, else the debug build (with a warning on stderr)."""
    if given:
        path = Path(given)
    else:
        path = REPO_ROOT / ".build" / "release" / name
        if not path.is_file():
            debug = REPO_ROOT / ".build" / "debug" / name
            print(f"warning: {path} does not exist; using the debug build {debug}", file=sys.stderr)
            path = debug
    if not (path.is_file() and os.access(path, os.X_OK)):
        sys.exit(f"{path} is not an executable file")
    return path.resolve()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def time_runs(argv: list[str], env: dict[str, str], runs: int, warmup: int = 5) -> tuple[list[float], bytes]:
    """Wall time in ms of each of `runs` runs (after `warmup` uncounted ones); the last run's stdout."""
    timings: list[float] = []
    output = b""
    for index in range(warmup + runs):
        started = time.perf_counter()
        completed = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        elapsed = (time.perf_counter() - started) * 1000
        if completed.returncode != 0:
            sys.exit(f"{' '.join(argv)} exited {completed.returncode}:\n{completed.stderr.decode(errors='replace')}")
        if index >= warmup:
            timings.append(elapsed)
        output = completed.stdout
    return timings, output


def row(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    return (f"| {name} | {len(ordered)} | {statistics.median(ordered):.2f} | {percentile(ordered, 0.90):.2f} | "
            f"{percentile(ordered, 0.99):.2f} | {ordered[0]:.2f} |")


def sts_calls(endpoint: str) -> dict[str, float]:
    snapshot = scrape(endpoint)
    return {action: snapshot.total("vegas_requests_total", action=action) for action in ("GetSessionToken", "AssumeRole")}


def set_up(binary: Path, server: VegasServer, workdir: Path, key_store: str) -> dict[str, str]:
    """User, MFA device (in the vault), role and profiles; returns the environment for `assume`."""
    config_file, credentials_file = workdir / "config", workdir / "credentials"
    user = create_user(server.url, f"bench-{os.getpid()}")
    credentials_file.write_text(f"[{SOURCE}]\naws_access_key_id = {user.keys.access_key_id}\n"
                                f"aws_secret_access_key = {user.keys.secret_access_key}\n")
    config_file.write_text(f"[profile {SOURCE}]\nregion = us-east-1\nendpoint_url = {server.url}\n")
    env = clean_environment() | {
        "HOME": str(workdir / "home"),
        "VEGAS_HOME": str(workdir / "vegas"),
        "VEGAS_VAULT_PASSWORD": "benchmark vault passphrase",
        "VEGAS_CACHE_DIR": str(workdir / "cache"),
        "AWS_CONFIG_FILE": str(config_file),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials_file),
        "VEGAS_CACHE_KEY_STORE": key_store,
    }
    (workdir / "home").mkdir()
    setup = subprocess.run([str(binary), "mfa", "setup", "--profile", SOURCE, "--vault"], capture_output=True,
                           text=True, env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    if setup.returncode != 0:
        sys.exit(f"mfa setup failed:\n{setup.stderr}")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]})
    role = boto_client(server.url, "iam").create_role(RoleName="bench-role", AssumeRolePolicyDocument=trust)["Role"]
    with open(config_file, "a") as config:
        config.write(f"\n[profile {PROFILE}]\ncredential_process = {binary} assume --profile={PROFILE}\n"
                     f"vegas_role_arn = {role['Arn']}\nvegas_source_profile = {SOURCE}\nregion = us-east-1\n")
    warm = subprocess.run([str(binary), "assume", f"--profile={PROFILE}"], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, start_new_session=True)
    if warm.returncode != 0:
        sys.exit(f"warming the cache failed:\n{warm.stderr}")
    assert json.loads(warm.stdout)["Version"] == 1
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", help="vegas-credentials binary (default: .build/release, else .build/debug)")
    parser.add_argument("--server-bin", help="vegas-server binary (default: .build/release, else .build/debug)")
    parser.add_argument("--runs", type=int, default=300, help="timed runs of each command (at least 200)")
    parser.add_argument("--key-store", default="auto", choices=["auto", "keyring", "secret-service", "keychain", "file"],
                        help="VEGAS_CACHE_KEY_STORE for the runs (default: auto)")
    args = parser.parse_args()
    if args.runs < 200:
        parser.error("--runs must be at least 200")
    binary = pick_binary(args.bin, "vegas-credentials")
    server_binary = pick_binary(args.server_bin, "vegas-server")

    with tempfile.TemporaryDirectory(prefix="bench-assume-") as temporary:
        workdir = Path(temporary)
        (workdir / "data").mkdir()
        server = VegasServer(server_binary, workdir / "data", workdir / "server.log").start()
        env: dict[str, str] | None = None
        try:
            env = set_up(binary, server, workdir, args.key_store)
            before = sts_calls(server.url)
            assume_times, output = time_runs([str(binary), "assume", f"--profile={PROFILE}"], env, args.runs)
            after = sts_calls(server.url)
            key_file_present = (workdir / "cache" / "cache.key").exists()
        finally:
            server.terminate()
            # Also removes the cache key from the keyring or Secret Service, which outlive the temporary directory.
            if env is not None:
                subprocess.run([str(binary), "cache", "clean"], capture_output=True, env=env, stdin=subprocess.DEVNULL)
        floor_file = workdir / "floor.json"
        floor_file.write_bytes(output)
        cat_times, cat_output = time_runs(["/bin/cat", str(floor_file)], env, args.runs)
        assert len(cat_output) == len(output)

    ldd = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    ldd_lines = ldd.stdout.splitlines() if ldd.returncode == 0 else []
    sts_during_runs = {action: int(after[action] - before[action]) for action in after}

    print(f"## vegas-credentials assume, warm cache ({args.runs} runs each)\n")
    print("| command | runs | median ms | p90 ms | p99 ms | min ms |")
    print("|---|---:|---:|---:|---:|---:|")
    print(row(f"`vegas-credentials assume --profile={PROFILE}`", assume_times))
    print(row(f"`/bin/cat` of a {len(output)}-byte file (floor)", cat_times))
    print()
    print(f"- binary: `{binary}` ({binary.stat().st_size / 1_000_000:.1f} MB, "
          f"{'release' if '/release/' in str(binary) else 'debug' if '/debug/' in str(binary) else 'given'} build)")
    print(f"- `ldd` lines: {len(ldd_lines)}" + ("" if ldd.returncode == 0 else f" (ldd failed: {ldd.stderr.strip()})"))
    print(f"- output: {len(output)} bytes of credential_process JSON")
    print(f"- cache key: VEGAS_CACHE_KEY_STORE={args.key_store}; the 0600 cache.key file "
          f"{'was' if key_file_present else 'was not'} in the cache directory")
    print(f"- STS requests during the timed runs: {sts_during_runs} (all served from the cache when both are 0)")
    print(f"- median / floor: {statistics.median(assume_times) / statistics.median(cat_times):.1f}x")
    print(f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; account {ACCOUNT_ID} on a local vegas-server")


if __name__ == "__main__":
    main()
