"""Each export opened back with openpyxl and read cell by cell: values, symbols, fills,
frozen panes, sheets; and what each requester may see in it."""
# ruff: noqa: F811 - fixtures of other test packages are imported to be used as fixtures

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cxlean.backlog.models import MudaKind, Waste
from cxlean.competence.models import Level
from cxlean.exports.kinds import RequestRefused
from cxlean.gemba.models import Severity, WalkStatus
from cxlean.maturity.models import Status as AssessmentStatus
from cxlean.plans.models import Activity
from tests.competence.conftest import (  # noqa: F401 (fixtures)
    agent_alice,
    agent_role,
    escalation,
    listen_area,
    listening,
)
from tests.exports.conftest import column, export_as, values
from tests.factories import (
    ActivityFactory,
    GreenCardFactory,
    ItemFactory,
    PhaseFactory,
    PlanFactory,
    RecordFactory,
    UserFactory,
)
from tests.gemba.factories import ObservationFactory, WalkFactory
from tests.maturity.factories import (
    AnswerFactory,
    AssessmentFactory,
    DimensionFactory,
    QuestionFactory,
    make_levels,
)
from tests.metrics.conftest import answers, metrics, nps  # noqa: F401 (fixtures)
from tests.metrics.factories import TargetFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill and cell.fill.fill_type else ""


# --- competence matrix -------------------------------------------------------------------


@pytest.fixture
def matrix_people(agent_alice, agent_role, bob, listening, escalation, service_team, carol):
    """Alice (Agent, in Team Chatt): I signed off in listening, rates herself L, nothing
    in escalation. Erik (Agent, Team Chatt): U and L, a valid Green Card. Bob (no CX role,
    Kundservice): U in listening, expired. Carol (Sales) is outside Bob's units."""
    RecordFactory(person=agent_alice, activity=listening, level=Level.I, self_level=Level.L)
    erik = UserFactory(username="erik", first_name="Erik", last_name="Ek", unit=service_team)
    erik.profile.cx_roles.add(agent_role)
    RecordFactory(person=erik, activity=listening, level=Level.U, self_level=Level.U)
    RecordFactory(person=erik, activity=escalation, level=Level.L, self_level=Level.L)
    GreenCardFactory(
        person=erik,
        role=agent_role,
        issued_on=TODAY - dt.timedelta(days=10),
        expires_on=TODAY + dt.timedelta(days=400),
    )
    RecordFactory(
        person=bob,
        activity=listening,
        level=Level.U,
        self_level=Level.U,
        expires_on=TODAY - dt.timedelta(days=1),
    )
    RecordFactory(person=carol, activity=listening, level=Level.O, self_level=Level.O)
    return {"alice": agent_alice, "erik": erik, "bob": bob}


def test_matrix_has_people_down_activities_across_and_the_web_symbols(matrix_people, bob):
    book = export_as(bob, "competence_matrix")
    assert book.sheetnames == ["Competence matrix", "Legend", "About this export"]
    sheet = book["Competence matrix"]
    rows = values(sheet)
    assert rows[0] == ["Area", None, None, "Listen", "Listen"]
    assert rows[1] == ["Person", "Unit", "Green Card", "Active listening", "Escalate well"]
    # By unit in tree order (Kundservice, then its Team Chatt), then by name.
    assert [row[0] for row in rows[2:5]] == [
        matrix_people["bob"].get_full_name(),
        matrix_people["alice"].get_full_name(),
        "Erik Ek",
    ]
    bob_row, alice_row, erik_row = rows[2:5]
    assert bob_row[1:] == ["Kundservice", "No CX role", "◕ U (expired)", "○ –"]
    assert alice_row[1] == "Team Chatt"
    assert alice_row[2] == "In progress · Agent · 0 of 2"
    assert alice_row[3] == "◔ I !U ↑L"  # below the required U, waits for L
    assert alice_row[4] == "○ – !L"
    assert erik_row[2] == "Certified · Agent · 2 of 2"
    assert erik_row[3:] == ["◕ U", "◑ L"]
    # Nobody from Sales.
    assert "Carol" not in " ".join(str(row[0]) for row in rows)


