"""The web console over HTTPS, and a legacy U2F security key signing in through WebAuthn's AppID extension.

A throw-away CA (Python's `cryptography`) signs a certificate for localhost and 127.0.0.1; vegas-server serves it with
--tls-certificate/--tls-key and --public-url https://localhost:<port>, so the console's AppID is that origin.
`vegas-server import-u2f-key` adds a U2F registration (a key pair and key handle made here) to a user while the server
runs; headless Chromium (with --ignore-certificate-errors) holds the same key in a u2f-protocol virtual authenticator,
scoped to the AppID URL as a U2F-era key is, and signs in with it. Chromium offers the AppID extension only over
https and only a u2f-protocol authenticator answers it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import vegas_harness
from browser import ConsoleBrowser, StoredKey, b64url, b64url_decode, browser_problem, start_chromium
from test_console_browser import csrf_token, security_key_serial
from vegas_harness import ACCOUNT_ID, ServerStartError, VegasServer, boto_client, clean_environment, free_port, unique

PASSWORD = "Console-Https-Pass-7!"
LEGACY_USER = "alice"
LEGACY_KEY_NAME = "old-u2f"


# --------------------------------------------------------------------------------------------------------------------
# Certificates and the HTTPS server


@dataclass(frozen=True)
class TLSFiles:
    ca_certificate: Path
    certificate: Path
    key: Path


def make_tls_files(directory: Path) -> TLSFiles:
    """A self-made CA and a server certificate it signs for DNS:localhost and IP:127.0.0.1 (P-256 keys, PEM files)."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Vegas test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = TLSFiles(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
    files.ca_certificate.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.certificate.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    return files


@dataclass
class HttpsVegasServer(VegasServer):
    """A vegas-server speaking HTTPS with a certificate of the CA in `ca_file`; `url` is its https origin."""

    ca_file: Path | None = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def _wait_healthy(self, timeout: float) -> None:
        # The harness polls /health with requests' default trust store: let it trust the test CA.
        with mock.patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": str(self.ca_file)}):
            super()._wait_healthy(timeout)


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> TLSFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def server(servers, tls) -> HttpsVegasServer:
    """vegas-server on https://localhost:<port> (--public-url names the port: it is picked before the start)."""
    port = free_port()
    started = HttpsVegasServer(
        servers.binary, servers.new_data_dir("https"), servers.root / f"{unique('https')}.log",
        extra_args=(
            "--tls-certificate", str(tls.certificate), "--tls-key", str(tls.key),
            "--public-url", f"https://localhost:{port}",
        ),
        ca_file=tls.ca_certificate,
    )
    servers.started.append(started)  # killed at the end of the session if a test leaves it running
    with mock.patch.object(vegas_harness, "free_port", lambda: port):
        try:
            started.start()
        except ServerStartError as error:
            pytest.fail(str(error), pytrace=False)
    assert started.port == port
    yield started
    code = started.terminate()
    assert code == 0, f"vegas-server exited {code} after SIGTERM\n--- server output ---\n{started.output()}"


@pytest.fixture(scope="module")
def iam(server, tls):
    """Root's IAM client over https (botocore reads AWS_CA_BUNDLE when the client is made)."""
    with mock.patch.dict(os.environ, {"AWS_CA_BUNDLE": str(tls.ca_certificate)}):
        client = boto_client(server.url, "iam")
    yield client
    client.close()  # an idle TLS keep-alive connection holds up the server's SIGTERM for NIOSSL's 5 s shutdown timeout


@pytest.fixture(scope="module")
def driver():
    problem = browser_problem()
    if problem:
        pytest.skip(f"the console browser tests need Chromium, chromedriver and Selenium: {problem}")
    chromium = start_chromium(["--ignore-certificate-errors"])  # the test CA is in no trust store
    yield chromium
    chromium.quit()


@pytest.fixture
def console(driver, server):
    tab = ConsoleBrowser(driver, server.url)
    yield tab
    tab.reset()


