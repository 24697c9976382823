"""Several vegas-server processes on one PostgreSQL database (a private server started for the session): what one
instance does, the others see — console sessions, sign-in steps, security keys, federation tokens, revocations, used
TOTP steps — and an instance killed with SIGKILL or all of them restarted lose nothing.

Every instance has its own data directory, the same master key (VEGAS_MASTER_KEY) and --database URL. Browsers keep
cookies per host, not per port, so one Chromium tab moving between http://localhost:<port A>, <port B> and <port C> is
a browser behind a load balancer that sends each request to another instance.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import threading
import time
from unittest import mock
from urllib.parse import quote

import pytest
import requests
from botocore.exceptions import ClientError

import vegas_harness
from browser import ConsoleBrowser
from vegas_harness import (
    ACCOUNT_ID,
    Keys,
    VegasServer,
    boto_client,
    create_device,
    create_user,
    enable_device,
    free_port,
    sign_post,
    unique,
)

PASSWORD = "Many-Instances-Pass-7!"
MASTER_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
TRUST_ROOT = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}],
})


class Fleet:
    """Instances on one database; `start(name)` (re)starts one on its own port with its console at localhost."""

    def __init__(self, servers, database: str):
        self.servers = servers
        self.database = database
        self.instances: dict[str, VegasServer] = {}
        self.ports: dict[str, int] = {}

    def start(self, name: str) -> VegasServer:
        port = self.ports.setdefault(name, free_port())
        with mock.patch.object(vegas_harness, "free_port", lambda: port):
            server = self.servers.start(
                self.servers.new_data_dir(name), "--database", self.database, "--public-url", f"http://localhost:{port}",
                name=name, env={"VEGAS_MASTER_KEY": MASTER_KEY},
            )
        self.instances[name] = server
        return server

    def __getitem__(self, name: str) -> VegasServer:
        return self.instances[name]

    def stop_all(self) -> None:
        for server in self.instances.values():
            if server.running():
                assert server.terminate() == 0, server.output()


@pytest.fixture
def fleet(servers, postgres_server):
    fleet = Fleet(servers, postgres_server())
    for name in ("a", "b", "c"):
        fleet.start(name)
    yield fleet
    fleet.stop_all()


def tab(driver, server: VegasServer) -> ConsoleBrowser:
    return ConsoleBrowser(driver, f"http://localhost:{server.port}")


def console_user(server: VegasServer):
    user = create_user(server.url, unique("fleet"))
    boto_client(server.url, "iam").create_login_profile(UserName=user.name, Password=PASSWORD, PasswordResetRequired=False)
    return user


def test_one_sign_in_crosses_three_instances_and_survives_kill_and_restart(fleet, driver):
    a, b, c = fleet["a"], fleet["b"], fleet["c"]
    user = console_user(a)
    phone = enable_device(b.url, create_device(b.url, unique("phone")), user.name)

    on_a = tab(driver, a)
    on_a.sign_in(ACCOUNT_ID, PASSWORD, user.name)  # the password step on A
    assert on_a.path == "/console/mfa/code", on_a.visible_messages()
    on_b = tab(driver, b)
    on_b.open("/console/mfa/code")  # the MFA step on B, in the session A started
    on_b.wait_for_path("/console/mfa/code")
    on_b.enter_code(phone.next_code())
    assert on_b.path == "/console/", on_b.visible_messages()
    assert on_b.text("arn") == user.arn

    on_c = tab(driver, c)  # a security key assigned on C
    on_c.add_authenticator()
    on_c.register_security_key("yubikey")
    on_a.security_credentials()  # and seen on A
    kinds = [row[0] for row in on_a.table_rows("mfa-devices")]
    assert sorted(kinds) == ["Authenticator app", "Security key"], kinds

    b.kill()  # SIGKILL in the middle of the session: the others carry on
    devices = boto_client(c.url, "iam").list_mfa_devices(UserName=user.name)["MFADevices"]
    assert len(devices) == 2
    on_a.open("/console/")
    on_a.wait_for_path("/console/")
    assert on_a.text("arn") == user.arn

    fleet.stop_all()  # every instance restarted: the browser is still signed in, on any of them
    for name in ("a", "b", "c"):
        fleet.start(name)
    for name in ("a", "b", "c"):
        page = tab(driver, fleet[name])
        page.open("/console/")
        page.wait_for_path("/console/")
        assert page.text("arn") == user.arn
    # and the security key signs in again (the challenge is issued and checked by one instance, kept in the store)
    page = tab(driver, fleet["c"])
    page.sign_out()
    page.sign_in(ACCOUNT_ID, PASSWORD, user.name)
    page.choose("device", "security-key")
    page.submit("choose")
    page.expect_webauthn_success("/console/")
    driver.delete_all_cookies()


def test_federation_token_from_one_instance_is_redeemed_once_on_another(fleet):
    a, b = fleet["a"], fleet["b"]
    iam = boto_client(a.url, "iam")
    role = unique("admin")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST_ROOT)
    user = create_user(a.url, unique("fed"))
    credentials = user.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{role}", RoleSessionName="me"
    )["Credentials"]
    session = json.dumps({
        "sessionId": credentials["AccessKeyId"], "sessionKey": credentials["SecretAccessKey"],
        "sessionToken": credentials["SessionToken"],
    })
    issued = requests.get(f"{a.url}/federation", params={"Action": "getSigninToken", "Session": session}, timeout=10)
    assert issued.status_code == 200, issued.text
    token = issued.json()["SigninToken"]
    login = f"/federation?Action=login&Destination=%2Fconsole%2F&SigninToken={quote(token)}"
    redeemed = requests.get(b.url + login, allow_redirects=False, timeout=10)
    assert redeemed.status_code == 302 and redeemed.headers["Location"] == "/console/"
    cookie = redeemed.cookies.get("vegas_console")
    home = requests.get(f"{a.url}/console/", cookies={"vegas_console": cookie}, timeout=10)
    assert f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/me" in home.text
    again = requests.get(a.url + login, allow_redirects=False, timeout=10)
    assert again.status_code == 403


def refused_within(call, bound: float = 1.0) -> float:
    """Calls `call` until it raises InvalidClientTokenId; returns how long that took (fails after `bound` s)."""
    started = time.monotonic()
    while True:
        try:
            call()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "InvalidClientTokenId", error.response
            return time.monotonic() - started
        assert time.monotonic() - started < bound, f"still accepted {bound} s after the revocation"
        time.sleep(0.01)


def test_a_key_revoked_on_one_instance_is_refused_by_the_others_within_the_bound(fleet):
    a, b, c = fleet["a"], fleet["b"], fleet["c"]
    user = create_user(a.url, unique("revoked"))
    iam_a = boto_client(a.url, "iam")
    second = iam_a.create_access_key(UserName=user.name)["AccessKey"]
    second_keys = Keys(second["AccessKeyId"], second["SecretAccessKey"])
    on_b = boto_client(b.url, "sts", user.keys)
    on_c = boto_client(c.url, "sts", second_keys)
    assert on_b.get_caller_identity()["Arn"] == user.arn  # now cached by B and C
    assert on_c.get_caller_identity()["Arn"] == user.arn

    iam_a.delete_access_key(UserName=user.name, AccessKeyId=user.keys.access_key_id)
    iam_a.update_access_key(UserName=user.name, AccessKeyId=second_keys.access_key_id, Status="Inactive")
    delays = [refused_within(on_b.get_caller_identity), refused_within(on_c.get_caller_identity)]
    time.sleep(0.3)  # a poll later, every request is refused
    for client in (on_b, on_c):
        with pytest.raises(ClientError) as refused:
            client.get_caller_identity()
        assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    print(f"revocation reached the other instances after {max(delays) * 1000:.0f} ms")


def test_a_fresh_code_sent_to_two_instances_at_once_is_accepted_once(fleet):
    a, b = fleet["a"], fleet["b"]
    pairs = []
    for _ in range(12):
        user = create_user(a.url, unique("race"))
        pairs.append((user, enable_device(a.url, create_device(a.url, unique("race")), user.name)))
    for round_ in range(2):
        trials = []
        for user, device in pairs:
            code = device.next_code()
            body = (
                f"Action=GetSessionToken&Version=2011-06-15&SerialNumber={quote(device.serial, safe='')}"
                f"&TokenCode={code}"
            )
            trials.append([sign_post(server.url, body, user.keys) for server in (a, b)])
        barrier = threading.Barrier(2 * len(trials))
        statuses: dict[tuple[int, int], int] = {}

        def send(index: int, which: int, request) -> None:
            barrier.wait()
            statuses[(index, which)] = request.send().status_code

        threads = [
            threading.Thread(target=send, args=(index, which, request))
            for index, pair in enumerate(trials) for which, request in enumerate(pair)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for index in range(len(trials)):
            outcome = sorted([statuses[(index, 0)], statuses[(index, 1)]])
            assert outcome == [200, 403], f"round {round_}, device {index}: {outcome}"


def test_copy_store_moves_a_sqlite_installation_to_postgresql_and_back(servers, server_binary, postgres_server):
    data = servers.new_data_dir("copied")
    source = servers.start(data, name="sqlite-source")
    user = create_user(source.url, unique("moved"))
    boto_client(source.url, "iam").create_login_profile(UserName=user.name, Password=PASSWORD)
    device = enable_device(source.url, create_device(source.url, unique("moved")), user.name)
    assert source.terminate() == 0

    database = postgres_server()
    copied = subprocess.run(
        [str(server_binary), "copy-store", "--from", f"sqlite:{data}/vegas.sqlite", "--to", database],
        capture_output=True, text=True, timeout=120,
    )
    assert copied.returncode == 0, copied.stderr
    counts = dict(line.strip().rsplit(": ", 1) for line in copied.stdout.splitlines()[1:])
    assert counts["users"] == "1" and counts["MFA devices"] == "1" and counts["login profiles"] == "1", copied.stdout
    again = subprocess.run(
        [str(server_binary), "copy-store", "--from", f"sqlite:{data}/vegas.sqlite", "--to", database],
        capture_output=True, text=True, timeout=120,
    )
    assert again.returncode == 1 and "already holds account" in again.stderr  # never merged into a used store

    master_key = (data / "master.key").read_text().strip()
    target = servers.start(
        servers.new_data_dir("postgres-target"), "--database", database, name="pg-target",
        env={"VEGAS_MASTER_KEY": master_key},
    )
    sts = boto_client(target.url, "sts", user.keys)
    issued = sts.get_session_token(SerialNumber=device.serial, TokenCode=device.next_code())["Credentials"]
    assert issued["AccessKeyId"].startswith("ASIA")
    # The console password moved too: the password step accepts it and leads to the MFA step.
    browser = requests.Session()
    form = browser.get(f"{target.url}/console/signin", timeout=10)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', form.text).group(1)
    signin = browser.post(
        f"{target.url}/console/signin", timeout=10, allow_redirects=False,
        data={"csrf": csrf, "account": ACCOUNT_ID, "kind": "user", "username": user.name, "password": PASSWORD},
    )
    assert signin.status_code == 303 and signin.headers["Location"] == "/console/mfa", signin.text[:500]
    assert target.terminate() == 0

    back = servers.new_data_dir("back")
    returned = subprocess.run(
        [str(server_binary), "copy-store", "--from", database, "--to", f"sqlite:{back}/vegas.sqlite"],
        capture_output=True, text=True, timeout=120,
    )
    assert returned.returncode == 0, returned.stderr
    assert "STS sessions: 1" in returned.stdout
    (back / "master.key").write_text(master_key + "\n")
    restored = servers.start(back, name="sqlite-restored")
    assert boto_client(restored.url, "sts", user.keys).get_caller_identity()["Arn"] == user.arn
    assert restored.terminate() == 0