def test_matrix_fills_frozen_panes_and_the_coverage_row(matrix_people, bob):
    sheet = export_as(bob, "competence_matrix")["Competence matrix"]
    assert sheet.freeze_panes == "D3"
    assert fill(sheet["D5"]) == "D4E6F6"  # Erik's U: light blue
    assert fill(sheet["E5"]) == "E9DDF3"  # Erik's L: light purple
    assert fill(sheet["D4"]) == "F9D6D5"  # Alice below the requirement: light red
    assert sheet["D4"].font.b is True
    assert fill(sheet["D3"]) == "D9D9D9"  # Bob's expired sign-off: grey
    assert fill(sheet["C5"]) == "D9F0E1"  # Erik's certified Green Card: light green
    coverage = values(sheet)[-1]
    # Only Erik counts in listening (Bob's U expired, Carol is not in the filters).
    assert coverage == ["Coverage: people at U or O", None, None, 1, 0]
    assert fill(sheet["D6"]) == "F9D6D5"  # a single point of knowledge


def test_the_legend_says_letter_as_in_iluo_not_as_in_mail_in_swedish(matrix_people, bob):
    legend = values(export_as(bob, "competence_matrix", language="sv")["Teckenförklaring"])
    assert legend[0][:2] == ["Symbol", "Bokstav"]


def test_matrix_legend_explains_symbols_and_colours_in_words(matrix_people, bob):
    legend = values(export_as(bob, "competence_matrix")["Legend"])
    assert legend[0] == ["Symbol", "Letter", "Level", "Colour"]
    assert legend[1][:3] == ["○ –", "–", "Not started"]
    assert legend[4] == [
        "◕ U",
        "U",
        "U – does it independently to standard",
        "light blue, blue text",
    ]
    texts = " ".join(str(value) for row in legend for value in row if value)
    for words in ("Below the level", "waits for a sign-off", "has expired", "single point"):
        assert words in texts


def test_matrix_follows_the_page_filters(matrix_people, bob, service_team, escalation):
    sheet = export_as(bob, "competence_matrix", {"area": escalation.area_id})["Competence matrix"]
    assert values(sheet)[1][3:] == ["Active listening", "Escalate well"]  # same area
    sheet = export_as(bob, "competence_matrix", {"unit": service_team.pk})["Competence matrix"]
    assert [row[0] for row in values(sheet)[2:-1]] == [
        matrix_people["alice"].get_full_name(),
        "Erik Ek",
    ]


def test_matrix_is_in_swedish_by_default(matrix_people, bob):
    book = export_as(bob, "competence_matrix", language="sv")
    sheet = book.worksheets[0]
    assert values(sheet)[1][3] == "Aktivt lyssnande"


def test_employees_may_not_export_the_matrix_management_may(matrix_people, alice, maria):
    with pytest.raises(RequestRefused) as refused:
        export_as(alice, "competence_matrix")
    assert refused.value.forbidden
    rows = values(export_as(maria, "competence_matrix")["Competence matrix"])
    assert "Carol" in " ".join(str(row[0]) for row in rows)


# --- improvement backlog -------------------------------------------------------------------


