"""Headless Chromium for the web console tests: Selenium with loopback-only flags and WebAuthn virtual authenticators.

Chromium is Debian's (`chromium`, `chromium-driver`), driven by Selenium 4.51 with an explicit chromedriver path so that
Selenium Manager never runs. The flags keep Chromium's background services off the network: only localhost is reached.
The console must be opened at http(s)://localhost:<port> (an IP address is not a valid WebAuthn relying party id).
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.virtual_authenticator import (
        Credential,
        Protocol,
        Transport,
        VirtualAuthenticatorOptions,
    )
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    SELENIUM_PROBLEM = None
except ImportError as import_error:
    SELENIUM_PROBLEM = f"selenium is not installed ({import_error}); pip install selenium==4.51.0"

CHROMIUM = Path("/usr/lib/chromium/chromium")  # the real binary; /usr/bin/chromium is a wrapper script
CHROMEDRIVER = Path("/usr/bin/chromedriver")
VIEWPORT = (1100, 800)  # the page area screenshots show
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "images"
LOOPBACK_ONLY_FLAGS = [
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
    "--disable-extensions", "--no-pings", "--disable-domain-reliability",
    "--disable-client-side-phishing-detection", "--metrics-recording-only",
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=localhost;127.0.0.1;[::1]",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]
# What the console script shows when navigator.credentials answers NotAllowedError.
NOT_ALLOWED_MESSAGE = "The security key was not used: the request timed out or was cancelled. Try again."
# What #webauthn-status shows while a ceremony runs.
WEBAUTHN_PROGRESS = ("Waiting for your security key…", "Checking…")
CAPTURED_KEY = "vegas-test-captured"


def browser_problem() -> str | None:
    """Why the browser tests cannot run on this machine, or None."""
    if SELENIUM_PROBLEM:
        return SELENIUM_PROBLEM
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (path.is_file() and os.access(path, os.X_OK)):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


def start_chromium(extra_flags: Sequence[str] = ()) -> "webdriver.Chrome":
    """Headless Chromium with the loopback-only flags and `extra_flags` (e.g. --ignore-certificate-errors)."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in [
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
        "--hide-scrollbars", *LOOPBACK_ONLY_FLAGS, *extra_flags,
    ]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_script_timeout(20)
    driver.set_page_load_timeout(20)
    set_viewport(driver, *VIEWPORT)
    return driver


def set_viewport(driver: "webdriver.Chrome", width: int, height: int) -> None:
    """Sizes the window so that the page area is width × height (the window includes some browser frame)."""
    frame_width, frame_height = driver.execute_script(
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]"
    )
    driver.set_window_size(width + frame_width, height + frame_height)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


@dataclass(frozen=True)
class StoredKey:
    """A credential read back from a virtual authenticator: enough to inject the same key again."""

    credential_id: bytes
    rp_id: str
    private_key: bytes
    sign_count: int