# --------------------------------------------------------------------------------------------------------------------
# Users and the legacy key


@dataclass(frozen=True)
class LegacyKey:
    """A U2F registration as a U2F server kept it (key handle, public key), and the private key the token holds."""

    serial: str
    key_handle: bytes
    public_key: ec.EllipticCurvePublicKey
    private_key_pkcs8: bytes


def console_user(iam, name: str) -> str:
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password=PASSWORD, PasswordResetRequired=False)
    return name


@pytest.fixture(scope="module")
def legacy_key(server, iam) -> LegacyKey:
    """alice, with a console password and an imported U2F key (imported while the server runs)."""
    console_user(iam, LEGACY_USER)
    private_key = ec.generate_private_key(ec.SECP256R1())
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    # 0xF8 makes the base64url text begin with "-", as one key handle in 64 does: it must not read as an option.
    key_handle = b"\xf8" + os.urandom(63)
    imported = subprocess.run(
        [
            str(server.binary), "import-u2f-key", "--data-dir", str(server.data_dir), "--user-name", LEGACY_USER,
            "--name", LEGACY_KEY_NAME, "--key-handle", b64url(key_handle), "--public-key", b64url(point),
        ],
        capture_output=True, text=True, timeout=30, env=clean_environment(),
    )
    assert imported.returncode == 0, f"import-u2f-key exited {imported.returncode}: {imported.stderr}"
    serial = imported.stdout.strip()
    assert security_key_serial(f"user/{LEGACY_USER}", LEGACY_KEY_NAME).fullmatch(serial), imported.stdout
    return LegacyKey(
        serial, key_handle, private_key.public_key(),
        private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
    )


def cookie_attributes(set_cookie: str) -> list[str]:
    return [part.strip() for part in set_cookie.split(";")]


def sign_in_to_mfa_step(session: requests.Session, server: HttpsVegasServer, user: str) -> None:
    """Passes the password step of `user` in `session` (it then awaits MFA); checks the renewed cookie."""
    signin = session.get(f"{server.url}/console/signin", timeout=10)
    answer = session.post(f"{server.url}/console/signin", allow_redirects=False, timeout=30, data={
        "csrf": csrf_token(signin.text), "account": ACCOUNT_ID, "kind": "user", "username": user,
        "password": PASSWORD,
    })
    assert (answer.status_code, answer.headers.get("Location")) == (303, "/console/mfa"), answer.text[:300]
    assert "Secure" in cookie_attributes(answer.headers["Set-Cookie"]), answer.headers["Set-Cookie"]


def sign_in_options(server: HttpsVegasServer, user: str) -> dict:
    """The WebAuthn request options the security key page of `user` gets from the server."""
    with requests.Session() as session:
        session.trust_env = False  # else $REQUESTS_CA_BUNDLE would win over `verify`
        session.verify = str(server.ca_file)
        sign_in_to_mfa_step(session, server, user)
        key_page = session.get(f"{server.url}/console/mfa/security-key", timeout=10)
        assert key_page.status_code == 200 and urlsplit(key_page.url).path == "/console/mfa/security-key", key_page.url
        options = session.post(
            f"{server.url}/console/mfa/security-key/options", data="{}", timeout=10,
            headers={"X-CSRF-Token": csrf_token(key_page.text), "Content-Type": "application/json"},
        )
    assert options.status_code == 200, options.text
    return options.json()


# --------------------------------------------------------------------------------------------------------------------
# Tests


def test_console_is_served_over_https_only(server):
    signin = requests.get(f"{server.url}/console/signin", verify=str(server.ca_file), timeout=10)
    assert signin.status_code == 200 and 'name="csrf-token"' in signin.text, signin.text[:300]
    cookie = cookie_attributes(signin.headers["Set-Cookie"])
    assert cookie[0].startswith("vegas_console="), cookie
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/console"):
        assert attribute in cookie, f"{attribute} missing from the session cookie: {cookie}"
    assert signin.headers.get("Strict-Transport-Security") == "max-age=31536000", signin.headers

    health = requests.get(f"{server.url}/health", verify=str(server.ca_file), timeout=10)
    assert (health.status_code, health.text) == (200, "ok\n")
    # The certificate is the test CA's (not trusted by the system store) and names 127.0.0.1 too.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{server.url}/health", timeout=10)
    by_ip = requests.get(f"https://127.0.0.1:{server.port}/health", verify=str(server.ca_file), timeout=10)
    assert by_ip.status_code == 200

    # Plain HTTP to the TLS port: the connection is closed without an HTTP answer.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://localhost:{server.port}/console/signin", timeout=10)


