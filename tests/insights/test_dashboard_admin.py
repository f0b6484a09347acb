"""Management's maturity dashboard, the admin's first page, and a unit's drill-down:
who sees what, that they lead with the answer and link on, that they offer no forms,
and that they run a constant number of queries as units grow.

Alice (employee, Team Chatt), Bob (coordinator, Kundservice), Carol (coordinator,
Försäljning), Maria (management) and Root (superuser) come from tests/conftest.py; the
data from tests/insights/conftest.py (`review`: assessments and NPS figures relative to
today)."""

import re

import pytest
from django.urls import reverse

from tests.factories import ItemFactory, PhaseFactory, PlanFactory, UnitFactory
from tests.insights.conftest import completed_assessment, entered

pytestmark = pytest.mark.django_db
INDEX = "/admin/"


def unit_page(unit) -> str:
    return reverse("admin:insights_unit", args=[unit.pk])


def forms_in(html: str) -> list[str]:
    """The forms of a page other than the header's log-out form."""
    forms = re.findall(r"<form[^>]*>", html)
    return [form for form in forms if "logout" not in form]


def test_management_sees_the_dashboard_of_every_unit(review, maria, as_user, service_unit):
    response = as_user(maria).get(INDEX, language="en")
    assert response.status_code == 200
    html = response.content.decode()
    dashboard = response.context["dashboard"]
    assert [row.unit.name for row in dashboard.rows] == [
        "Företaget",
        "Kundservice",
        "Team Chatt",
        "Försäljning",
    ]
    assert "Level 4 Managed" in html
    assert "up from level 2 Aware" in html
    assert unit_page(service_unit) in html


def test_the_dashboard_leads_with_what_moved_and_what_is_off_target(review, maria, as_user):
    dashboard = as_user(maria).get(INDEX, language="en").context["dashboard"]
    assert [row.unit.name for row in dashboard.moved] == ["Kundservice"]
    assert [(row.unit.name, line.metric.kind) for row, line in dashboard.off_target] == [
        ("Försäljning", "nps")
    ]


def test_the_dashboard_offers_management_no_forms_and_no_add_or_change_links(
    review, maria, as_user
):
    html = as_user(maria).get(INDEX, language="en").content.decode()
    assert forms_in(html) == []
    assert "/add/" not in html
    assert "addlink" not in html


def test_the_metrics_show_the_latest_figure_target_and_small_sample(review, maria, as_user):
    response = as_user(maria).get(INDEX, language="en")
    service = next(row for row in response.context["dashboard"].rows if row.unit.code == "service")
    line = service.metrics[0]
    assert (line.latest.value, line.latest.target, line.on_target) == (35, 20, True)
    assert line.latest.small_sample is True
    assert line.trend_words == "improving"
    assert "small sample" in response.content.decode()


def test_a_coordinator_sees_their_units_only(review, bob, as_user):
    dashboard = as_user(bob).get(INDEX).context["dashboard"]
    assert [row.unit.name for row in dashboard.rows] == ["Kundservice", "Team Chatt"]


def test_the_dashboard_renders_in_swedish_by_default(review, maria, as_user):
    response = as_user(maria).get(INDEX)
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()
    assert "Styrd" in response.content.decode()  # the level's Swedish name


@pytest.mark.parametrize("who", ["alice", "anonymous"])
def test_employees_and_strangers_are_sent_to_the_admin_login(
    review, alice, as_user, client, who, service_team
):
    browser = as_user(alice) if who == "alice" else client
    for url in (INDEX, unit_page(service_team)):
        response = browser.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_superuser_sees_every_unit(review, root, as_user):
    assert len(as_user(root).get(INDEX).context["dashboard"].rows) == 4


def test_a_coordinator_opens_a_sub_unit_of_their_own(review, bob, as_user, service_team):
    response = as_user(bob).get(unit_page(service_team))
    assert response.status_code == 200
    assert response.context["page"].overview.unit == service_team


def test_every_link_on_the_dashboard_opens_for_management(review, maria, as_user):
    """The click-throughs lead to admin pages that exist and that management may read."""
    client = as_user(maria)
    html = client.get(INDEX).content.decode()
    links = set(re.findall(r'href="(/admin/[^"#]+)"', html.replace("&amp;", "&")))
    assert len(links) > 20
    for link in sorted(links):
        if "logout" in link or "password_change" in link:
            continue
        assert client.get(link).status_code == 200, link


def test_management_drills_into_a_unit(review, maria, as_user, service_unit, service_team):
    response = as_user(maria).get(unit_page(service_unit), language="en")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.overview.unit == service_unit
    assert [row.unit for row in page.subunits] == [service_team]
    assert len(page.assessments) == 2
    overall = page.history[0]
    assert [str(score) for score, _level in overall.cells] == ["2.00", "3.50"]
    assert [history.metric.kind for history in page.metrics] == ["nps"]
    html = response.content.decode()
    assert "<svg" in html and "<table" in html
    assert forms_in(html) == []


