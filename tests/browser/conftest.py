"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against the
live test server. Playwright may not download browsers here, so the executable is given.

`signed_in_page(user)` signs a practitioner in through the real sign-in pages, second
factor included, and returns the Playwright page.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browsers` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def current_code(user: Any) -> str:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def signed_in_page(page: Any, live_server: Any) -> Callable[[Any], Any]:
    def sign_in(user: Any) -> Any:
        TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Security code").fill(current_code(user))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Iterator[Callable[[Any], Any]]:
    """Each practitioner at their own desk: `sign_in(user)` opens a fresh browser context and
    signs in through the real pages with the second factor, for journeys where several people
    act in turn (the code follows a time_machine-travelled clock on both sides)."""
    contexts: list[Any] = []

    def at_desk(user: Any) -> Any:
        TOTPDevice.objects.get_or_create(user=user, name="default", defaults={"confirmed": True})
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Security code").fill(current_code(user))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield at_desk
    for context in contexts:
        context.close()
