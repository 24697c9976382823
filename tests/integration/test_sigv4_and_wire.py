"""SigV4 verification and bad input on the wire: raw requests signed with botocore's signers and sent with
`requests` (or a raw socket), asserting AWS's status codes, error codes and ErrorResponse envelope."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import botocore.auth
import pytest
import requests
from botocore.awsrequest import AWSRequest

from vegas_harness import (
    ACCOUNT_ID,
    IAM_VERSION,
    ROOT_KEYS,
    STS_VERSION,
    AwsError,
    Keys,
    assert_error_shape,
    aws_error,
    boto_client,
    chunked,
    http_head,
    mfa_serial,
    parse_error_response,
    presign_get,
    raw_request,
    sign_post,
    tamper_signature,
    xml_text,
)

CALLER_IDENTITY = f"Action=GetCallerIdentity&Version={STS_VERSION}"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def expect_error(response: requests.Response, status: int | range, code: str | None = None) -> AwsError:
    error = aws_error(response)
    assert_error_shape(error)
    statuses = status if isinstance(status, range) else (status,)
    assert error.status in statuses, f"HTTP {error.status} (expected {status}): {error}"
    if code is not None:
        assert error.code == code, f"code {error.code} (expected {code}): {error}"
    return error


def assert_root_identity(response: requests.Response) -> None:
    assert response.status_code == 200, response.text
    assert xml_text(response.content, "GetCallerIdentityResult/Arn") == ROOT_ARN
    assert xml_text(response.content, "GetCallerIdentityResult/Account") == ACCOUNT_ID
    assert response.headers.get("x-amzn-RequestId") == xml_text(response.content, "ResponseMetadata/RequestId")


# --------------------------------------------------------------------------------------------------------------------
# Signatures


def test_signed_post_is_accepted(endpoint):
    assert_root_identity(sign_post(endpoint, CALLER_IDENTITY).send())


def test_header_signed_get_is_accepted(endpoint):
    request = AWSRequest(method="GET", url=f"{endpoint}/?{CALLER_IDENTITY}")
    botocore.auth.SigV4Auth(ROOT_KEYS.botocore(), "sts", "us-east-1").add_auth(request)
    prepared = request.prepare()
    assert_root_identity(requests.get(prepared.url, headers=dict(prepared.headers.items()), timeout=15))


def test_tampered_signature_is_rejected(endpoint):
    signed = sign_post(endpoint, CALLER_IDENTITY)
    signed.headers["Authorization"] = tamper_signature(signed.headers["Authorization"])
    expect_error(signed.send(), 403, "SignatureDoesNotMatch")


def test_tampered_body_is_rejected(endpoint):
    signed = sign_post(endpoint, f"Action=ListMFADevices&Version={IAM_VERSION}&UserName=alice")
    forged = type(signed)(signed.method, signed.url, signed.headers, signed.body.replace(b"alice", b"bobby"))
    expect_error(forged.send(), 403, "SignatureDoesNotMatch")


def test_tampered_date_header_is_rejected(endpoint):
    signed = sign_post(endpoint, CALLER_IDENTITY, when=utc_now() - dt.timedelta(seconds=5))
    signed.headers["X-Amz-Date"] = utc_now().strftime("%Y%m%dT%H%M%SZ")
    expect_error(signed.send(), 403, "SignatureDoesNotMatch")


def test_request_signed_20_minutes_ago_is_expired(endpoint):
    response = sign_post(endpoint, CALLER_IDENTITY, when=utc_now() - dt.timedelta(minutes=20)).send()
    error = expect_error(response, range(400, 500))
    assert error.code == "RequestExpired" or "Signature expired" in error.message, error


def test_request_signed_20_minutes_ahead_is_refused(endpoint):
    response = sign_post(endpoint, CALLER_IDENTITY, when=utc_now() + dt.timedelta(minutes=20)).send()
    error = expect_error(response, range(400, 500))
    assert error.code in ("RequestExpired", "SignatureDoesNotMatch"), error


def test_request_signed_10_minutes_ago_is_within_skew(endpoint):
    assert_root_identity(sign_post(endpoint, CALLER_IDENTITY, when=utc_now() - dt.timedelta(minutes=10)).send())


def test_unknown_access_key_is_rejected(endpoint):
    stranger = Keys("AKIAUNKNOWNEXAMPLE00", "x" * 40)
    expect_error(sign_post(endpoint, CALLER_IDENTITY, keys=stranger).send(), 403, "InvalidClientTokenId")


def test_unsigned_requests_are_rejected(endpoint):
    post = requests.post(
        f"{endpoint}/", data=CALLER_IDENTITY,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, timeout=15,
    )
    expect_error(post, 403, "MissingAuthenticationToken")
    expect_error(requests.get(f"{endpoint}/?{CALLER_IDENTITY}", timeout=15), 403, "MissingAuthenticationToken")


def test_presigned_get_works(endpoint):
    assert_root_identity(requests.get(presign_get(endpoint, CALLER_IDENTITY), timeout=15))


def test_presigned_get_tampered_or_expired_is_rejected(endpoint):
    url = presign_get(endpoint, CALLER_IDENTITY)
    flipped = url[:-1] + ("0" if url[-1] != "0" else "1")
    assert "X-Amz-Signature=" in url.rsplit("&", 1)[-1]
    expect_error(requests.get(flipped, timeout=15), 403, "SignatureDoesNotMatch")
    extended = url.replace(f"Version={STS_VERSION}", f"Version={STS_VERSION}&DurationSeconds=900")
    expect_error(requests.get(extended, timeout=15), 403, "SignatureDoesNotMatch")
    expired = presign_get(endpoint, CALLER_IDENTITY, expires=60, when=utc_now() - dt.timedelta(minutes=5))
    error = expect_error(requests.get(expired, timeout=15), range(400, 500))
    assert error.code != "MissingAuthenticationToken", error


def test_session_credentials_need_their_token(endpoint, root_sts):
    credentials = root_sts.get_session_token(DurationSeconds=900)["Credentials"]
    session = Keys(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    assert_root_identity(sign_post(endpoint, CALLER_IDENTITY, keys=session).send())
    forged = Keys(session.access_key_id, session.secret_access_key, session.session_token[:-4] + "AAAA")
    if forged.session_token == session.session_token:
        forged = Keys(session.access_key_id, session.secret_access_key, session.session_token[:-4] + "BBBB")
    expect_error(sign_post(endpoint, CALLER_IDENTITY, keys=forged).send(), 403, "InvalidClientTokenId")
    tokenless = Keys(session.access_key_id, session.secret_access_key)
    expect_error(sign_post(endpoint, CALLER_IDENTITY, keys=tokenless).send(), 403, "InvalidClientTokenId")


def test_boto3_client_sees_root(endpoint):
    identity = boto_client(endpoint, "sts").get_caller_identity()
    assert identity["Arn"] == ROOT_ARN and identity["Account"] == ACCOUNT_ID


# --------------------------------------------------------------------------------------------------------------------
# Bad input: never a 500, always an ErrorResponse whose RequestId matches the header

SERIAL = quote(mfa_serial("no-such-device"), safe="")
MALFORMED_BODIES = {
    "bad percent escape": (CALLER_IDENTITY + "&Foo=%zz", None, range(400, 500), None),
    "truncated percent escape": (CALLER_IDENTITY + "&Foo=%4", None, range(400, 500), None),
    "percent escape in a name": (f"Action=GetCaller%GGIdentity&Version={STS_VERSION}", "sts", range(400, 500), None),
    "unknown action": (f"Action=FlyToTheMoon&Version={IAM_VERSION}", None, 400, "InvalidAction"),
    "missing action": (f"Version={IAM_VERSION}&UserName=alice", None, 400, None),
    "unsupported version": ("Action=GetCallerIdentity&Version=1999-01-01", "sts", range(400, 500), None),
    # AWS documents MalformedQueryString as HTTP 404.
    "invalid UTF-8": (f"Action=ListMFADevices&Version={IAM_VERSION}&UserName=%ff%fe", None, 404, "MalformedQueryString"),
    "NUL in a user name": (f"Action=ListMFADevices&Version={IAM_VERSION}&UserName=a%00b", None, 400, "ValidationError"),
    "10 kB user name": (f"Action=ListMFADevices&Version={IAM_VERSION}&UserName={'a' * 10_000}", None, 400,
                        "ValidationError"),
    "list index overflow": (
        f"Action=TagMFADevice&Version={IAM_VERSION}&SerialNumber={SERIAL}"
        "&Tags.member.99999999999999999999999.Key=a&Tags.member.99999999999999999999999.Value=b",
        None, range(400, 500), None,
    ),
    "separators only": ("&&==&=&", "iam", range(400, 500), None),
    "non-numeric duration": (CALLER_IDENTITY.replace("GetCallerIdentity", "GetSessionToken") + "&DurationSeconds=1e3",
                             None, 400, None),
    "duration overflow": (
        CALLER_IDENTITY.replace("GetCallerIdentity", "GetSessionToken") + "&DurationSeconds=99999999999999999999999",
        None, 400, None,
    ),
}


@pytest.mark.parametrize("body,service,status,code", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_body_gets_a_clean_error(endpoint, body, service, status, code):
    response = sign_post(endpoint, body, service=service).send(timeout=10)
    expect_error(response, status, code)


@pytest.mark.parametrize("encoding", ["content-length", "chunked"])
def test_huge_body_is_refused_quickly(endpoint, encoding):
    body = (CALLER_IDENTITY + "&Pad=" + "a" * (2 * 1024 * 1024)).encode()
    signed = sign_post(endpoint, body)
    if encoding == "chunked":
        response = raw_request(signed.url, http_head(signed, chunked=True), chunked(body))
    else:
        response = raw_request(signed.url, http_head(signed), [body[i:i + 65536] for i in range(0, len(body), 65536)])
    assert response.status in (400, 413), f"HTTP {response.status}: {response.body[:300]!r}"
    assert response.elapsed < 5, f"took {response.elapsed:.1f} s"
    error = parse_error_response(response.status, response.headers, response.body)
    assert_error_shape(error)
    assert requests.get(f"{endpoint}/health", timeout=5).status_code == 200


def test_error_request_ids_are_unique(endpoint):
    ids = {aws_error(requests.get(f"{endpoint}/?{CALLER_IDENTITY}", timeout=15)).request_id for _ in range(5)}
    assert len(ids) == 5, ids


def test_harness_signer_matches_the_reference_vector():
    """Guards the harness: sign_post with the patched clock reproduces reference §2.1 (temporary credentials)."""
    keys = Keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLESESSIONTOKEN")
    signed = sign_post(
        "https://iam.amazonaws.com", f"Action=ListMFADevices&Version={IAM_VERSION}&UserName=alice", keys=keys,
        when=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    )
    assert signed.headers["X-Amz-Date"] == "20240102T030405Z"
    assert signed.headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240102/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
        "Signature=11e4ee5a56d8418edb05fa87d2ec87b453f20e481a6e797fe87b3b3617aaf1fe"
    )