def test_backlog_rows_scores_and_quadrant(scored_item, idea, bob):
    scored_item.owner = bob
    scored_item.due_date = dt.date(2026, 12, 1)
    scored_item.expected_effect = "=cmd|' /C calc'!A0"
    scored_item.save()
    sheet = export_as(bob, "backlog")["Improvements"]
    assert sheet.freeze_panes == "D2"
    rows = values(sheet)
    assert rows[0][:5] == ["ID", "Unit", "Title", "Status", "Waste"]
    assert column(sheet, "Title") == ["Kortare telefonkö", "Ring upp i stället för kö"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["ID"] == scored_item.pk
    assert first["Unit"] == "Kundservice"
    assert first["Status"] == "Idea"
    assert first["Waste"] == "Muda – waste"
    assert first["Kind of Muda"] == "Waiting"
    assert first["Touchpoint"] == "Telefonkö"
    assert (first["Impact"], first["Feasibility"], first["Customer value"]) == (5, 4, 5)
    assert first["Priority"] == scored_item.priority
    assert first["Quadrant"] == "Quick win"
    assert first["Owner"] == bob.get_full_name()
    assert first["Due date"] == dt.datetime(2026, 12, 1)
    assert first["Expected effect"] == "=cmd|' /C calc'!A0"
    effect = sheet.cell(row=2, column=rows[0].index("Expected effect") + 1)
    assert effect.data_type == "s"


def test_backlog_follows_the_list_filters(scored_item, idea, bob, service_team):
    sheet = export_as(bob, "backlog", {"waste": Waste.MUDA, "muda_kind": MudaKind.WAITING})
    assert column(sheet["Improvements"], "Title") == ["Kortare telefonkö"]
    sheet = export_as(bob, "backlog", {"unit": service_team.pk})["Improvements"]
    assert column(sheet, "Title") == ["Ring upp i stället för kö"]
    about = values(export_as(bob, "backlog", {"unit": service_team.pk})["About this export"])
    assert ["Unit and its sub-units", "Team Chatt"] in about


def test_another_units_items_are_not_in_an_employees_or_coordinators_export(
    scored_item, alice, carol, sales_unit
):
    ItemFactory(title="Snabbare offerter", unit=sales_unit)
    assert column(export_as(alice, "backlog")["Improvements"], "Title") == ["Kortare telefonkö"]
    assert column(export_as(carol, "backlog")["Improvements"], "Title") == ["Snabbare offerter"]


def test_management_exports_the_whole_backlog(scored_item, maria, sales_unit):
    ItemFactory(title="Snabbare offerter", unit=sales_unit)
    titles = column(export_as(maria, "backlog")["Improvements"], "Title")
    assert sorted(titles) == ["Kortare telefonkö", "Snabbare offerter"]


def test_a_filter_the_backlog_does_not_have_or_understand_is_refused(bob):
    with pytest.raises(RequestRefused) as refused:
        export_as(bob, "backlog", {"colour": "red", "status": "nonsense"})
    assert set(refused.value.errors["params"]) == {"colour"}
    with pytest.raises(RequestRefused) as refused:
        export_as(bob, "backlog", {"status": "nonsense"})
    assert set(refused.value.errors["params"]) == {"status"}


# --- a rollout plan ------------------------------------------------------------------------


@pytest.fixture
def plan(service_unit, bob, alice):
    plan = PlanFactory(
        name="Utrullning Kundservice",
        unit=service_unit,
        coordinator=bob,
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 3, 29),
        budget=Decimal("10000.00"),
    )
    strategy = PhaseFactory(plan=plan, title="Strategi", order=1)
    journey = PhaseFactory(plan=plan, title="Kundresan", order=2)
    first = ActivityFactory(
        phase=strategy,
        title="Syfte",
        owner=alice,
        start_date=dt.date(2026, 1, 5),
        due_date=dt.date(2026, 1, 18),
        status=Activity.Status.DONE,
        planned_cost=Decimal("1000.00"),
        actual_cost=Decimal("500.00"),
    )
    second = ActivityFactory(
        phase=strategy,
        title="=Roller",
        start_date=dt.date(2026, 1, 19),
        due_date=dt.date(2026, 2, 1),
        planned_cost=Decimal("2000.00"),
    )
    second.depends_on.add(first)
    ActivityFactory(
        phase=journey,
        title="Kartlägg",
        start_date=dt.date(2026, 2, 2),
        due_date=dt.date(2026, 3, 1),
        status=Activity.Status.CANCELLED,
        planned_cost=Decimal("700.00"),
        actual_cost=Decimal("100.00"),
    )
    return plan


def test_plan_activities_sheet(plan, bob, alice):
    book = export_as(bob, "plan", {"plan": plan.pk})
    assert book.sheetnames == ["Activities", "Timeline", "Budget", "About this export"]
    rows = values(book["Activities"])
    assert rows[0] == [
        "Phase",
        "Activity",
        "Owner",
        "Start",
        "Due",
        "Status",
        "Late",
        "Depends on",
        "Planned cost",
        "Actual cost",
    ]
    assert rows[1] == [
        "Strategi",
        "Syfte",
        alice.get_full_name(),
        dt.datetime(2026, 1, 5),
        dt.datetime(2026, 1, 18),
        "Done",
        None,
        None,
        1000,
        500,
    ]
    assert rows[2][:2] == ["Strategi", "=Roller"]
    assert book["Activities"]["B3"].data_type == "s"
    assert rows[2][6:8] == ["Late", "Syfte"]  # due 1 Feb, still planned
    assert rows[3][5] == "Cancelled"


