"""The test side of the test provider: start it, set it up, sign in at it."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    url: str
    process: subprocess.Popen | None = None
    clients: set[str] = field(default_factory=set)

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @classmethod
    def start(cls, folder: Path) -> Provider:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(folder / "provider.sqlite3")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.match(r"listening on (\S+)", line)
        if match is None:
            process.kill()
            raise RuntimeError(f"The test provider did not start: {line!r}")
        return cls(url=match.group(1), process=process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def person(self, username: str, password: str = "provider-pass", **values) -> str:
        """Create or change a person at the provider; returns their subject (`sub`)."""
        response = requests.post(
            f"{self.url}/testing/people/",
            json={"username": username, "password": password, **values},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["sub"]

    def client(self, client_id: str, secret: str, redirect_uris: list[str], **values) -> None:
        response = requests.post(
            f"{self.url}/testing/clients/",
            json={
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": redirect_uris,
                **values,
            },
            timeout=10,
        )
        response.raise_for_status()

    def sign_in(self, authorize_url: str, username: str, password: str = "provider-pass"):
        """A browser at the provider: open the authorization URL, sign in on the
        provider's login page, and return the response that sends it back (the redirect
        to the client's callback) or the page that stopped it."""
        browser = requests.Session()
        page = browser.get(authorize_url, timeout=10)
        if "/login/" not in page.url:
            return page
        response = browser.post(
            page.url,
            data={
                "username": username,
                "password": password,
                "next": _next(page.url),
                "csrfmiddlewaretoken": _csrf_token(page.text),
            },
            allow_redirects=False,
            timeout=10,
        )
        while response.status_code == 302:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.url):
                response.headers["Location"] = location
                return response
            response = browser.get(location, allow_redirects=False, timeout=10)
        return response


def _next(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query).get("next", [""])[0]


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else ""
