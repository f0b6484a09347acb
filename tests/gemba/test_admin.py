"""Gemba walks in the admin: who reads and changes what, schedules that plan their walks
on save, observations made into improvements, and the Gemba cadence.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management) and Root (superuser) come from
tests/conftest.py.
"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cxlean.backlog.models import Item, Source
from cxlean.gemba.models import Observation, Schedule, Walk, WalkStatus, Weekday
from tests.factories import UnitFactory
from tests.gemba.factories import (
    AnswerFactory,
    ObservationFactory,
    QuestionFactory,
    QuestionSetFactory,
    ScheduleFactory,
    WalkFactory,
)

pytestmark = pytest.mark.django_db
MODELS = ["questionset", "schedule", "walk", "answer", "observation"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def changelist(model: str) -> str:
    return reverse(f"admin:gemba_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:gemba_{obj._meta.model_name}_change", args=[obj.pk])


def history(obj) -> str:
    return reverse(f"admin:gemba_{obj._meta.model_name}_history", args=[obj.pk])


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def walk(service_unit, bob, alice):
    question_set = QuestionSetFactory()
    question = QuestionFactory(question_set=question_set)
    walk = WalkFactory(
        unit=service_unit, leader=bob, participants=[alice], question_set=question_set
    )
    AnswerFactory(walk=walk, question=question, answered_by=alice)
    ObservationFactory(walk=walk, created_by=alice, text="Kön är lång.")
    ScheduleFactory(unit=service_unit, leader=bob)
    return walk


@pytest.fixture
def sales_walk(sales_unit, carol):
    walk = WalkFactory(unit=sales_unit, leader=carol, place="Säljgolvet")
    ObservationFactory(walk=walk)
    return walk


def objects(walk) -> list:
    return [
        walk,
        walk.question_set,
        walk.answers.get(),
        walk.observations.get(),
        Schedule.objects.get(unit=walk.unit),
    ]


# --- who reads what ----------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_list_opens_for_superusers_coordinators_and_management(
    request, as_user, walk, model, who
):
    assert as_user(request.getfixturevalue(who)).get(changelist(model)).status_code == 200


@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_change_page_and_history_opens(request, as_user, walk, who):
    client = as_user(request.getfixturevalue(who))
    for obj in objects(walk):
        assert client.get(change(obj)).status_code == 200, obj
        assert client.get(history(obj)).status_code == 200, obj


def test_employees_are_kept_out(alice, as_user, walk):
    for url in (changelist("walk"), change(walk), reverse("admin:gemba_cadence")):
        response = as_user(alice).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_another_units_coordinator_neither_lists_nor_opens_a_walk(carol, as_user, walk, sales_walk):
    client = as_user(carol)
    for obj in objects(walk):
        model = obj._meta.model_name
        if model == "questionset":
            continue  # the catalogue is organisation-wide
        assert obj.pk not in listed(client.get(changelist(model))), model
        assert client.get(change(obj)).status_code == 302, model  # "does not exist"
        assert client.get(history(obj)).status_code == 404, model
    assert listed(client.get(changelist("walk"))) == {sales_walk.pk}


def test_management_reads_everything_and_changes_nothing(maria, as_user, walk, sales_walk):
    client = as_user(maria)
    assert listed(client.get(changelist("walk"))) == {walk.pk, sales_walk.pk}
    assert listed(client.get(changelist("observation"))) == set(
        Observation.objects.values_list("pk", flat=True)
    )
    page = client.get(change(walk))
    assert b'name="_save"' not in page.content
    assert client.post(change(walk), {"place": "Ändrad"}).status_code == 403
    for model in MODELS:
        assert client.get(reverse(f"admin:gemba_{model}_add")).status_code == 403
    assert client.post(reverse("admin:gemba_walk_delete", args=[walk.pk])).status_code == 403
    action_form = client.get(changelist("observation")).context["action_form"]
    assert action_form is None  # no "Make improvements" (nor any other action) to offer
    walk.refresh_from_db()
    assert walk.place == "Kundtjänstgolvet"


def test_the_admin_links_photos_through_the_checked_download(bob, as_user, walk):
    out = io.BytesIO()
    Image.new("RGB", (30, 20)).save(out, format="PNG")
    observation = walk.observations.get()
    observation.photo = SimpleUploadedFile("a.png", out.getvalue(), "image/png")
    observation.save()
    page = as_user(bob).get(change(observation)).text
    assert reverse("gemba-observation-display", args=[observation.pk]) in page
    assert "/media/gemba/display/" not in page


# --- changing walks and schedules --------------------------------------------------------


def walk_form(walk: Walk, **changes) -> dict:
    local = timezone.localtime(walk.planned_start)
    data = {
        "unit": walk.unit_id,
        "planned_start_0": local.strftime("%Y-%m-%d"),
        "planned_start_1": local.strftime("%H:%M:%S"),
        "duration_minutes": walk.duration_minutes,
        "leader": walk.leader_id,
        "participants": [p.pk for p in walk.participants.all()],
        "question_set": walk.question_set_id or "",
        "place": walk.place,
        "process": walk.process,
        "touchpoint": walk.touchpoint_id or "",
        "status": walk.status,
        "actual_minutes": walk.actual_minutes or "",
        "summary": walk.summary,
    }
    for prefix in ("answers", "observations"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    return data | changes


def test_a_coordinator_edits_a_walk_and_adds_an_observation(bob, as_user, walk, alice):
    data = walk_form(
        walk,
        summary="Bra vandring",
        **{
            "observations-TOTAL_FORMS": 1,
            "observations-0-text": "Skylten syns inte.",
            "observations-0-waste": "muda",
            "observations-0-muda_kind": "motion",
            "observations-0-severity": 1,
        },
    )
    response = as_user(bob).post(change(walk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    walk.refresh_from_db()
    assert walk.summary == "Bra vandring"
    added = walk.observations.get(text="Skylten syns inte.")
    assert added.created_by == bob
    assert walk.history.first().history_user == bob


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"place": "", "process": ""}, "place"),
        ({"status": WalkStatus.DONE}, "actual_minutes"),
        ({"actual_minutes": -5}, "actual_minutes"),
    ],
)
def test_bad_walks_are_form_errors(bob, as_user, walk, changes, error):
    response = as_user(bob).post(change(walk), walk_form(walk, **changes))
    assert response.status_code == 200
    assert error in response.context["adminform"].form.errors
    walk.refresh_from_db()
    assert walk.place == "Kundtjänstgolvet" and walk.status == WalkStatus.PLANNED


def test_an_observation_with_a_kind_of_muda_for_mura_is_a_form_error(bob, as_user, walk):
    data = walk_form(
        walk,
        **{
            "observations-TOTAL_FORMS": 1,
            "observations-0-text": "Ojämnt",
            "observations-0-waste": "mura",
            "observations-0-muda_kind": "waiting",
            "observations-0-severity": 2,
        },
    )
    response = as_user(bob).post(change(walk), data)
    assert response.status_code == 200
    assert walk.observations.count() == 1


def test_a_coordinator_cannot_plan_for_another_unit(bob, as_user, walk, sales_unit):
    response = as_user(bob).post(change(walk), walk_form(walk, unit=sales_unit.pk))
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors


def test_saving_a_schedule_plans_its_walks(bob, as_user, service_unit):
    data = {
        "unit": service_unit.pk,
        "title": "Telefonkön",
        "place": "Kundtjänstgolvet",
        "process": "",
        "frequency": "weekly",
        "interval": 1,
        "weekday": Weekday(timezone.localdate().weekday()).value,
        "start_time": "09:00",
        "duration_minutes": 30,
        "starts_on": timezone.localdate().strftime("%Y-%m-%d"),
        "active": "on",
        "leader": bob.pk,
    }
    response = as_user(bob).post(reverse("admin:gemba_schedule_add"), data)
    assert response.status_code == 302
    schedule = Schedule.objects.get()
    assert schedule.created_by == bob
    assert schedule.walks.count() == 7  # today and six more weeks


def test_a_schedule_without_its_weekday_is_a_form_error(bob, as_user, service_unit):
    data = {
        "unit": service_unit.pk,
        "title": "Telefonkön",
        "frequency": "weekly",
        "interval": 1,
        "start_time": "09:00",
        "duration_minutes": 30,
        "starts_on": "2026-01-05",
    }
    response = as_user(bob).post(reverse("admin:gemba_schedule_add"), data)
    assert response.status_code == 200
    assert "weekday" in response.context["adminform"].form.errors
    assert not Schedule.objects.exists()


# --- make improvements -------------------------------------------------------------------


def test_make_improvements_from_the_list(bob, as_user, walk, sales_walk):
    client = as_user(bob)
    mine = walk.observations.get()
    second = ObservationFactory(walk=walk, text="Tavlan är gammal.")
    data = {"action": "make_improvements", "_selected_action": [mine.pk, second.pk]}
    response = client.post(changelist("observation"), data, follow=True, language="en")
    assert "2 improvements were made." in response.text
    assert Item.objects.filter(source=Source.GEMBA).count() == 2
    response = client.post(changelist("observation"), data, follow=True, language="en")
    assert "2 observations already were improvements." in response.text
    assert Item.objects.count() == 2
    mine.refresh_from_db()
    assert mine.improvement.gemba_observation == mine
    page = client.get(changelist("observation")).text
    assert reverse("admin:backlog_item_change", args=[mine.improvement_id]) in page


def test_observations_of_other_units_are_out_of_reach_of_the_action(carol, as_user, walk):
    theirs = walk.observations.get()  # Kundservice: not in Carol's list, so not selected
    data = {"action": "make_improvements", "_selected_action": [theirs.pk]}
    response = as_user(carol).post(changelist("observation"), data, follow=True)
    assert response.status_code == 200
    assert not Item.objects.exists()


# --- the cadence -------------------------------------------------------------------------


@pytest.fixture
def cadence_case(service_unit, service_team, sales_unit):
    start = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    for unit, status in [
        (service_unit, WalkStatus.DONE),
        (service_unit, WalkStatus.PLANNED),
        (service_team, WalkStatus.DONE),
        (service_team, WalkStatus.CANCELLED),
        (sales_unit, WalkStatus.PLANNED),
    ]:
        minutes = 30 if status == WalkStatus.DONE else None
        WalkFactory(unit=unit, status=status, planned_start=start, actual_minutes=minutes)


def rows_by_unit(page) -> dict:
    return {row.unit.name: row for row in page.context["rows"]}


def test_the_cadence_shows_done_against_planned_per_unit_and_month(maria, as_user, cadence_case):
    page = as_user(maria).get(reverse("admin:gemba_cadence"), language="en")
    assert page.status_code == 200
    rows = rows_by_unit(page)
    assert list(rows) == ["Företaget", "Kundservice", "Team Chatt", "Försäljning"]
    this_month = rows["Kundservice"].months[-1]
    assert (this_month.planned, this_month.done, this_month.cancelled) == (3, 2, 1)
    assert len(rows["Kundservice"].months) == 6
    assert "2 of 3 done (67 %)" in page.text
    assert "1 cancelled" in page.text
    assert "No walks planned" in page.text
    assert rows["Företaget"].total.planned == 4


def test_a_coordinator_sees_the_cadence_of_their_units(bob, carol, as_user, cadence_case):
    assert list(rows_by_unit(as_user(bob).get(reverse("admin:gemba_cadence")))) == [
        "Kundservice",
        "Team Chatt",
    ]
    assert list(rows_by_unit(as_user(carol).get(reverse("admin:gemba_cadence")))) == ["Försäljning"]


def test_the_index_and_the_walk_list_link_to_the_cadence(maria, as_user):
    url = reverse("admin:gemba_cadence")
    assert url in as_user(maria).get(reverse("admin:app_list", args=["gemba"])).text
    assert url in as_user(maria).get(changelist("walk")).text


def test_the_cadence_runs_a_constant_number_of_queries(maria, as_user, company, count_queries):
    client = as_user(maria)

    def queries_for(teams: int) -> int:
        for _ in range(teams - Walk.objects.values("unit").distinct().count()):
            team = UnitFactory(parent=company)
            WalkFactory(unit=team)
            WalkFactory(unit=team, status=WalkStatus.CANCELLED)
        return count_queries(client, reverse("admin:gemba_cadence"))

    assert queries_for(2) == queries_for(15)


def test_the_walk_list_runs_a_constant_number_of_queries(
    maria, as_user, service_unit, count_queries
):
    client = as_user(maria)

    def queries_for(count: int) -> int:
        for _ in range(count - Walk.objects.count()):
            walk = WalkFactory(
                unit=service_unit, planned_start=timezone.now() - dt.timedelta(days=3)
            )
            ObservationFactory(walk=walk)
        return count_queries(client, changelist("walk"))

    assert queries_for(2) == queries_for(12)