def test_legacy_u2f_key_signs_in_with_appid(console, server, iam, legacy_key):
    appid = server.url
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=LEGACY_USER)["MFADevices"]] == [
        legacy_key.serial
    ]

    # The token holds the key for the AppID URL, as U2F registered it (not for the RP ID "localhost").
    console.add_authenticator("u2f")
    console.inject_key(StoredKey(legacy_key.key_handle, appid, legacy_key.private_key_pkcs8, 0), sign_count=0)
    console.capture_security_key_posts()
    # The password step leads to the security key page (alice's only device), which asks for the key at once.
    console.sign_in(ACCOUNT_ID, PASSWORD, LEGACY_USER)
    console.expect_webauthn_success("/console/")
    assert console.text("arn") == f"arn:aws:iam::{ACCOUNT_ID}:user/{LEGACY_USER}"
    console.security_credentials()
    assert [row[:3] for row in console.table_rows("mfa-devices")] == [
        ["Security key", LEGACY_KEY_NAME, legacy_key.serial]
    ]

    posted = json.loads(console.captured_post())  # what the key page posted to /console/mfa/security-key/verify
    assert b64url_decode(posted["id"]) == legacy_key.key_handle
    assert posted["clientExtensionResults"].get("appid") is True, posted["clientExtensionResults"]
    response = posted["response"]
    authenticator_data = b64url_decode(response["authenticatorData"])
    client_data_json = b64url_decode(response["clientDataJSON"])
    assert authenticator_data[:32] == hashlib.sha256(appid.encode()).digest(), "rpIdHash is not SHA-256(AppID)"
    assert authenticator_data[:32] != hashlib.sha256(b"localhost").digest()
    assert authenticator_data[32] & 0x01, "user presence flag not set"
    assert int.from_bytes(authenticator_data[33:37], "big") >= 1
    client_data = json.loads(client_data_json)
    assert (client_data["type"], client_data["origin"]) == ("webauthn.get", appid), client_data
    # The imported public key is the one that signed (U2F signatures verify as ES256 assertions).
    legacy_key.public_key.verify(
        b64url_decode(response["signature"]),
        authenticator_data + hashlib.sha256(client_data_json).digest(),
        ec.ECDSA(hashes.SHA256()),
    )


def test_appid_is_requested_only_for_users_with_a_legacy_key(console, server, iam, legacy_key):
    # bob registers a key through WebAuthn on the https console: no AppID for him.
    bob = console_user(iam, unique("bob"))
    console.sign_in(ACCOUNT_ID, PASSWORD, bob)
    assert console.path == "/console/", console.visible_messages()
    console.add_authenticator("ctap2")
    console.register_security_key("new-key")
    assert console.notice() == "Security key new-key assigned."
    [bob_key] = console.stored_keys()
    assert bob_key.rp_id == "localhost"

    bob_options = sign_in_options(server, bob)
    assert bob_options["rpId"] == "localhost"
    assert [c["id"] for c in bob_options["allowCredentials"]] == [b64url(bob_key.credential_id)]
    assert "appid" not in bob_options.get("extensions", {}), bob_options

    alice_options = sign_in_options(server, LEGACY_USER)
    assert alice_options["rpId"] == "localhost"
    assert [c["id"] for c in alice_options["allowCredentials"]] == [b64url(legacy_key.key_handle)]
    assert alice_options.get("extensions", {}).get("appid") == server.url, alice_options
