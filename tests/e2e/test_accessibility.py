"""Every main page, as the demo's coordinator, employee and manager: axe-core finds no
violation of any impact, no page scrolls sideways on a phone (375 px) nor do the cards of
a stacked table, and on a laptop (1280 px) no table cell clips its content and no table
but the competence matrix scrolls sideways.

axe-core is vendored in tests/e2e/vendor/axe-core/ (see its README); it is only loaded
into the pages by this test. Each role logs in once and visits its pages in one loop, and
the test reports every failure of every page at once.
"""

import re
from pathlib import Path

import pytest

from tests.demo_once import ON_ONE_WORKER, demo_for_module
from tests.e2e.conftest import log_in, new_page, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), ON_ONE_WORKER]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
DEMO_PASSWORD = "cxlean-demo"
PHONE, LAPTOP = 375, 1280

# A page, or ("list page", "pattern of the detail page to open from it").
EVERYONE = [
    "/",
    ("/plans/", r"/plans/\d+/"),
    "/competence/",
    "/competence/queue/",
    ("/improvements/", r"/improvements/\d+/"),
    "/improvements/board/",
    "/improvements/chart/",
    ("/journeys/", r"/journeys/\d+/"),
    ("/voice/", r"/voice/\d+/"),
    ("/gemba/", r"/gemba/\d+/"),
    "/metrics/",
    "/metrics/nps/",
    ("/maturity/", r"/maturity/\d+/"),
    "/maturity/compare/",
    "/notifications/",
    "/exports/",
    ("/organisation/", r"/organisation/\d+/"),
    "/organisation/roles/",
    "/organisation/proposals/",
    "/guide/",
]
# Coordinators and management open a checklist from the progress page, an employee their own.
LEADS = [
    "/competence/matrix/",
    "/checklists/",
    ("/checklists/progress/", r"/checklists/\d+/"),
    "/gemba/cadence/",
    ("/metrics/sources/", r"/metrics/sources/\d+/"),
]
PAGES = {
    "coordinator": [*EVERYONE, *LEADS, "/imports/"],
    "employee": [*EVERYONE, ("/checklists/", r"/checklists/\d+/")],
    "manager": [*EVERYONE, *LEADS, "/admin/"],
}

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
CLIPPED_CELLS = """() => [...document.querySelectorAll("th, td")]
  .filter(cell => cell.getClientRects().length && cell.scrollWidth > cell.clientWidth + 1)
  .map(cell => (cell.closest("table").className + ": " + cell.textContent.trim()).slice(0, 80))"""
# Tables that fit a laptop: none scrolls sideways there (the competence matrix, people
# by activities, is the one table meant to be wider than the screen).
SCROLLING_TABLES = """() => [...document.querySelectorAll(".table-wrap:not(.matrix-wrap)")]
  .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
  .map(wrap => wrap.querySelector("table").className)"""
# Tables that become cards on a phone (.table--stack) must fit it without scrolling.
SCROLLING_CARDS = """() => [...document.querySelectorAll(".table-wrap")]
  .filter(wrap => wrap.querySelector(".table--stack") && wrap.scrollWidth > wrap.clientWidth + 1)
  .map(wrap => wrap.querySelector("table").className)"""
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + [...e.classList].join("."))"""


@pytest.fixture
def demo(django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def detail_link(page, pattern: str) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "all => all.map(a => a.getAttribute('href'))")
    return next((href for href in hrefs if re.fullmatch(pattern, href)), None)


def check(page, path: str) -> list[str]:
    """Everything wrong with the page at `path`, as lines of the test's report."""
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{path}: answered {response.status if response else 'nothing'}"]
    problems = []
    page.add_script_tag(content=AXE)
    for violation in page.evaluate(AXE_RUN):
        nodes = ", ".join(violation["nodes"])
        problems.append(f"{path}: axe {violation['id']} ({violation['impact']}) at {nodes}")
    for cell in page.evaluate(CLIPPED_CELLS):
        problems.append(f"{path}: at {LAPTOP} px a cell clips {cell!r}")
    for table in page.evaluate(SCROLLING_TABLES):
        problems.append(f"{path}: at {LAPTOP} px the table {table!r} scrolls sideways")
    page.set_viewport_size({"width": PHONE, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE:
        widest = page.evaluate(WIDEST)
        problems.append(f"{path}: at {PHONE} px the page is {width} px wide ({widest})")
    for table in page.evaluate(SCROLLING_CARDS):
        problems.append(f"{path}: at {PHONE} px the cards of {table!r} are wider than the screen")
    return problems


@pytest.mark.parametrize(
    ("username", "language"), [("coordinator", "sv"), ("employee", "sv"), ("manager", "en")]
)
def test_main_pages_are_accessible_and_fit(browser, live_server, demo, username, language):
    page = new_page(browser, live_server.url, bypass_csp=True)  # axe is injected
    try:
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        log_in(page, username, DEMO_PASSWORD)
        problems: list[str] = []
        visited = 0
        for entry in PAGES[username]:
            path, pattern = entry if isinstance(entry, tuple) else (entry, None)
            problems += check(page, path)
            visited += 1
            if pattern:
                detail = detail_link(page, pattern)
                if detail is None:
                    problems.append(f"{path}: no link to a page like {pattern}")
                    continue
                problems += check(page, detail)
                visited += 1
        if problems:
            screenshot(page, f"accessibility-{username}")
        assert not problems, f"{len(problems)} problems on {visited} pages:\n" + "\n".join(problems)
    finally:
        page.context.close()
