"""Support code for the vegas-server integration tests and the benchmark.

Server process control, SigV4 signing with botocore, TOTP bookkeeping for virtual MFA devices, AWS error and
Prometheus parsing, and a raw-socket HTTP client for requests that `requests` cannot express (huge or slow bodies).
"""

from __future__ import annotations

import base64
import configparser
import datetime as dt
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import botocore.auth
import pyotp
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCOUNT_ID = "123456789012"
ROOT_ACCESS_KEY_ID = "AKIAVEGASROOTEXAMPLE"
ROOT_SECRET_ACCESS_KEY = "vegasRootSecretKey/ForIntegration+Tests0"
REGION = "us-east-1"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
INVALID_CODE_MESSAGE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
UNKNOWN_SERIAL_MESSAGE = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
SESSION_CREDENTIALS_MESSAGE = "Cannot call GetSessionToken with session credentials"
INVALID_AUTH_CODE_MESSAGE = "Authentication code for device is not valid."
TOTP_STEP_SECONDS = 30

assert len(ROOT_SECRET_ACCESS_KEY) == 40


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment() -> dict[str, str]:
    """The caller's environment without AWS_* and VEGAS_* variables, so that no host configuration leaks in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "VEGAS_"))}


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def mfa_serial(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:mfa{path}{name}"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


# --------------------------------------------------------------------------------------------------------------------
# Server process


class ServerStartError(RuntimeError):
    pass


@dataclass
class VegasServer:
    """One vegas-server process on a loopback port; its combined stdout/stderr goes to `log_path`."""

    binary: Path
    data_dir: Path
    log_path: Path
    extra_args: tuple[str, ...] = ()
    #: Variables added to the server's (clean) environment, e.g. VEGAS_MASTER_KEY for instances sharing a store.
    extra_env: Mapping[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen | None = None
    sigterm_sent: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30.0) -> "VegasServer":
        self.port = free_port()
        self.sigterm_sent = False
        env = clean_environment()
        env.update(
            VEGAS_ACCOUNT_ID=ACCOUNT_ID,
            VEGAS_ROOT_ACCESS_KEY_ID=ROOT_ACCESS_KEY_ID,
            VEGAS_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET_ACCESS_KEY,
        )
        env.update(self.extra_env)
        command = [
            str(self.binary), "--host", "127.0.0.1", "--port", str(self.port),
            "--data-dir", str(self.data_dir), *self.extra_args,
        ]
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {' '.join(command)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_problem = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError(
                    f"vegas-server exited with {self.proc.returncode} before /health answered 200.\n"
                    f"--- server output ---\n{self.output()}"
                )
            try:
                response = requests.get(f"{self.url}/health", timeout=1)
                if response.status_code == 200:
                    return
                last_problem = f"/health answered {response.status_code}"
            except requests.RequestException as error:
                last_problem = repr(error)
            time.sleep(0.1)
        self.kill()
        raise ServerStartError(
            f"vegas-server did not answer GET /health with 200 within {timeout:.0f} s ({last_problem}).\n"
            f"--- server output ---\n{self.output()}"
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send_sigterm(self) -> None:
        assert self.proc is not None
        if not self.sigterm_sent:
            self.sigterm_sent = True
            self.proc.send_signal(signal.SIGTERM)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM (once), then wait; returns the exit code (kills with SIGKILL and raises on timeout)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.send_sigterm()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"vegas-server did not exit within {timeout:.0f} s of SIGTERM.\n--- server output ---\n{self.output()}"
            ) from None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def output(self, tail_lines: int = 200) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no output)"
        return "\n".join(lines[-tail_lines:])


def proc_status_kib(pid: int, field_name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise KeyError(field_name)


def read_root_credentials(data_dir: Path) -> tuple[str, str]:
    parser = configparser.ConfigParser()
    parser.read(data_dir / "root-credentials")
    profile = parser["default"]
    return profile["aws_access_key_id"].strip(), profile["aws_secret_access_key"].strip()


# --------------------------------------------------------------------------------------------------------------------
# SigV4


@dataclass(frozen=True)
class Keys:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def botocore(self) -> Credentials:
        return Credentials(self.access_key_id, self.secret_access_key, self.session_token)

    def environment(self) -> dict[str, str]:
        """Variables that make the awscli use these keys instead of the shared credentials file."""
        env = {"AWS_ACCESS_KEY_ID": self.access_key_id, "AWS_SECRET_ACCESS_KEY": self.secret_access_key}
        if self.session_token:
            env["AWS_SESSION_TOKEN"] = self.session_token
        return env


ROOT_KEYS = Keys(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)


@contextmanager
def signing_clock(when: dt.datetime | None):
    """Makes botocore sign as if the UTC time were `when` (naive UTC, as botocore expects)."""
    if when is None:
        yield
        return
    naive = when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: naive):
        yield


def service_for(body: bytes | str) -> str:
    text = body.decode("latin-1") if isinstance(body, bytes) else body
    return "sts" if f"Version={STS_VERSION}" in text else "iam"


@dataclass(frozen=True)
class SignedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    def send(self, timeout: float = 15.0) -> requests.Response:
        return requests.request(self.method, self.url, headers=self.headers, data=self.body, timeout=timeout)


def sign_post(
    endpoint: str, body: bytes | str, keys: Keys = ROOT_KEYS, service: str | None = None,
    when: dt.datetime | None = None, extra_headers: Mapping[str, str] | None = None,
) -> SignedRequest:
    """A SigV4-signed form POST to `endpoint` + "/" over the exact body bytes (botocore's SigV4Auth)."""
    raw = body.encode() if isinstance(body, str) else body
    headers = {"Content-Type": FORM_CONTENT_TYPE, **(extra_headers or {})}
    request = AWSRequest(method="POST", url=endpoint.rstrip("/") + "/", data=raw, headers=headers)
    with signing_clock(when):
        botocore.auth.SigV4Auth(keys.botocore(), service or service_for(raw), REGION).add_auth(request)
    prepared = request.prepare()
    return SignedRequest("POST", prepared.url, dict(prepared.headers.items()), raw)


def presign_get(
    endpoint: str, query: str, keys: Keys = ROOT_KEYS, service: str | None = None, expires: int = 300,
    when: dt.datetime | None = None,
) -> str:
    """A SigV4 query-string (presigned) GET URL for `query` (botocore's SigV4QueryAuth)."""
    request = AWSRequest(method="GET", url=f"{endpoint.rstrip('/')}/?{query}")
    with signing_clock(when):
        botocore.auth.SigV4QueryAuth(keys.botocore(), service or service_for(query), REGION, expires=expires).add_auth(
            request
        )
    return request.url


def tamper_signature(authorization: str) -> str:
    """Flips the last hex digit of the `Signature=` in an Authorization header."""
    match = re.search(r"Signature=([0-9a-f]+)$", authorization)
    assert match, authorization
    last = match.group(1)[-1]
    flipped = "0" if last != "0" else "1"
    return authorization[: match.end(1) - 1] + flipped


# --------------------------------------------------------------------------------------------------------------------
# AWS responses


@dataclass(frozen=True)
class AwsError:
    status: int
    type: str | None
    code: str | None
    message: str | None
    request_id: str | None
    header_request_id: str | None


def parse_error_response(status: int, headers: Mapping[str, str], body: bytes) -> AwsError:
    """Parses an AWS Query `ErrorResponse`; raises AssertionError (with the body) when the shape is wrong."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise AssertionError(f"HTTP {status}: error body is not XML ({error}): {body[:500]!r}") from None
    assert root.tag.split("}")[-1] == "ErrorResponse", f"HTTP {status}: root element {root.tag}: {body[:500]!r}"
    error = root.find("{*}Error")
    assert error is not None, f"HTTP {status}: no <Error> element: {body[:500]!r}"
    lowered = {k.lower(): v for k, v in headers.items()}
    return AwsError(
        status=status,
        type=error.findtext("{*}Type"),
        code=error.findtext("{*}Code"),
        message=error.findtext("{*}Message"),
        request_id=root.findtext("{*}RequestId"),
        header_request_id=lowered.get("x-amzn-requestid"),
    )


def aws_error(response: requests.Response) -> AwsError:
    return parse_error_response(response.status_code, response.headers, response.content)


def assert_error_shape(error: AwsError) -> None:
    """The §1.3 envelope: Type Sender/Receiver by status, RequestId a UUID equal to the x-amzn-RequestId header."""
    assert error.status != 500, f"HTTP 500: {error}"
    assert error.code, f"empty <Code>: {error}"
    assert error.message is not None, f"no <Message>: {error}"
    expected_type = "Sender" if 400 <= error.status < 500 else "Receiver"
    assert error.type == expected_type, f"<Type> {error.type!r} for HTTP {error.status}: {error}"
    assert error.request_id, f"no top-level <RequestId>: {error}"
    assert error.request_id == error.header_request_id, f"RequestId {error.request_id!r} != header: {error}"
    assert is_uuid(error.request_id), f"RequestId {error.request_id!r} is not a UUID"


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def xml_text(body: bytes, path: str) -> str | None:
    """Text at a namespace-agnostic path such as 'GetCallerIdentityResult/Arn' below the response root."""
    root = ET.fromstring(body)
    return root.findtext("/".join("{*}" + part for part in path.split("/")))


# --------------------------------------------------------------------------------------------------------------------
# Prometheus text


_SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$")
_LABEL = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


@dataclass(frozen=True)
class MetricSample:
    name: str
    labels: dict[str, str]
    value: float


def parse_prometheus(text: str) -> list[MetricSample]:
    samples = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _SAMPLE.match(line.strip())
        assert match, f"not a Prometheus sample line: {line!r}"
        name, label_text, value = match.groups()
        labels = {}
        if label_text:
            consumed = 0
            for label in _LABEL.finditer(label_text):
                assert label.start() == consumed, f"bad labels in {line!r}"
                labels[label.group(1)] = label.group(2).replace('\\"', '"').replace("\\\\", "\\")
                consumed = label.end()
            assert consumed == len(label_text), f"bad labels in {line!r}"
        samples.append(MetricSample(name, labels, float(value)))
    return samples


@dataclass(frozen=True)
class MetricsSnapshot:
    samples: list[MetricSample]

    def total(self, name: str, **labels: str) -> float:
        return sum(
            s.value for s in self.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )


def scrape(endpoint: str) -> MetricsSnapshot:
    response = requests.get(f"{endpoint}/metrics", timeout=10)
    assert response.status_code == 200, f"/metrics answered {response.status_code}: {response.text[:300]}"
    return MetricsSnapshot(parse_prometheus(response.text))


# --------------------------------------------------------------------------------------------------------------------
# TOTP


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // TOTP_STEP_SECONDS)


def totp(seed: str, step: int) -> str:
    return pyotp.TOTP(seed).at(step * TOTP_STEP_SECONDS)


def settle(hold: float = 3.0) -> int:
    """Waits until at least `hold` seconds remain in the current 30 s step and returns that step."""
    remaining = TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS
    if remaining < hold:
        time.sleep(remaining + 0.25)
    return current_step()


def sleep_to_next_step() -> None:
    time.sleep(TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS + 0.25)


def seed_bytes(seed: str) -> bytes:
    return base64.b32decode(seed + "=" * (-len(seed) % 8))


@dataclass
class VirtualDevice:
    """A virtual MFA device as the test sees it: its seed and what the server may have recorded about it.

    The server accepts a code within ±1 step of `current step + drift` whose step is newer than the last accepted one.
    Implementations may remember the drift of either code of the enabling pair and may or may not move it on each
    use, so `drifts` holds every drift the server might hold and codes are picked in the window all of them share.
    """

    serial: str
    seed: str
    last_used_step: int | None = None
    drifts: set[int] = field(default_factory=lambda: {0})

    def code_at(self, step: int) -> str:
        return totp(self.seed, step)

    def code_now(self) -> str:
        return self.code_at(settle())

    def enabling_codes(self, offset: int = 0) -> tuple[str, str]:
        """Codes for steps now+offset and now+offset+1, recorded as used (call only for a request meant to succeed)."""
        now = settle()
        first = now + offset
        self.last_used_step = max(self.last_used_step or first + 1, first + 1)
        self.drifts = {offset, offset + 1}
        return self.code_at(first), self.code_at(first + 1)

    def _window(self, now: float, hold: float) -> tuple[int, int]:
        steps = range(current_step(now), current_step(now + hold) + 1)
        low = max(step + drift - 1 for step in steps for drift in self.drifts)
        high = min(step + drift + 1 for step in steps for drift in self.drifts)
        if self.last_used_step is not None:
            low = max(low, self.last_used_step + 1)
        return low, high

    def next_code(self, hold: float = 3.0, max_wait: float = 95.0) -> str:
        """A code for an unused step that every plausible server window accepts for the next `hold` seconds.

        Waits for the next 30 s step when none is available. Records the step as used.
        """
        deadline = time.monotonic() + max_wait
        while True:
            now = time.time()
            low, high = self._window(now, hold)
            if low <= high:
                steps = range(current_step(now), current_step(now + hold) + 1)
                self.drifts |= {low - step for step in steps}
                self.last_used_step = low
                return self.code_at(low)
            if time.monotonic() > deadline:
                raise AssertionError(f"no usable TOTP step for {self.serial} (drifts {self.drifts})")
            sleep_to_next_step()

    def wrong_code(self) -> str:
        """A well-formed code that matches no step within ±20 of now."""
        now = current_step()
        near = {self.code_at(step) for step in range(now - 20, now + 21)}
        candidate = 0
        while f"{candidate:06d}" in near:
            candidate += 111111 if candidate < 888888 else 1
        return f"{candidate:06d}"


# --------------------------------------------------------------------------------------------------------------------
# Raw HTTP over a socket


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed: float


def _parse_raw_response(data: bytes, elapsed: float) -> RawResponse | None:
    head, separator, rest = data.partition(b"\r\n\r\n")
    if not separator:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        length = int(headers["content-length"])
        if len(rest) < length:
            return None
        return RawResponse(status, headers, rest[:length], elapsed)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body, position = b"", 0
        while True:
            line_end = rest.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(rest[position:line_end].split(b";")[0], 16)
            if size == 0:
                return RawResponse(status, headers, body, elapsed)
            if len(rest) < line_end + 2 + size + 2:
                return None
            body += rest[line_end + 2 : line_end + 2 + size]
            position = line_end + 2 + size + 2
    return None  # read to EOF


def raw_request(
    url: str, head: bytes, body_parts: Iterable[bytes], timeout: float = 20.0,
    between_parts: Callable[[], None] | None = None,
) -> RawResponse:
    """Sends `head` then each body part from a writer thread while reading the response concurrently.

    Reading while writing lets a server answer (413, 400) before the body is complete and close the connection
    without the client losing the answer. Write errors after the server stops reading are ignored.
    `between_parts` is called once after the first part (used to signal the server mid-request).
    """
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    started = time.monotonic()

    def write() -> None:
        try:
            sock.sendall(head)
            for index, part in enumerate(body_parts):
                if index == 1 and between_parts is not None:
                    between_parts()
                sock.sendall(part)
        except OSError:
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    data = b""
    try:
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            data += chunk
            parsed = _parse_raw_response(data, time.monotonic() - started)
            if parsed is not None:
                return parsed
    finally:
        sock.close()
        writer.join(timeout=5)
    elapsed = time.monotonic() - started
    head_part, separator, rest = data.partition(b"\r\n\r\n")
    if not separator:
        raise AssertionError(f"no HTTP response after {elapsed:.1f} s (received {data[:200]!r})")
    parsed = _parse_raw_response(data, elapsed)
    if parsed is not None:
        return parsed
    lines = head_part.decode("latin-1").split("\r\n")
    headers = {line.partition(":")[0].strip().lower(): line.partition(":")[2].strip() for line in lines[1:]}
    return RawResponse(int(lines[0].split()[1]), headers, rest, elapsed)


def http_head(signed: SignedRequest, chunked: bool = False) -> bytes:
    """The request line and headers of a signed request, for raw sending."""
    parts = urlsplit(signed.url)
    lines = [f"{signed.method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1"]
    headers = {k: v for k, v in signed.headers.items() if k.lower() not in ("content-length", "transfer-encoding")}
    headers.setdefault("Host", parts.netloc)
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(len(signed.body))
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(body: bytes, size: int = 65536) -> list[bytes]:
    pieces = [f"{len(body[i:i + size]):x}\r\n".encode() + body[i : i + size] + b"\r\n" for i in range(0, len(body), size)]
    return pieces + [b"0\r\n\r\n"]


# --------------------------------------------------------------------------------------------------------------------
# Clients


def boto_client(endpoint: str, service: str, keys: Keys = ROOT_KEYS, parameter_validation: bool = True):
    """A boto3 client for `service` at `endpoint` (us-east-1, no retries, so every call is exactly one request)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=keys.access_key_id, aws_secret_access_key=keys.secret_access_key,
        aws_session_token=keys.session_token, region_name=REGION,
    )
    config = Config(retries={"mode": "standard", "max_attempts": 1}, parameter_validation=parameter_validation)
    return session.client(service, endpoint_url=endpoint, config=config)