def test_plan_timeline_has_a_column_per_week_and_a_marked_span(plan, bob):
    sheet = export_as(bob, "plan", {"plan": plan.pk})["Timeline"]
    rows = values(sheet)
    assert sheet.freeze_panes == "D3"
    assert rows[0][3:5] == ["2", "3"]  # ISO weeks of 5 and 12 January 2026
    weeks = rows[1][3:]
    assert weeks[0] == dt.datetime(2026, 1, 5) and weeks[-1] == dt.datetime(2026, 3, 23)
    assert len(weeks) == 12
    # "Syfte" runs 5–18 January: the first two weeks, marked and filled green (done).
    assert rows[2][3:6] == ["■", "■", None]
    assert fill(sheet["D3"]) == "A8D5BA"
    # "=Roller" (late) runs the third and fourth week, orange.
    assert rows[3][3:8] == [None, None, "■", "■", None]
    assert fill(sheet["F4"]) == "F9CB9C"
    assert rows[3][2] == "Planned · Late"


def test_plan_budget_summary(plan, bob):
    rows = values(export_as(bob, "plan", {"plan": plan.pk})["Budget"])
    summary = {row[0]: row[1] for row in rows[1:8]}
    assert summary["Budget"] == 10000
    assert summary["Planned cost"] == 3000  # the cancelled activity's plan does not count
    assert summary["Actual cost"] == 600  # its spending does
    assert summary["Remaining (budget minus actual)"] == 9400
    assert ["Strategi", 2, 1, 3000, 500] in rows
    assert ["Kundresan", 0, 0, 0, 100] in rows
    assert rows[-1] == ["Total", 2, 1, 3000, 600]


def test_a_plan_the_user_cannot_see_is_refused_one_they_take_part_in_is_not(plan, carol, alice):
    with pytest.raises(RequestRefused) as refused:
        export_as(carol, "plan", {"plan": plan.pk})
    assert "plan" in refused.value.errors["params"]
    assert values(export_as(alice, "plan", {"plan": plan.pk})["Activities"])[1][1] == "Syfte"
    with pytest.raises(RequestRefused):
        export_as(alice, "plan", {})


# --- Gemba walk log ------------------------------------------------------------------------


@pytest.fixture
def walks(service_team, sales_unit, bob, carol):
    start = timezone.make_aware(dt.datetime(2026, 10, 6, 9, 0))
    done = WalkFactory(
        unit=service_team,
        leader=bob,
        planned_start=start,
        status=WalkStatus.DONE,
        actual_minutes=40,
        place="Disken",
        summary="Lång kö vid disken.",
    )
    item = ItemFactory(title="Kölappar", unit=service_team)
    seen = ObservationFactory(
        walk=done,
        text="@SUM(1+1) kunden väntar",
        waste=Waste.MUDA,
        muda_kind=MudaKind.WAITING,
        severity=Severity.HIGH,
        improvement=item,
    )
    other = WalkFactory(unit=sales_unit, leader=carol, planned_start=start, place="Säljgolvet")
    ObservationFactory(walk=other, text="Offerter tar tid")
    return {"done": done, "seen": seen, "item": item, "other": other}


def test_gemba_log_walks_and_observations(walks, alice, bob):
    book = export_as(alice, "gemba_log")
    assert book.sheetnames == ["Walks", "Observations", "About this export"]
    rows = values(book["Walks"])
    assert len(rows) == 2  # the Sales walk is not Alice's to see
    walk = dict(zip(rows[0], rows[1], strict=True))
    assert walk["Walk ID"] == walks["done"].pk
    assert walk["Unit"] == "Team Chatt"
    assert walk["Planned start"] == dt.datetime(2026, 10, 6, 9, 0)
    assert walk["Leader"] == bob.get_full_name()
    assert walk["Status"] == "Done"
    assert walk["Where"] == "Disken"
    assert walk["Actual duration (minutes)"] == 40
    assert walk["Observations"] == 1
    observations = values(book["Observations"])
    assert len(observations) == 2
    seen = dict(zip(observations[0], observations[1], strict=True))
    assert seen["Walk ID"] == walks["done"].pk
    assert seen["Waste"] == "Muda – waste"
    assert seen["Kind of Muda"] == "Waiting"
    assert seen["Severity"] == "High"
    assert seen["What was seen"] == "@SUM(1+1) kunden väntar"
    assert book["Observations"]["G2"].data_type == "s"
    assert seen["Improvement ID"] == walks["item"].pk


def test_gemba_log_follows_the_list_filters(walks, maria, service_unit):
    assert len(values(export_as(maria, "gemba_log")["Walks"])) == 3
    by_unit = export_as(maria, "gemba_log", {"unit": service_unit.pk})
    assert column(by_unit["Walks"], "Walk ID") == [walks["done"].pk]
    planned = export_as(maria, "gemba_log", {"status": WalkStatus.PLANNED})
    assert column(planned["Walks"], "Walk ID") == [walks["other"].pk]
    empty_month = export_as(maria, "gemba_log", {"month": "2026-05"})
    assert values(empty_month["Walks"])[1:] == []
    assert values(empty_month["Observations"])[1:] == []


