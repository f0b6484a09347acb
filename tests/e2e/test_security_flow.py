"""The Content-Security-Policy in a browser: the main pages run their scripts (htmx, the
board's and the matrix's) and the browser reports no violation on any of them."""

import pytest

from tests.e2e.conftest import browser_problems, log_in
from tests.factories import PASSWORD, ItemFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/improvements/board/", "/competence/matrix/", "/plans/", "/gemba/", "/api/docs/"]


def test_no_page_breaks_the_content_security_policy(page, bob, alice, service_unit):
    ItemFactory(title="Kortare kö i chatten", unit=service_unit)
    problems = browser_problems(page)
    log_in(page, "bob", PASSWORD)
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "script-src" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        if path != "/api/docs/":
            assert page.evaluate("typeof window.htmx") == "object", path
    assert page.locator("#swagger-ui .info").count() == 1  # Swagger UI started
    assert problems == []