def test_a_coordinator_cannot_open_another_units_page(
    review, bob, as_user, sales_unit, service_unit
):
    client = as_user(bob)
    assert client.get(unit_page(sales_unit)).status_code == 404
    assert client.get(unit_page(service_unit)).status_code == 200


def test_an_unknown_unit_is_a_404(review, maria, as_user):
    assert as_user(maria).get(reverse("admin:insights_unit", args=[999999])).status_code == 404


def grow(company, maturity_model, nps, bob, count: int) -> None:
    """`count` more departments, each with a team, an assessment, a plan, improvements
    and NPS figures."""
    for _index in range(count):
        department = UnitFactory(parent=company)
        team = UnitFactory(parent=department)
        completed_assessment(department, 40, [3, 3], maturity_model, bob)
        completed_assessment(department, 10, [4, 3], maturity_model, bob)
        PhaseFactory(plan=PlanFactory(unit=department))
        ItemFactory(unit=team)
        entered(nps, department, 1, "15")
        entered(nps, team, 1, "40", sample=3)


def test_the_dashboard_runs_a_constant_number_of_queries(
    review, maria, as_user, company, maturity_model, nps, bob, count_queries
):
    client = as_user(maria)
    client.get(INDEX)  # the session and the user's groups are read once

    def queries_after_growing(count: int) -> int:
        grow(company, maturity_model, nps, bob, count)
        return count_queries(client, INDEX)

    assert queries_after_growing(1) == queries_after_growing(6)


def test_the_unit_page_runs_a_constant_number_of_queries(
    review, maria, as_user, company, maturity_model, nps, bob, count_queries
):
    client = as_user(maria)

    def queries_after_growing(count: int) -> int:
        grow(company, maturity_model, nps, bob, count)
        completed_assessment(company, 5 + count, [2, 3], maturity_model, bob)
        return count_queries(client, unit_page(company))

    assert queries_after_growing(1) == queries_after_growing(6)


# --- one note per table, tables keyboard users can scroll -----------------------------------


def test_small_samples_are_marked_and_explained_once_per_table(review, maria, as_user):
    response = as_user(maria).get(INDEX, language="en")
    html = response.content.decode()
    dashboard = response.context["dashboard"]
    assert dashboard.has_small_samples
    table = html.split('id="metrics-table-caption"')[1].split("</table>")[0]
    marked = table.count('aria-describedby="metrics-small-sample"')
    assert marked >= 1
    assert "small sample" not in table  # each cell a *, the words once below the table
    assert html.count('id="metrics-small-sample"') == 1
    notes = 1 + dashboard.off_target_small_samples  # the table, and the "Off target" list
    assert html.count('class="table-note"') == notes
    assert "flag tone--warn" not in html


def test_no_note_when_no_figure_rests_on_a_small_sample(review, maria, as_user):
    from cxlean.metrics.models import Metric

    Metric.objects.update(small_sample=0)
    html = as_user(maria).get(INDEX, language="en").content.decode()
    assert 'class="table-note"' not in html


@pytest.mark.parametrize(
    "address",
    [
        INDEX,
        "unit",
        "/admin/backlog/item/by-unit/",
        "/admin/competence/record/coverage/",
        "/admin/gemba/walk/cadence/",
    ],
)
def test_every_scrolling_table_box_takes_keyboard_focus_and_has_a_name(
    address, review, maria, as_user, service_unit
):
    if address == "unit":
        address = unit_page(service_unit)
    html = as_user(maria).get(address, language="en").content.decode()
    boxes = re.findall(r'<div class="[^"]*table-scroll[^"]*"[^>]*>', html)
    assert boxes
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box
        label = re.search(r'aria-labelledby="([^"]+)"', box)
        assert label and f'id="{label.group(1)}"' in html


def test_the_charts_scale_with_their_viewbox_in_swedish_too(review, maria, as_user, service_unit):
    html = as_user(maria).get(unit_page(service_unit)).content.decode()  # Swedish: decimal commas
    circles = re.findall(r'<circle class="dot" cx="([^"]+)" cy="([^"]+)"', html)
    assert circles
    assert all("," not in x + y for x, y in circles)
    assert 'viewBox="0 0 240 72"' in html


# --- a large tree: the top levels that fit, each counting the units below it -------------


def figures_of(row) -> tuple:
    """What a dashboard row shows, to compare the same unit in two views."""
    return (
        row.maturity.overall,
        [(i.key, i.display, i.detail, i.tone) for i in row.evidence],
        [plan.plan.pk for plan in row.plans],
        (row.coverage.people, row.coverage.people_with_roles, row.coverage.certified),
        dict(row.backlog.by_status),
        [(line.metric.pk, line.latest.value, line.latest.sample_size) for line in row.metrics],
    )


@pytest.fixture
def below_the_top(review, nps, service_team, company):
    """Team Chatt's own answers and improvement, which count in the units above it."""
    from django.utils import timezone

    from tests.metrics.conftest import answers

    answers(nps, service_team, timezone.localdate().replace(day=1), 10, 9, 9, 3)
    ItemFactory(unit=service_team)


