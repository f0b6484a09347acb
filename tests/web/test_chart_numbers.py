"""Every number written into an SVG or an HTML attribute is locale-independent.

Swedish writes decimals with a comma (`64,0`); inside `y1="64,0"` that is not a number,
and the browser drops the shape. Every chart of the demo is rendered in Swedish and in
English, each SVG is parsed and every numeric attribute must parse as numbers, and the
HTML attributes that hold numbers (style widths, meter and progress values, ARIA values)
must not carry a decimal comma either.
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cxlean.journeys.models import Journey
from cxlean.maturity.models import Assessment
from cxlean.metrics.models import Metric
from cxlean.org.models import Unit
from cxlean.plans.models import Plan
from tests.demo_once import ON_ONE_WORKER, demo_for_module

pytestmark = [pytest.mark.django_db, ON_ONE_WORKER]

# SVG attributes that hold one number (a decimal comma makes it two, or nothing).
SVG_NUMBER = {
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy",
    "width", "height", "stroke-width", "offset", "font-size",
}  # fmt: skip
# SVG attributes that hold a list of numbers, a path or a transform: a number there has
# a decimal point, never a decimal comma between two digits that belong together, which
# the lists are written to avoid (coordinates are separated by a comma and a space or
# by a space: "1.5,2 3,4" is never written as "1,5,2").
SVG_LISTS = {"viewbox", "points", "d", "transform", "stroke-dasharray"}
# HTML attributes that hold one number.
HTML_NUMBER = {
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "progress": {"value", "max"},
}
ARIA_NUMBER = {"aria-valuenow", "aria-valuemin", "aria-valuemax"}
ONE_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?(?:%|em|px)?$")
LIST = re.compile(r"^[\sA-Za-z(),.\d-]*$")
DECIMAL_COMMA = re.compile(r"\d,\d")


def wrong_attribute(tag: str, name: str, value: str, in_svg: bool) -> bool:
    if in_svg and name in SVG_NUMBER:
        return not ONE_NUMBER.match(value)
    if in_svg and name in SVG_LISTS:
        return not LIST.match(value) or bool(re.search(r"\d,\d+,\d", value))
    if name in HTML_NUMBER.get(tag, ()) or name in ARIA_NUMBER:
        return not ONE_NUMBER.match(value)
    if name == "style":
        return bool(DECIMAL_COMMA.search(value))
    return False


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, built once for this module (see tests/demo_once.py)."""
    with demo_for_module(django_db_blocker) as output:
        yield output


class Attributes(HTMLParser):
    """Collects (tag, attribute, value, inside an svg) for every attribute of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.found: list[tuple[str, str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        for name, value in attrs:
            self.found.append((tag, name, value or "", self.depth > 0))

    def handle_startendtag(self, tag, attrs):
        for name, value in attrs:
            self.found.append((tag, name, value or "", self.depth > 0))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


def wrong_numbers(html: str) -> list[str]:
    parser = Attributes()
    parser.feed(html)
    return [
        f'<{tag} {name}="{value}">'
        for tag, name, value, in_svg in parser.found
        if wrong_attribute(tag, name, value, in_svg)
    ]


def chart_pages() -> list[str]:
    plan = Plan.objects.order_by("pk").first()
    assert plan is not None
    pages = [
        reverse("home"),
        reverse("plans:list"),
        reverse("plans:detail", args=[plan.pk]),
        reverse("backlog:chart"),
        reverse("checklists:progress"),
        reverse("metrics:overview"),
        reverse("maturity:compare"),
        reverse("admin:index"),
        reverse("admin:competence_coverage"),
    ]
    pages += [
        reverse("journeys:map", args=[pk]) for pk in Journey.objects.values_list("pk", flat=True)
    ]
    pages += [
        reverse("metrics:trend", args=[kind])
        for kind in Metric.objects.values_list("kind", flat=True)
    ]
    pages += [
        reverse("maturity:detail", args=[pk])
        for pk in Assessment.objects.values_list("pk", flat=True)
    ]
    pages += [
        reverse("admin:insights_unit", args=[pk])
        for pk in Unit.objects.values_list("pk", flat=True)[:3]
    ]
    return pages


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_chart_writes_numbers_a_browser_can_read(built, client, language):
    client.force_login(get_user_model().objects.get(username="manager"))
    client.cookies["django_language"] = language
    svgs = 0
    problems = {}
    for url in chart_pages():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        html = response.content.decode()
        svgs += html.count("<svg")
        if wrong := wrong_numbers(html):
            problems[url] = wrong[:5]
    assert svgs >= 20
    assert problems == {}


def test_the_check_catches_a_decimal_comma():
    assert wrong_numbers('<svg viewBox="0 0 10 10"><line y1="64,0" x1="2"/></svg>')
    assert wrong_numbers('<svg><polyline points="1,5 2,5"/></svg>') == []
    assert wrong_numbers('<svg><polyline points="1,5,2,5 3,0,4,0"/></svg>')
    assert wrong_numbers('<svg><text dy="0.35em">1,5</text></svg>') == []
    assert wrong_numbers('<span style="width: 42,5%"></span>')
    assert wrong_numbers('<meter value="0,5"></meter>')
    assert wrong_numbers('<svg><circle cx="28.0" cy="3" r="4"/></svg>') == []
