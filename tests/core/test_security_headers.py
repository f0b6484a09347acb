"""Browser security: the Content-Security-Policy on every page (scripts only from cxlean
or with the page's nonce, no inline event handlers), Permissions-Policy, nosniff, and a
production configuration that `check --deploy` finds nothing in."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[2]

# Pages that answer a GET with something other than a page of their own.
NOT_PAGES = ("/accounts/logout/", "/i18n/", "/healthz/", "/api/")


def page_paths(patterns=None, prefix: str = "") -> list[str]:
    """Every address without a parameter: the main pages, the lists, the admin's index."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            if route == "admin/":
                found.append("/admin/")
                continue
            found += page_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append("/" + prefix + route)
    return sorted({path for path in found if not path.startswith(NOT_PAGES)})


HANDLER = re.compile(
    r"on(click|dblclick|change|submit|input|load|error|focus|blur|reset|select|scroll|resize"
    r"|toggle|close|cancel|invalid|wheel|contextmenu|copy|cut|paste|drop|beforeunload|unload"
    r"|key\w+|mouse\w+|pointer\w+|touch\w+|drag\w*|animation\w+|transition\w+)"
)


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[dict] = []
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            kind = attributes.get("type", "text/javascript")
            if kind in ("text/javascript", "module", "application/javascript"):
                self.inline.append(attributes)
        for name, value in attrs:
            if HANDLER.fullmatch(name) or (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append((tag, name))


def nonce_of(header: str) -> str | None:
    match = re.search(r"'nonce-([^']+)'", header)
    return match.group(1) if match else None


@pytest.fixture
def pages(root):
    from tests.conftest import login

    return login(root)


def test_every_page_sends_the_policy_and_runs_no_script_without_its_nonce(pages, bob):
    paths = page_paths()
    assert {"/", "/competence/matrix/", "/improvements/board/", "/admin/"} <= set(paths)
    checked = 0
    for path in paths:
        response = pages.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        policy = response["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy, path
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert "microphone=()" in response["Permissions-Policy"], path
        parser = Scripts()
        parser.feed(response.content.decode())
        nonce = nonce_of(policy)
        assert all(script.get("nonce") == nonce for script in parser.inline), path
        assert parser.handlers == [], (path, parser.handlers)
    assert checked > 20


def test_the_login_page_has_the_policy_too(client, db):
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" in response
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_scripts_or_handlers():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        parser = Scripts()
        parser.feed(text)
        assert parser.handlers == [], template
        assert all("nonce" in script for script in parser.inline), template


def test_check_deploy_finds_nothing_in_a_production_configuration():
    # The browser tests' process sets DJANGO_ALLOW_ASYNC_UNSAFE; production does not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "cxlean.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "cxlean.example.org",
        "EMAIL_URL": "smtp+tls://cxlean:secret@mail.example.org:587",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_sends_hsts_and_redirects_to_https():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxlean.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.stdout.split() == ["31536000", "True", "True"], done.stderr