class ConsoleBrowser:
    """One Chromium tab on one server's console, with the WebAuthn virtual authenticator it currently holds."""

    def __init__(self, driver: "webdriver.Chrome", origin: str):
        self.driver = driver
        self.origin = origin
        self.injected_scripts: list[str] = []

    def _wait(self, timeout: float) -> "WebDriverWait":
        """A wait that polls often and retries when the page is replaced under a check (stale or detached nodes)."""
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05, ignored_exceptions=(WebDriverException,))

    # Navigation -----------------------------------------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.driver.get(self.origin + path)

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    def wait_for_path(self, path: str, timeout: float = 15) -> None:
        """Waits until the tab shows `path` (and its document has loaded)."""
        try:
            self._wait(timeout).until(
                lambda d: urlsplit(d.current_url).path == path
                and d.execute_script("return document.readyState") == "complete"
            )
        except TimeoutException:
            raise AssertionError(
                f"expected {path}, still on {self.path} after {timeout} s; page says: {self.visible_messages()!r}"
            ) from None

    def wait_for_text(self, element_id: str, predicate, timeout: float = 15) -> str:
        """Waits until the text of #element_id satisfies `predicate`; returns it."""
        try:
            return self._wait(timeout).until(
                lambda d: (text := self._text_or_none(element_id)) is not None and predicate(text) and text
            )
        except TimeoutException:
            raise AssertionError(
                f"#{element_id} is {self._text_or_none(element_id)!r} on {self.path} after {timeout} s"
            ) from None

    def submit(self, button_id: str, expect_path: str | None = None, timeout: float = 15) -> None:
        """Clicks a button or link that loads a new document and waits for it (and for `expect_path`, if given)."""
        old_document = self.driver.find_element(By.TAG_NAME, "html")
        self.click(button_id)
        try:
            self._wait(timeout).until(staleness_of(old_document))
            self._wait(timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")
        except TimeoutException:
            raise AssertionError(f"#{button_id} on {self.path} loaded no new page within {timeout} s") from None
        if expect_path is not None:
            self.wait_for_path(expect_path, timeout)

    def webauthn_result(self, success_path: str, timeout: float = 15) -> str | None:
        """Waits for the console script's WebAuthn ceremony to end: None when it went on to `success_path`, else the
        error it shows in #webauthn-status."""
        def outcome(driver) -> tuple[str | None] | None:
            path, status_class, status_text = driver.execute_script(
                "const s = document.getElementById('webauthn-status');"
                "return [location.pathname, s ? s.className : '', s ? s.textContent.trim() : ''];"
            )
            if path == success_path:
                return (None,)
            failed = "error" in status_class.split() and status_text not in WEBAUTHN_PROGRESS
            return (status_text,) if failed else None

        try:
            (error,) = self._wait(timeout).until(outcome)
        except TimeoutException:
            raise AssertionError(
                f"WebAuthn on {self.path} did not finish within {timeout} s: {self.visible_messages()}"
            ) from None
        if error is None:
            self.wait_for_path(success_path, timeout)
        return error

    def expect_webauthn_success(self, success_path: str) -> None:
        error = self.webauthn_result(success_path)
        assert error is None, f"the security key was refused on {self.path}: {error}"

    # Elements -------------------------------------------------------------------------------------------------------

    def element(self, element_id: str):
        return self.driver.find_element(By.ID, element_id)

    def exists(self, element_id: str) -> bool:
        return bool(self.driver.find_elements(By.ID, element_id))

    def text(self, element_id: str) -> str:
        return self.element(element_id).text.strip()

    def _text_or_none(self, element_id: str) -> str | None:
        found = self.driver.find_elements(By.ID, element_id)
        return found[0].text.strip() if found else None

    def fill(self, element_id: str, value: str) -> None:
        field = self.element(element_id)
        field.clear()
        field.send_keys(value)

    def click(self, element_id: str) -> None:
        self.element(element_id).click()

    def choose(self, name: str, value: str) -> None:
        """Clicks the radio button `name`=`value`."""
        self.driver.find_element(By.CSS_SELECTOR, f'input[type=radio][name="{name}"][value="{value}"]').click()

    def radio_values(self, name: str) -> list[str]:
        return [e.get_attribute("value") for e in self.driver.find_elements(By.CSS_SELECTOR, f'input[name="{name}"]')]

    def notice(self) -> str | None:
        """The one-time notice at the top of the page (e.g. "MFA device x assigned."), if any."""
        found = self.driver.find_elements(By.CSS_SELECTOR, "p.notice")
        return found[0].text.strip() if found else None

    def visible_messages(self) -> str:
        """The page's error, notice and WebAuthn status texts, for failure messages."""
        parts = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".error, .notice, #webauthn-status")]
        return " | ".join(p for p in parts if p) or "(no message)"

    def table_rows(self, table_id: str) -> list[list[str]]:
        """The cell texts of each body row of #table_id ([] when the table is absent)."""
        return [
            [cell.text.strip() for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in self.driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
        ]

    # Console flows --------------------------------------------------------------------------------------------------

    def sign_in(self, account: str, password: str, user: str | None = None) -> None:
        """Fills and submits the password step (as root when `user` is None) and waits for the page it leads to."""
        self.open("/console/signin")
        self.wait_for_path("/console/signin")
        self.fill("account", account)
        self.click("kind-root" if user is None else "kind-user")
        if user is not None:
            self.fill("username", user)
        self.fill("password", password)
        self.submit("signin")

    def remove_device(self, serial: str) -> None:
        """Clicks Remove in the devices table row of `serial`."""
        old_document = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(
            By.XPATH, f"//table[@id='mfa-devices']//form[input[@name='serial' and @value='{serial}']]//button"
        ).click()
        self._wait(15).until(staleness_of(old_document))
        self.wait_for_path("/console/security-credentials")

    def sign_out(self) -> None:
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/console/signout'] button").click()
        self.wait_for_path("/console/signin")

    def enter_code(self, code: str) -> None:
        self.fill("code", code)
        self.submit("submit-code")

    def security_credentials(self) -> None:
        self.open("/console/security-credentials")
        self.wait_for_path("/console/security-credentials")

    def start_assign(self, name: str, kind: str) -> None:
        """Assign MFA device → name and type (`authenticator`, `security-key` or `hardware`) → Next."""
        self.security_credentials()
        self.click("assign-mfa")
        self.wait_for_path("/console/mfa/assign")
        self.fill("device-name", name)
        self.click(f"type-{kind}")
        self.submit("next")

    def register_security_key(self, name: str, screenshot: str | None = None) -> None:
        """Registers the current virtual authenticator's new key as `name`; fails with the page's message if refused."""
        self.start_assign(name, "security-key")
        assert self.path == "/console/mfa/assign/security-key", f"on {self.path}: {self.visible_messages()}"
        if screenshot:
            self.screenshot(screenshot)
        self.click("register-security-key")
        self.expect_webauthn_success("/console/security-credentials")

    def reveal_secret(self) -> str:
        """Opens "Show secret key" on the authenticator app page and returns the secret it shows."""
        self.driver.find_element(By.CSS_SELECTOR, "#show-secret summary").click()
        return self.wait_for_text("secret-key", bool)

    # WebAuthn -------------------------------------------------------------------------------------------------------

    def add_authenticator(self, protocol: str = "ctap2") -> None:
        """Plugs in a virtual USB security key: `ctap2` (with user verification) or `u2f` (CTAP1, no UV)."""
        ctap2 = protocol == "ctap2"
        self.driver.add_virtual_authenticator(VirtualAuthenticatorOptions(
            protocol=Protocol.CTAP2 if ctap2 else Protocol.U2F, transport=Transport.USB, has_resident_key=False,
            has_user_verification=ctap2, is_user_consenting=True, is_user_verified=ctap2,
        ))

    def remove_authenticator(self) -> None:
        if self.driver.virtual_authenticator_id is not None:
            self.driver.remove_virtual_authenticator()

    def stored_keys(self) -> list[StoredKey]:
        return [
            StoredKey(b64url_decode(c.id), c.rp_id, b64url_decode(c.private_key), c.sign_count)
            for c in self.driver.get_credentials()
        ]

    def inject_key(self, key: StoredKey, sign_count: int) -> None:
        """Puts `key` into the current authenticator with the given signature counter."""
        self.driver.add_credential(Credential.create_non_resident_credential(
            bytearray(key.credential_id), key.rp_id, bytearray(key.private_key), sign_count,
        ))

    def replace_key(self, key: StoredKey, sign_count: int) -> None:
        """Swaps `key` in the current authenticator for a copy with another signature counter (a cloned key)."""
        self.driver.remove_credential(b64url(key.credential_id))
        self.inject_key(key, sign_count)

    def run_on_every_page(self, source: str) -> None:
        """Runs `source` before any page script on every document this tab loads (until `reset`)."""
        result = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        self.injected_scripts.append(result["identifier"])

    def shorten_webauthn_timeouts(self, milliseconds: int = 3000) -> None:
        """Makes the console's WebAuthn requests give up after `milliseconds` (the server asks for five minutes)."""
        self.run_on_every_page(f"""
            for (const name of ["parseCreationOptionsFromJSON", "parseRequestOptionsFromJSON"]) {{
              const parse = PublicKeyCredential[name].bind(PublicKeyCredential);
              PublicKeyCredential[name] = options => parse({{ ...options, timeout: {milliseconds} }});
            }}""")

    def capture_security_key_posts(self) -> None:
        """Keeps (in sessionStorage, which survives the redirect) the last body the page posts to a …/verify URL."""
        self.run_on_every_page(f"""
            const originalFetch = window.fetch;
            window.fetch = function (url, init) {{
              if (String(url).endsWith("/verify") && init && typeof init.body === "string") {{
                sessionStorage.setItem("{CAPTURED_KEY}", init.body);
              }}
              return originalFetch.apply(this, arguments);
            }};""")

    def captured_post(self) -> str | None:
        return self.driver.execute_script(f"return sessionStorage.getItem('{CAPTURED_KEY}')")

    # Housekeeping ---------------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to a blank tab: no virtual authenticator, no injected scripts, no cookies or storage."""
        self.remove_authenticator()
        for identifier in self.injected_scripts:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier})
        self.injected_scripts.clear()
        if self.driver.current_url.startswith(self.origin):
            self.driver.execute_script("sessionStorage.clear()")
        self.driver.delete_all_cookies()
        self.driver.get("about:blank")
        set_viewport(self.driver, *VIEWPORT)

    def screenshot(self, page: str, full_height: bool = False) -> None:
        """Saves docs/images/console-<page>.png when VEGAS_SCREENSHOTS=1 (CI leaves the checked-in images alone)."""
        if os.environ.get("VEGAS_SCREENSHOTS") != "1":
            return
        if full_height:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            set_viewport(self.driver, VIEWPORT[0], max(VIEWPORT[1], height))
        time.sleep(0.2)  # let a resize or a focus ring settle
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(SCREENSHOT_DIR / f"console-{page}.png"))
        if full_height:
            set_viewport(self.driver, *VIEWPORT)