# --- CX metrics and maturity ---------------------------------------------------------------


@pytest.fixture
def maturity(service_unit, sales_unit):
    make_levels()
    strategy = DimensionFactory(code="strategy", order=1, name_en="Strategy")
    culture = DimensionFactory(code="culture", order=2, name_en="Culture")
    first, second = QuestionFactory(dimension=strategy), QuestionFactory(dimension=culture)
    done = AssessmentFactory(unit=service_unit, title="Våren", status=AssessmentStatus.COMPLETED)
    AnswerFactory(assessment=done, question=first, score=4)
    AnswerFactory(assessment=done, question=second, score=2)
    AssessmentFactory(unit=service_unit, title="Pågår")  # in progress: not reported
    elsewhere = AssessmentFactory(unit=sales_unit, status=AssessmentStatus.COMPLETED)
    AnswerFactory(assessment=elsewhere, question=first, score=5)
    return done


def test_metrics_rows_with_value_sample_and_target(nps, service_team, service_unit, bob):
    answers(nps, service_team, TODAY, 10, 10, 9, 3)
    TargetFactory(metric=nps, unit=service_unit, value=30, valid_from=dt.date(2020, 1, 1))
    sheet = export_as(bob, "metrics_maturity")["CX metrics"]
    rows = values(sheet)
    assert rows[0] == [
        "Unit",
        "Period",
        "Metric",
        "Value",
        "Sample",
        "Small sample",
        "Source",
        "Target",
        "Meets target",
    ]
    team = [row for row in rows if row[0] == "Team Chatt"]
    assert team == [
        ["Team Chatt", f"{TODAY:%Y-%m}", nps.name_en, 50, 4, "Yes", "survey answers", 30, "Yes"]
    ]
    # Kundservice counts its team's answers; Sales has none (no row without a figure).
    assert [row[0] for row in rows[1:]] == ["Företaget", "Kundservice", "Team Chatt"]


def test_maturity_rows_per_completed_assessment_and_dimension(maturity, bob, alice, carol):
    rows = values(export_as(bob, "metrics_maturity")["Maturity"])
    assert rows[0][:7] == [
        "Assessment ID",
        "Unit",
        "Assessment",
        "Assessed on",
        "Dimension",
        "Score",
        "Level",
    ]
    assert [row[4:7] for row in rows[1:]] == [
        ["Strategy", 4, "4 Managed"],
        ["Culture", 2, "2 Aware"],
    ]
    assert rows[1][8:] == [3, "3 Defined"]
    assert rows[1][:3] == [maturity.pk, "Kundservice", "Våren"]
    # Alice reads Kundservice's; Carol only Sales'.
    assert len(values(export_as(alice, "metrics_maturity")["Maturity"])) == 3
    carol_rows = values(export_as(carol, "metrics_maturity")["Maturity"])
    assert {row[1] for row in carol_rows[1:]} == {"Försäljning"}
    # A dimension asked but not answered has a row without a score.
    assert [row[4:7] for row in carol_rows[1:]] == [
        ["Strategy", 5, "5 Proactive and strategic"],
        ["Culture", None, None],
    ]


def test_evidence_sheet_for_coordinators_and_management_not_employees(maturity, bob, alice, maria):
    evidence = values(export_as(bob, "metrics_maturity")["Evidence"])
    assert evidence[0] == ["Unit", "Indicator", "Value", "In words", "Detail", "Judgement"]
    assert {row[0] for row in evidence[1:]} == {"Kundservice", "Team Chatt"}
    assert "Green Card coverage" in {row[1] for row in evidence[1:]}
    assert "Evidence" in export_as(maria, "metrics_maturity").sheetnames
    assert "Evidence" not in export_as(alice, "metrics_maturity").sheetnames


def test_metrics_filter_by_unit(nps, service_team, sales_unit, maria):
    answers(nps, service_team, TODAY, 10)
    answers(nps, sales_unit, TODAY, 0)
    sheet = export_as(maria, "metrics_maturity", {"unit": sales_unit.pk})["CX metrics"]
    assert [row[0] for row in values(sheet)[1:]] == ["Försäljning"]