CLI_ERROR = re.compile(r"An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \([^)]*\))?: (.*)", re.S)


@dataclass(frozen=True)
class CliResult:
    """What one awscli run returned."""

    rc: int
    stdout: str
    stderr: str

    def __iter__(self):
        return iter((self.rc, self.stdout, self.stderr))

    def ok(self) -> "CliResult":
        assert self.rc == 0, f"aws exited {self.rc}\n--- stderr ---\n{self.stderr[-3000:]}"
        return self

    def json(self):
        import json

        self.ok()
        return json.loads(self.stdout) if self.stdout.strip() else {}

    def error(self) -> tuple[str, str]:
        """(code, message) of the service error the awscli reported; fails if the call succeeded."""
        assert self.rc != 0, f"aws succeeded but an error was expected:\n{self.stdout[:2000]}"
        match = CLI_ERROR.search(self.stderr)
        assert match, f"aws failed without a service error (rc {self.rc}):\n{self.stderr[-3000:]}"
        return match.group(1), match.group(3).strip()


@dataclass
class IamUser:
    name: str
    arn: str
    user_id: str
    keys: Keys
    endpoint: str

    def client(self, service: str, parameter_validation: bool = True):
        return boto_client(self.endpoint, service, self.keys, parameter_validation)

    @property
    def env(self) -> dict[str, str]:
        return self.keys.environment()


def create_user(endpoint: str, name: str) -> IamUser:
    """An IAM user with one access key, created by root with boto3."""
    iam = boto_client(endpoint, "iam")
    user = iam.create_user(UserName=name)["User"]
    assert user["Arn"] == user_arn(name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return IamUser(name, user["Arn"], user["UserId"], Keys(key["AccessKeyId"], key["SecretAccessKey"]), endpoint)


def create_device(endpoint: str, name: str, keys: Keys = ROOT_KEYS, **extra) -> VirtualDevice:
    """A virtual MFA device created with boto3 (seed read from the response's Base32StringSeed)."""
    iam = boto_client(endpoint, "iam", keys)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, **extra)["VirtualMFADevice"]
    return VirtualDevice(serial=device["SerialNumber"], seed=device["Base32StringSeed"].decode("ascii"))


def enable_device(endpoint: str, device: VirtualDevice, user_name: str, keys: Keys = ROOT_KEYS) -> VirtualDevice:
    code1, code2 = device.enabling_codes()
    boto_client(endpoint, "iam", keys).enable_mfa_device(
        UserName=user_name, SerialNumber=device.serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    return device
