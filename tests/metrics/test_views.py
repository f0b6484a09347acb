"""The metric pages per role: the overview, the trend page, recording answers, entering
figures and setting targets (cxlean/metrics/views.py).

Alice (employee, Team Chatt) reads her part of the tree; Bob coordinates Kundservice and
its team; Carol coordinates Försäljning; Maria (management) reads everything and records
nothing; Root (superuser) does everything."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.backlog.models import Metric as ExpectedMetric
from cxlean.backlog.models import Status, StatusChange
from cxlean.metrics.models import Measurement, SurveyAnswer, Target
from tests.factories import ItemFactory, UnitFactory
from tests.metrics.conftest import answers
from tests.metrics.factories import MeasurementFactory, TargetFactory

OVERVIEW = reverse("metrics:overview")
ANSWER_NEW = reverse("metrics:answer_new")
ANSWERS_BULK = reverse("metrics:answers_bulk")
FIGURE_NEW = reverse("metrics:measurement_new")
TARGETS = reverse("metrics:targets")
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)


def trend(kind: str = "nps") -> str:
    return reverse("metrics:trend", args=[kind])


@pytest.fixture
def figures(nps, company, service_unit, service_team, sales_unit):
    """NPS answers this month in Team Chatt (+100) and in Sales (−100)."""
    answers(nps, service_team, TODAY, 10, 9)
    answers(nps, sales_unit, TODAY, 0, 3)
    TargetFactory(metric=nps, unit=company, value=25, valid_from=dt.date(2020, 1, 1))


def sections(response) -> dict:
    return {
        section.metric.kind: {row.unit.code: row.trend for row in section.rows}
        for section in response.context["sections"]
    }


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", [OVERVIEW, trend(), TARGETS, ANSWER_NEW, ANSWERS_BULK, FIGURE_NEW]
)
def test_anonymous_people_are_sent_to_log_in(client, metrics, address):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("address", [ANSWER_NEW, ANSWERS_BULK, FIGURE_NEW])
def test_employees_and_management_get_no_forms(as_user, alice, maria, metrics, address):
    for person in (alice, maria):
        client = as_user(person)
        assert client.get(address).status_code == 403
        assert client.post(address, {"score": 9}).status_code == 403
    assert SurveyAnswer.objects.count() == 0


@pytest.mark.parametrize("address", [ANSWER_NEW, ANSWERS_BULK, FIGURE_NEW, TARGETS])
def test_coordinators_and_superusers_get_the_forms(as_user, bob, root, metrics, address):
    for person in (bob, root):
        assert as_user(person).get(address).status_code == 200


# --- the overview ------------------------------------------------------------------------


def test_an_employee_reads_the_figures_of_their_part_of_the_tree(as_user, alice, figures):
    response = as_user(alice).get(OVERVIEW, language="en")
    assert response.status_code == 200
    nps = sections(response)["nps"]
    assert set(nps) == {"company", "service", "chat"}  # not Sales
    assert nps["chat"].latest.value == Decimal("100.0")
    # The company's figure counts every department's answers, Sales' too.
    assert nps["company"].latest.value == Decimal("0.0")
    assert nps["company"].latest.sample_size == 4
    assert nps["chat"].latest.target == Decimal(25)
    assert "Försäljning" not in response.content.decode()
    assert "small sample" in response.content.decode()


def test_management_reads_every_unit(as_user, maria, figures):
    response = as_user(maria).get(OVERVIEW)
    assert set(sections(response)["nps"]) == {"company", "service", "chat", "sales"}
    assert sections(response)["nps"]["sales"].latest.value == Decimal("-100.0")
    assert ANSWER_NEW not in response.content.decode()  # no recording links


def test_the_overview_narrows_to_a_unit_and_a_period_kind(as_user, maria, figures, service_unit):
    response = as_user(maria).get(OVERVIEW, {"unit": service_unit.pk, "period": "quarter"})
    assert set(sections(response)["nps"]) == {"service", "chat"}
    latest = sections(response)["nps"]["chat"].latest
    assert latest.period.kind == "quarter"


def test_a_unit_outside_ones_part_of_the_tree_is_ignored(as_user, alice, figures, sales_unit):
    response = as_user(alice).get(OVERVIEW, {"unit": sales_unit.pk})
    assert response.status_code == 200
    assert response.context["filters"].errors
    assert "sales" not in sections(response)["nps"]


def test_the_overview_explains_how_figures_are_computed(as_user, alice, figures):
    content = as_user(alice).get(OVERVIEW, language="en").content.decode()
    assert "How the figures are computed" in content
    assert "promoters (9–10)" in content


def test_the_overview_keeps_its_query_count(as_user, bob, maria, metrics, company, count_queries):
    def queries(client) -> int:
        return count_queries(client, OVERVIEW)

    def grow(count: int) -> None:
        for _n in range(count):
            department = UnitFactory(parent=company)
            team = UnitFactory(parent=department)
            answers(metrics["nps"], team, TODAY, 9, 7, 3)
            answers(metrics["csat"], department, TODAY - dt.timedelta(days=40), 4, 5)
            TargetFactory(metric=metrics["ces"], unit=department, value=5)

    for viewer in (bob, maria):
        client = as_user(viewer)
        grow(1)
        client.get(OVERVIEW)  # warm up (session)
        small = queries(client)
        grow(8)
        assert queries(client) == small, viewer


# --- the trend page ----------------------------------------------------------------------


def moved_to_do(item, when: dt.datetime) -> None:
    StatusChange.objects.create(item=item, from_status=Status.PLAN, to_status=Status.DO, at=when)


def test_the_trend_shows_the_chart_the_table_and_the_improvements(
    as_user, alice, figures, service_team, service_unit, sales_unit
):
    done = ItemFactory(
        title="Återuppringning", unit=service_team, expected_metric=ExpectedMetric.NPS
    )
    moved_to_do(done, timezone.now() - dt.timedelta(days=3))
    ItemFactory(title="Nytt chattflöde", unit=service_unit, expected_metric=ExpectedMetric.NPS)
    ItemFactory(title="Säljidé", unit=sales_unit, expected_metric=ExpectedMetric.NPS)
    ItemFactory(title="Om CSAT", unit=service_team, expected_metric=ExpectedMetric.CSAT)
    ItemFactory(
        title="Avvisad",
        unit=service_team,
        expected_metric=ExpectedMetric.NPS,
        status=Status.REJECTED,
    )
    response = as_user(alice).get(trend("nps"), {"unit": service_unit.pk}, language="en")
    assert response.status_code == 200
    chart = response.context["chart"]
    assert [point.value for point in chart.points] == [Decimal("100.0")]
    assert chart.target_path.startswith("M")
    titles = {marker.title for marker in chart.markers}
    assert titles == {"Återuppringning", "Nytt chattflöde"}
    content = response.content.decode()
    assert reverse("backlog:detail", args=[done.pk]) in content
    assert "<svg" in content and "The figures" in content
    assert len(response.context["rows"]) == 12


def test_a_small_sample_is_drawn_hollow_and_named_in_the_table(as_user, bob, figures):
    response = as_user(bob).get(trend("nps"), language="en")
    assert response.context["unit"].code == "service"  # Bob's own unit by default
    [point] = response.context["chart"].points
    assert point.small_sample
    content = response.content.decode()
    assert "metrics-chart__point--small" in content
    assert "small sample" in content


def test_each_point_links_to_its_periods_row_in_the_table(as_user, bob, figures):
    response = as_user(bob).get(trend("nps"))  # Swedish: "+100,0" in words, dots in numbers
    [point] = response.context["chart"].points
    content = response.content.decode()
    assert point.anchor.startswith("figure-") and f'id="{point.anchor}"' in content
    link = content[content.index(f'href="#{point.anchor}"') :]
    link = link[: link.index("</a>")]
    assert 'aria-label="' in link and "," in link.split('aria-label="')[1].split('"')[0]
    assert f'cx="{point.x}"' in link and "," not in link.split('cx="')[1].split('"')[0]


def test_the_trend_defaults_to_the_viewers_unit_and_refuses_others(
    as_user, alice, figures, sales_unit
):
    response = as_user(alice).get(trend("nps"), {"unit": sales_unit.pk})
    assert response.context["unit"].code == "chat"
    assert response.context["filters"].errors


def test_quarters_on_the_trend_page(as_user, maria, figures, sales_unit):
    response = as_user(maria).get(trend("nps"), {"unit": sales_unit.pk, "period": "quarter"})
    latest, _figure = response.context["rows"][0]
    assert latest.period.kind == "quarter"
    assert latest.value == Decimal("-100.0")


def test_an_unknown_metric_is_not_found(as_user, alice, metrics):
    assert as_user(alice).get(trend("happiness")).status_code == 404


def test_a_coordinator_sees_links_to_change_the_figures_entered(
    as_user, bob, maria, nps, service_unit
):
    figure = MeasurementFactory(metric=nps, unit=service_unit, period_start=THIS_MONTH)
    edit = reverse("metrics:measurement_edit", args=[figure.pk])
    assert edit in as_user(bob).get(trend("nps")).content.decode()
    content = as_user(maria).get(trend("nps"), {"unit": service_unit.pk}).content.decode()
    assert edit not in content


# --- recording an answer -----------------------------------------------------------------


def answer_data(metric, unit, score, **more) -> dict:
    return {
        "metric": metric.pk,
        "unit": unit.pk,
        "answered_on": TODAY.isoformat(),
        "score": score,
        **more,
    }


def test_a_coordinator_records_an_answer(as_user, bob, nps, service_team, phone_queue):
    data = answer_data(nps, service_team, 9, touchpoint=phone_queue.pk, comment="Snabbt svar")
    response = as_user(bob).post(ANSWER_NEW, data)
    answer = SurveyAnswer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{trend('nps')}?unit={service_team.pk}"
    assert (answer.score, answer.touchpoint, answer.created_by) == (9, phone_queue, bob)


@pytest.mark.parametrize(("kind", "score"), [("nps", 11), ("csat", 0), ("ces", 8)])
def test_an_answer_outside_the_scale_shows_the_scale_and_saves_nothing(
    as_user, bob, metrics, service_team, kind, score
):
    response = as_user(bob).post(
        ANSWER_NEW, answer_data(metrics[kind], service_team, score), language="en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["score"] == [metrics[kind].scale_message()]
    assert SurveyAnswer.objects.count() == 0


def test_a_coordinator_cannot_record_for_another_unit(as_user, bob, carol, nps, sales_unit):
    for person, unit in ((bob, sales_unit), (carol, bob.profile.unit)):
        response = as_user(person).post(ANSWER_NEW, answer_data(nps, unit, 9))
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
    assert SurveyAnswer.objects.count() == 0


def test_several_answers_at_once(as_user, bob, nps, service_team):
    data = {
        "metric": nps.pk,
        "unit": service_team.pk,
        "answered_on": TODAY.isoformat(),
        "scores": "9 10, 7\n3",
    }
    response = as_user(bob).post(ANSWERS_BULK, data)
    assert response.status_code == 302
    assert sorted(SurveyAnswer.objects.values_list("score", flat=True)) == [3, 7, 9, 10]


@pytest.mark.parametrize("scores", ["9 11 8", "9 x 8", ""])
def test_one_bad_answer_among_several_saves_none(as_user, bob, nps, service_team, scores):
    data = {
        "metric": nps.pk,
        "unit": service_team.pk,
        "answered_on": TODAY.isoformat(),
        "scores": scores,
    }
    response = as_user(bob).post(ANSWERS_BULK, data)
    assert response.status_code == 200
    assert response.context["form"].errors["scores"]
    assert SurveyAnswer.objects.count() == 0


# --- entering a figure -------------------------------------------------------------------


def figure_data(metric, unit, **more) -> dict:
    return {
        "metric": metric.pk,
        "unit": unit.pk,
        "period_kind": "quarter",
        "period_start": "2026-02-14",
        **more,
    }


def test_a_coordinator_enters_a_churn_figure(as_user, bob, metrics, service_unit):
    data = figure_data(metrics["churn"], service_unit, customers_at_start=400, customers_lost=10)
    response = as_user(bob).post(FIGURE_NEW, data)
    assert response.status_code == 302
    figure = Measurement.objects.get()
    assert (figure.period_start, figure.value) == (dt.date(2026, 1, 1), Decimal("2.50"))
    assert figure.entered_by == bob


def test_a_bad_figure_shows_errors_and_saves_nothing(as_user, bob, metrics, service_unit):
    data = figure_data(metrics["churn"], service_unit, customers_at_start=10, customers_lost=20)
    response = as_user(bob).post(FIGURE_NEW, data)
    assert response.status_code == 200
    assert "customers_lost" in response.context["form"].errors
    MeasurementFactory(metric=metrics["nps"], unit=service_unit, period_start=dt.date(2026, 2, 1))
    twice = figure_data(metrics["nps"], service_unit, period_kind="month", value=5, sample_size=40)
    response = as_user(bob).post(FIGURE_NEW, twice)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Measurement.objects.count() == 1


def test_figures_are_changed_only_by_coordinators_of_their_unit(
    as_user, bob, carol, maria, nps, company, service_unit, sales_unit
):
    own = MeasurementFactory(metric=nps, unit=service_unit)
    above = MeasurementFactory(metric=nps, unit=company)
    other = MeasurementFactory(metric=nps, unit=sales_unit)

    def edit(figure) -> str:
        return reverse("metrics:measurement_edit", args=[figure.pk])

    bob_client = as_user(bob)
    assert bob_client.get(edit(own)).status_code == 200
    assert bob_client.get(edit(above)).status_code == 403  # he sees it, it is not his
    assert bob_client.get(edit(other)).status_code == 404  # he does not see it
    assert as_user(maria).post(edit(own), {"value": 1}).status_code == 403
    data = figure_data(nps, service_unit, period_kind="month", period_start="2026-03-01")
    response = bob_client.post(edit(own), {**data, "value": "41.5", "sample_size": 90})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.value == Decimal("41.5")


# --- targets -----------------------------------------------------------------------------


def test_a_coordinator_sets_and_changes_a_target(as_user, bob, nps, service_unit):
    client = as_user(bob)
    data = {"unit": service_unit.pk, "metric": nps.pk, "value": "35", "valid_from": "2026-01-01"}
    assert client.post(TARGETS, data).status_code == 302
    assert client.post(TARGETS, {**data, "value": "40"}).status_code == 302
    target = Target.objects.get()
    assert (target.value, target.set_by) == (Decimal(40), bob)


def test_a_bad_target_is_refused(as_user, bob, carol, metrics, service_unit):
    data = {
        "unit": service_unit.pk,
        "metric": metrics["csat"].pk,
        "value": "120",
        "valid_from": "2026-01-01",
    }
    response = as_user(bob).post(TARGETS, data)
    assert response.status_code == 200
    assert "value" in response.context["form"].errors
    response = as_user(carol).post(TARGETS, {**data, "value": "80"})
    assert "unit" in response.context["form"].errors
    assert Target.objects.count() == 0


def test_management_and_employees_read_the_targets_without_a_form(
    as_user, alice, maria, nps, company, service_unit
):
    TargetFactory(metric=nps, unit=company, value=30, valid_from=dt.date(2020, 1, 1))
    data = {"unit": service_unit.pk, "metric": nps.pk, "value": "35", "valid_from": "2026-01-01"}
    for person in (alice, maria):
        client = as_user(person)
        response = client.get(TARGETS)
        assert response.status_code == 200
        assert response.context["form"] is None
        rows = {unit.code: cells for unit, _depth, cells in response.context["rows"]}
        inherited = next(cell for cell in rows["service"] if cell.metric == nps)
        assert (inherited.value, inherited.inherited_from) == (Decimal(30), company)
        assert client.post(TARGETS, data).status_code == 403
    assert Target.objects.count() == 1


def selected_unit(response) -> str:
    select = response.content.decode().split('name="unit"', 1)[1].split("</select>", 1)[0]
    return select.split("selected", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]


def test_the_unit_select_shows_the_unit_the_trend_shows(as_user, alice, bob, figures, sales_unit):
    # Without a unit the page shows the viewer's own; the select says the same, so
    # changing only the period keeps the unit.
    response = as_user(bob).get(trend("nps"), {"period": "quarter"})
    assert selected_unit(response) == str(response.context["unit"].pk)
    assert response.context["unit"].code == "service"
    # A unit the viewer may not read: the error is shown and the select shows the fallback.
    response = as_user(alice).get(trend("nps"), {"unit": sales_unit.pk})
    assert response.context["filters"].errors
    assert selected_unit(response) == str(response.context["unit"].pk)
