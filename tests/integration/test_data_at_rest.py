"""What is on disk: a data directory created on first start, private files, and no plaintext secret in the
database (seeds and secret access keys are encrypted with the master key) or in the server's log."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

from vegas_harness import (
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    boto_client,
    create_device,
    create_user,
    enable_device,
    read_root_credentials,
    seed_bytes,
    unique,
)

PASSWORD = "Disk-Check-Password-42!"
SQLITE_HEADER = b"SQLite format 3\x00"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_files(data_dir: Path) -> list[Path]:
    """SQLite databases under the data dir plus their -wal/-shm/-journal companions."""
    databases = [p for p in data_dir.rglob("*") if p.is_file() and p.read_bytes()[:16] == SQLITE_HEADER]
    companions = [
        Path(f"{db}{suffix}") for db in databases for suffix in ("-wal", "-shm", "-journal")
        if Path(f"{db}{suffix}").exists()
    ]
    return databases + companions


def seed_encodings(seed: str) -> dict[str, bytes]:
    raw = seed_bytes(seed)
    return {
        "base32": seed.encode(), "base32 lower-case": seed.lower().encode(), "raw bytes": raw,
        "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode(), "base64 of raw": base64.b64encode(raw),
        "base64 of base32 (wire form)": base64.b64encode(seed.encode()),
    }


def find_leaks(files: list[Path], needles: dict[str, bytes]) -> list[str]:
    return [
        f"{label} in {path.name}"
        for path in files
        for content in [path.read_bytes()]
        for label, needle in needles.items()
        if needle in content
    ]


def test_data_dir_files_are_private_and_hold_no_plaintext_secret(servers):
    data_dir = servers.new_data_dir("at-rest") / "nested" / "data"
    server = servers.start(data_dir, name="at-rest")
    assert data_dir.is_dir(), "the server did not create its --data-dir"
    url = server.url

    user = create_user(url, unique("secretive"))
    boto_client(url, "iam").create_login_profile(UserName=user.name, Password=PASSWORD)
    enabled = enable_device(url, create_device(url, unique("secretive-phone")), user.name)
    spare = create_device(url, unique("secretive-spare"))
    session = boto_client(url, "sts", user.keys).get_session_token(DurationSeconds=900)["Credentials"]

    needles = {
        "root secret access key": ROOT_SECRET_ACCESS_KEY.encode(),
        "user secret access key": user.keys.secret_access_key.encode(),
        "session secret access key": session["SecretAccessKey"].encode(),
        "session token": session["SessionToken"].encode(),
        "console password": PASSWORD.encode(),
    }
    for name, device in (("enabled seed", enabled), ("unassigned seed", spare)):
        needles |= {f"{name} ({encoding})": value for encoding, value in seed_encodings(device.seed).items()}

    master_key = data_dir / "master.key"
    assert master_key.is_file(), f"no master.key in {sorted(p.name for p in data_dir.iterdir())}"
    assert mode(master_key) == 0o600, oct(mode(master_key))
    credentials = data_dir / "root-credentials"
    assert mode(credentials) == 0o600, oct(mode(credentials))
    assert read_root_credentials(data_dir) == (ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)

    running_files = database_files(data_dir)
    assert running_files, f"no SQLite database under {data_dir}: {sorted(str(p) for p in data_dir.rglob('*'))}"
    for path in running_files:
        assert mode(path) == 0o600, f"{path.name} has mode {oct(mode(path))}"
    assert find_leaks(running_files, needles) == []

    assert server.terminate() == 0, server.output()
    stopped_files = database_files(data_dir)
    assert stopped_files
    for path in stopped_files:
        assert mode(path) == 0o600, f"{path.name} has mode {oct(mode(path))}"
    assert find_leaks(stopped_files, needles) == []

    log_needles = {label: value for label, value in needles.items() if label != "root secret access key"}
    assert find_leaks([server.log_path], log_needles) == [], "secrets in the server's log output"
