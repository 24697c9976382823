"""Graceful shutdown (SIGTERM with requests in flight) and crash safety (SIGKILL during a burst of writes)."""

from __future__ import annotations

import threading
import time

import requests
from botocore.exceptions import ClientError

from vegas_harness import (
    ACCOUNT_ID,
    IAM_VERSION,
    INVALID_CODE_MESSAGE,
    ROOT_ACCESS_KEY_ID,
    ROOT_SECRET_ACCESS_KEY,
    boto_client,
    create_device,
    create_user,
    enable_device,
    http_head,
    raw_request,
    read_root_credentials,
    sign_post,
    unique,
)

ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"


def all_user_names(endpoint: str) -> set[str]:
    paginator = boto_client(endpoint, "iam").get_paginator("list_users")
    return {user["UserName"] for page in paginator.paginate() for user in page["Users"]}


class CreateUserBurst:
    """Threads that each create users one after another (own keep-alive connection) until told to stop or the
    connection fails; remembers every user whose CreateUser got HTTP 200 and every other status seen."""

    def __init__(self, endpoint: str, prefix: str, threads: int = 6):
        self.endpoint = endpoint
        self.prefix = prefix
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.other_statuses: list[tuple[str, int, str]] = []
        self.threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(threads)]

    def _run(self, index: int) -> None:
        session = requests.Session()
        number = 0
        while not self.stop.is_set():
            name = f"{self.prefix}-{index}-{number}"
            number += 1
            signed = sign_post(self.endpoint, f"Action=CreateUser&Version={IAM_VERSION}&UserName={name}")
            try:
                response = session.post(signed.url, data=signed.body, headers=signed.headers, timeout=30)
            except requests.RequestException:
                return
            with self.lock:
                if response.status_code == 200:
                    self.acknowledged.append(name)
                else:
                    self.other_statuses.append((name, response.status_code, response.text[:300]))

    def __enter__(self) -> "CreateUserBurst":
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.acknowledged) >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"only {len(self.acknowledged)} CreateUser calls succeeded in {timeout} s")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_sigterm_finishes_in_flight_requests_and_keeps_data(servers, aws_for):
    data_dir = servers.new_data_dir("graceful")
    server = servers.start(data_dir, name="graceful")
    url = server.url
    credentials_before = (data_dir / "root-credentials").read_text()
    user = create_user(url, unique("grace"))
    first = enable_device(url, create_device(url, unique("grace-first")), user.name)
    second = enable_device(url, create_device(url, unique("grace-second")), user.name)
    accepted = first.next_code()
    boto_client(url, "sts", user.keys).get_session_token(SerialNumber=first.serial, TokenCode=accepted)

    slow_user = unique("grace-inflight")
    body = f"Action=CreateUser&Version={IAM_VERSION}&UserName={slow_user}".encode()
    signed = sign_post(url, body)

    def terminate_mid_request() -> None:
        time.sleep(0.5)
        server.send_sigterm()
        time.sleep(0.5)

    with CreateUserBurst(url, unique("grace-burst")) as burst:
        burst.wait_for(10)
        slow = raw_request(signed.url, http_head(signed), [body[:20], body[20:]], between_parts=terminate_mid_request)
    exit_code = server.terminate()

    assert slow.status == 200, f"in-flight request got HTTP {slow.status}: {slow.body[:300]!r}"
    assert not [s for s in burst.other_statuses if s[1] >= 500], burst.other_statuses
    assert exit_code == 0, f"exit code {exit_code} after SIGTERM\n{server.output()}"

    restarted = servers.start(data_dir, name="graceful-restart")
    url = restarted.url
    assert (data_dir / "root-credentials").read_text() == credentials_before
    assert read_root_credentials(data_dir) == (ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
    assert boto_client(url, "sts").get_caller_identity()["Arn"] == ROOT_ARN
    assert aws_for(restarted)("sts", "get-caller-identity").json()["Arn"] == ROOT_ARN

    names = all_user_names(url)
    missing = {user.name, slow_user, *burst.acknowledged} - names
    assert not missing, f"acknowledged users lost across a graceful restart: {sorted(missing)[:20]}"
    devices = boto_client(url, "iam").list_mfa_devices(UserName=user.name)["MFADevices"]
    assert {d["SerialNumber"] for d in devices} == {first.serial, second.serial}

    sts = boto_client(url, "sts", user.keys)
    try:
        sts.get_session_token(SerialNumber=first.serial, TokenCode=accepted)
        raise AssertionError("a code accepted before the restart was accepted again after it")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"
        assert error.response["Error"]["Message"].strip() == INVALID_CODE_MESSAGE
    credentials = sts.get_session_token(SerialNumber=second.serial, TokenCode=second.next_code())["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert restarted.terminate() == 0, restarted.output()


def test_kill_9_during_writes_loses_nothing_acknowledged(servers):
    data_dir = servers.new_data_dir("crash")
    server = servers.start(data_dir, name="crash")
    url = server.url
    enabled: list[tuple[str, str]] = []
    stop = threading.Event()

    def enable_devices() -> None:
        number = 0
        while not stop.is_set():
            try:
                user = create_user(url, f"crash-owner-{number}")
                device = enable_device(url, create_device(url, f"crash-device-{number}"), user.name)
            except Exception:
                return
            enabled.append((user.name, device.serial))
            number += 1

    enabler = threading.Thread(target=enable_devices, daemon=True)
    with CreateUserBurst(url, "crash-burst") as burst:
        enabler.start()
        burst.wait_for(40)
        server.kill()
        stop.set()
        enabler.join(timeout=60)
    assert not [s for s in burst.other_statuses if s[1] >= 500], burst.other_statuses

    restarted = servers.start(data_dir, name="crash-restart")
    url = restarted.url
    names = all_user_names(url)
    missing = set(burst.acknowledged) - names
    assert not missing, f"{len(missing)} acknowledged CreateUser calls lost by kill -9: {sorted(missing)[:20]}"
    iam = boto_client(url, "iam")
    for user_name, serial in enabled:
        assert serial in {d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user_name)["MFADevices"]}
    assigned = [
        device
        for page in iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
        for device in page["VirtualMFADevices"]
    ]
    for device in assigned:
        owner = device["User"]["UserName"]
        assert device["SerialNumber"] in {d["SerialNumber"] for d in iam.list_mfa_devices(UserName=owner)["MFADevices"]}
    for user_name in {name for name in names if name.startswith("crash-owner-")}:
        for listed in iam.list_mfa_devices(UserName=user_name)["MFADevices"]:
            assert listed["SerialNumber"] in {d["SerialNumber"] for d in assigned}, listed
    assert restarted.terminate() == 0, restarted.output()
