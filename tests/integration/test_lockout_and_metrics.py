"""MFA lock-out and the Prometheus counters, on a server started with --mfa-max-failures 3 --mfa-lockout-seconds 3."""

from __future__ import annotations

import time

import pytest
import requests
from botocore.exceptions import ClientError

from vegas_harness import (
    INVALID_CODE_MESSAGE,
    STS_VERSION,
    VegasServer,
    boto_client,
    create_device,
    create_user,
    enable_device,
    parse_prometheus,
    scrape,
    sign_post,
    tamper_signature,
    unique,
)

MAX_FAILURES = 3
LOCKOUT_SECONDS = 3
REQUESTS = "vegas_requests_total"
VERIFICATIONS = "vegas_mfa_verifications_total"


@pytest.fixture(scope="module")
def strict(servers) -> VegasServer:
    server = servers.start(
        servers.new_data_dir("lockout"),
        "--mfa-max-failures", str(MAX_FAILURES), "--mfa-lockout-seconds", str(LOCKOUT_SECONDS), "--totp-issuer", "Vegas",
        name="lockout",
    )
    yield server
    code = server.terminate()
    assert code == 0, f"exit code {code} after SIGTERM\n{server.output()}"


def test_metrics_are_prometheus_text_and_count_requests(strict):
    response = requests.get(f"{strict.url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers.get("Content-Type", "").startswith("text/plain"), response.headers
    parse_prometheus(response.text)

    before = scrape(strict.url)
    sts = boto_client(strict.url, "sts")
    sts.get_caller_identity()
    sts.get_caller_identity()
    forged = sign_post(strict.url, f"Action=GetCallerIdentity&Version={STS_VERSION}")
    forged.headers["Authorization"] = tamper_signature(forged.headers["Authorization"])
    assert forged.send().status_code == 403
    after = scrape(strict.url)

    def delta(**labels: str) -> float:
        return after.total(REQUESTS, **labels) - before.total(REQUESTS, **labels)

    # Whether a request refused before authentication is labelled with its action is the server's choice.
    assert delta(code="SignatureDoesNotMatch") == 1
    assert delta(action="GetCallerIdentity") - delta(action="GetCallerIdentity", code="SignatureDoesNotMatch") == 2


def test_device_locks_after_consecutive_failures_and_lockout_doubles(strict):
    user = create_user(strict.url, unique("locky"))
    device = enable_device(strict.url, create_device(strict.url, unique("locky-phone")), user.name)
    sts = boto_client(strict.url, "sts", user.keys)

    def attempt(code: str) -> str:
        try:
            sts.get_session_token(SerialNumber=device.serial, TokenCode=code, DurationSeconds=900)
        except ClientError as error:
            response = error.response
            assert response["Error"]["Code"] == "AccessDenied", response
            assert response["Error"]["Message"].strip() == INVALID_CODE_MESSAGE, response
            return "denied"
        return "ok"

    def sleep_until(moment: float) -> None:
        time.sleep(max(0.0, moment - time.monotonic()))

    right = device.next_code(hold=25)  # stays inside every plausible window for the whole sequence
    wrong = device.wrong_code()
    before = scrape(strict.url)

    assert [attempt(wrong) for _ in range(MAX_FAILURES)] == ["denied"] * MAX_FAILURES
    first_lock = time.monotonic()
    assert attempt(right) == "denied", "the right code was accepted right after max failures"
    locked_once = scrape(strict.url)
    assert locked_once.total(VERIFICATIONS, result="locked") - before.total(VERIFICATIONS, result="locked") == 1

    sleep_until(first_lock + LOCKOUT_SECONDS + 0.3)
    assert [attempt(wrong) for _ in range(MAX_FAILURES)] == ["denied"] * MAX_FAILURES
    second_lock = time.monotonic()
    sleep_until(second_lock + LOCKOUT_SECONDS + 1.5)
    assert attempt(right) == "denied", "the second lock-out did not last twice as long as the first"
    sleep_until(second_lock + 2 * LOCKOUT_SECONDS + 1.2)
    assert attempt(right) == "ok", "the right code was refused after the doubled lock-out ended"
    assert attempt(right) == "denied", "a replayed code was accepted"

    after = scrape(strict.url)

    def delta(name: str, **labels: str) -> float:
        return after.total(name, **labels) - before.total(name, **labels)

    assert delta(VERIFICATIONS, result="ok") == 1
    assert delta(VERIFICATIONS, result="replayed") == 1
    assert delta(VERIFICATIONS, result="locked") >= 2
    assert delta(VERIFICATIONS, result="failed") >= MAX_FAILURES + 1
    assert delta(VERIFICATIONS, result="failed") + delta(VERIFICATIONS, result="locked") == 2 * MAX_FAILURES + 2
    assert delta(REQUESTS, action="GetSessionToken", code="AccessDenied") == 2 * MAX_FAILURES + 3
    assert delta(REQUESTS, action="GetSessionToken") == 2 * MAX_FAILURES + 4
