"""The manual's screenshots, taken from a running demo (`make screenshots` starts one).

Drives Debian's Chromium with Playwright, signed in as the demo people, and writes
docs/screenshots/<lang>/<name>-<desktop|phone>.png for every page in SHOTS, in Swedish and
English. The chapters reference them as `![...](screenshots/<name>-desktop.png)`; a test
fails when a referenced screenshot is missing.

    BASE_URL=http://127.0.0.1:8000 .venv/bin/python scripts/screenshots.py
"""

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "cxlean-demo"
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}

# name -> (demo user, path)
SHOTS = {
    "home": ("employee", "/"),
    "plans": ("coordinator", "/plans/"),
    "competence": ("employee", "/competence/"),
    "sign-off-queue": ("coordinator", "/competence/queue/"),
    "improvements": ("coordinator", "/improvements/"),
    "board": ("coordinator", "/improvements/board/"),
    "chart": ("coordinator", "/improvements/chart/"),
    "checklists": ("employee", "/checklists/"),
    "gemba": ("coordinator", "/gemba/"),
    "metrics": ("manager", "/metrics/"),
    "survey-sources": ("coordinator", "/metrics/sources/"),
    "maturity": ("manager", "/maturity/"),
    "manual": ("employee", "/help/"),
}


def main() -> int:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for language in ("sv", "en"):
            (OUT / language).mkdir(parents=True, exist_ok=True)
            for user in sorted({user for user, _path in SHOTS.values()}):
                context = browser.new_context(base_url=BASE_URL)
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": BASE_URL}]
                )
                page = context.new_page()
                page.goto("/accounts/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.locator("main form [type=submit]").first.click()
                page.wait_for_load_state()
                for name, (who, path) in SHOTS.items():
                    if who != user:
                        continue
                    for size, (width, height) in SIZES.items():
                        page.set_viewport_size({"width": width, "height": height})
                        response = page.goto(path)
                        if response is None or response.status != 200:
                            print(f"{language} {path}: {response and response.status}")
                            return 1
                        target = OUT / language / f"{name}-{size}.png"
                        page.screenshot(path=str(target))
                        print(target.relative_to(ROOT))
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
