"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium for the browser tests ({CHROMIUM} missing).")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def new_page(
    browser, base_url: str, width: int = 1280, height: int = 900, *, bypass_csp: bool = False
):
    """A page in a browser context of its own (its own cookies: one person per context).
    `bypass_csp` only for tests that inject their own script (axe-core): the app's
    Content-Security-Policy refuses inline scripts, as it should."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="sv-SE",
        base_url=base_url,
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server.url)
    yield page
    page.context.close()


def browser_problems(page) -> list[str]:
    """A list that fills with what the browser reports going wrong on the page from now on:
    Content-Security-Policy violations, console errors and uncaught script errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