def test_a_tree_larger_than_the_tables_shows_its_top_levels(
    below_the_top, maria, as_user, monkeypatch
):
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 3)
    response = as_user(maria).get(INDEX, language="en")
    dashboard = response.context["dashboard"]
    assert [row.unit.name for row in dashboard.rows] == ["Företaget", "Kundservice", "Försäljning"]
    html = response.content.decode()
    assert "The tables show the top 2 levels of the tree: 3 of 4 units" in html
    assert 'href="?units=all">Show all 4 units</a>' in html

    everything = as_user(maria).get(INDEX, {"units": "all"}, language="en")
    every_row = {row.unit.pk: row for row in everything.context["dashboard"].rows}
    assert [row.unit.name for row in every_row.values()] == [
        "Företaget",
        "Kundservice",
        "Team Chatt",
        "Försäljning",
    ]
    assert "Show only the top levels of the tree" in everything.content.decode()
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 4)  # the tree fits: no toggle
    fitting = as_user(maria).get(INDEX, {"units": "all"}, language="en").content.decode()
    assert "Show only the top levels" not in fitting and "Show all" not in fitting
    for row in dashboard.rows:  # the units below count as when they are shown
        assert figures_of(row) == figures_of(every_row[row.unit.pk])
    company = dashboard.rows[0]
    assert company.metrics[0].latest.sample_size == 4  # Team Chatt's answers
    assert sum(company.backlog.by_status.values()) == 1  # and its improvement


def test_the_swedish_dashboard_says_it_shows_the_top_levels(
    below_the_top, maria, as_user, monkeypatch
):
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 1)
    html = as_user(maria).get(INDEX).content.decode()
    assert "Tabellerna visar trädets översta nivå: 1 av 4 enheter" in html
    assert "Visa alla 4 enheter" in html


def test_a_units_page_shows_the_levels_below_it_that_fit(
    below_the_top, maria, as_user, monkeypatch, company, service_unit
):
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 3)
    page = as_user(maria).get(unit_page(company), language="en").context["page"]
    assert [row.unit.name for row in page.rows] == ["Företaget", "Kundservice", "Försäljning"]
    assert page.top_levels_only
    page = as_user(maria).get(unit_page(service_unit), language="en").context["page"]
    assert [row.unit.name for row in page.rows] == ["Kundservice", "Team Chatt"]
    assert not page.top_levels_only
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 1)
    response = as_user(maria).get(unit_page(service_unit), {"units": "all"}, language="en")
    assert [row.unit.name for row in response.context["page"].rows] == [
        "Kundservice",
        "Team Chatt",
    ]


def test_the_top_levels_are_counted_from_the_viewers_units(company, service_unit, sales_unit):
    from cxlean.insights.dashboard import top_levels
    from cxlean.org.models import Unit

    teams = [UnitFactory(parent=service_unit) for _n in range(3)]
    sales_team = UnitFactory(parent=sales_unit)
    everyone = list(Unit.objects.order_by("path"))
    assert top_levels(everyone, None) == (everyone, 3, 3)
    assert top_levels(everyone, 3) == ([company, service_unit, sales_unit], 2, 3)
    assert top_levels(everyone, 2) == ([company], 1, 3)
    assert top_levels(everyone, 0) == ([company], 1, 3)  # the top level at least
    # A coordinator of Kundservice's teams and Försäljning: two trees, two tops.
    scope = sorted([*teams, sales_unit, sales_team], key=lambda unit: unit.path)
    assert top_levels(scope, 4) == (sorted([*teams, sales_unit], key=lambda u: u.path), 1, 2)
    assert top_levels([], 5) == ([], 0, 0)


def test_the_top_levels_run_a_constant_number_of_queries(
    review, maria, as_user, company, maturity_model, nps, bob, count_queries, monkeypatch
):
    monkeypatch.setattr("cxlean.insights.dashboard.ROW_LIMIT", 2)
    client = as_user(maria)
    client.get(INDEX)

    def queries_after_growing(count: int) -> tuple[int, int]:
        grow(company, maturity_model, nps, bob, count)
        return count_queries(client, INDEX), count_queries(client, unit_page(company))

    assert queries_after_growing(1) == queries_after_growing(6)


def test_a_trend_arrow_is_coloured_by_good_or_bad_news_not_by_its_direction():
    from types import SimpleNamespace

    from cxlean.insights.dashboard import MetricLine
    from cxlean.insights.templatetags.insights import trend

    churn_down = MetricLine(SimpleNamespace(improving=True, change=-2))  # type: ignore[arg-type]
    assert (churn_down.direction, churn_down.tone) == ("down", "good")
    html = trend(churn_down.direction, "improving", churn_down.tone)
    assert 'class="trend trend--down trend--good"' in html and "▼" in html
    assert 'class="trend trend--up trend--good"' in trend("up", "up")  # maturity: up is good
    assert "trend--neutral" in trend("same", "no change")
    assert trend("up", "") == ""
