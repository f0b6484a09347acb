"""Gemba walks over the API: every endpoint against every role, the walk actions
(complete, cancel), answers, observations with photos and one-time tokens,
observation → improvement, the cadence, filters and query counts.

People from tests/conftest.py: Alice (employee, Team Chatt under Kundservice) takes part
in Bob's walk in Kundservice; Bob coordinates Kundservice, Carol Sales (her own walk);
Maria is management; Root is superuser.
"""

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cxlean.backlog.models import Item, MudaKind, Source, Waste
from cxlean.gemba.models import (
    Answer,
    Frequency,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Walk,
    WalkStatus,
    Weekday,
)
from cxlean.org.roles import COORDINATOR, EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import UserFactory
from tests.gemba.factories import (
    AnswerFactory,
    ObservationFactory,
    QuestionFactory,
    QuestionSetFactory,
    ScheduleFactory,
    WalkFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LIST_ROUTES = [
    "gemba-question-set-list",
    "gemba-question-list",
    "gemba-schedule-list",
    "gemba-walk-list",
    "gemba-answer-list",
    "gemba-observation-list",
    "gemba-cadence-list",
]


@pytest.fixture
def api():
    return api_client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def question_set():
    question_set = QuestionSetFactory(code="standard", name_sv="Standard", name_en="Standard walk")
    QuestionFactory(question_set=question_set, order=1, text_sv="Var väntar kunden?")
    QuestionFactory(question_set=question_set, order=2, text_sv="Vad görs om?")
    return question_set


@pytest.fixture
def walk(service_unit, bob, alice, question_set):
    return WalkFactory(
        unit=service_unit, leader=bob, participants=[alice], question_set=question_set
    )


@pytest.fixture
def sales_walk(sales_unit, carol):
    return WalkFactory(unit=sales_unit, leader=carol, place="Säljgolvet")


@pytest.fixture
def observation(walk, alice):
    return ObservationFactory(walk=walk, created_by=alice, text="Kön är lång.")


@pytest.fixture
def bystander(service_team):
    """An employee of Team Chatt who sees the walk but does not take part."""
    return UserFactory(username="dan", role=EMPLOYEE, unit=service_team)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    data = response.json()
    return {row["id"] for row in (data["results"] if isinstance(data, dict) else data)}


def detail(route: str, obj, action: str | None = None) -> str:
    name = f"gemba-{route}-{action}" if action else f"gemba-{route}-detail"
    return reverse(name, args=[obj.pk])


def png(size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def walk_data(unit, leader, **fields) -> dict:
    start = timezone.now() + dt.timedelta(days=3)
    return {
        "unit": unit.pk,
        "leader": leader.pk,
        "planned_start": start.isoformat(),
        "place": "Disken",
        **fields,
    }


# --- signed out, and who sees what -------------------------------------------------------


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_signed_out_is_a_403_everywhere(api, route):
    assert api().get(reverse(route)).status_code == 403


def test_walks_are_seen_in_the_part_of_the_tree(
    api, walk, sales_walk, alice, bob, carol, maria, root, bystander
):
    url = reverse("gemba-walk-list")
    assert ids(api(alice).get(url)) == {walk.pk}
    assert ids(api(bystander).get(url)) == {walk.pk}
    assert ids(api(bob).get(url)) == {walk.pk}
    assert ids(api(carol).get(url)) == {sales_walk.pk}
    assert ids(api(maria).get(url)) == {walk.pk, sales_walk.pk}
    assert ids(api(root).get(url)) == {walk.pk, sales_walk.pk}
    assert api(carol).get(detail("walk", walk)).status_code == 404
    assert api(maria).get(detail("walk", walk)).status_code == 200


def test_a_walk_reads_with_its_labels_and_participants(api, walk, alice, maria):
    walk.planned_start = timezone.now() - dt.timedelta(days=2)
    walk.save()
    data = api(maria).get(detail("walk", walk), **EN).json()
    assert data["participants"] == [alice.pk]
    assert data["where"] == "Kundtjänstgolvet"
    assert (data["status"], data["status_label"], data["overdue"]) == ("planned", "Planned", True)
    assert data["question_set_name"] == "Standard walk"
    assert data["unit_name"] == "Kundservice"


def test_parts_of_walks_are_seen_with_their_walk(
    api, walk, sales_walk, observation, alice, carol, maria, question_set
):
    answer = AnswerFactory(walk=walk, question=question_set.questions.first())
    theirs = ObservationFactory(walk=sales_walk)
    assert ids(api(alice).get(reverse("gemba-observation-list"))) == {observation.pk}
    assert ids(api(carol).get(reverse("gemba-observation-list"))) == {theirs.pk}
    assert ids(api(maria).get(reverse("gemba-observation-list"))) == {observation.pk, theirs.pk}
    assert ids(api(alice).get(reverse("gemba-answer-list"))) == {answer.pk}
    assert ids(api(carol).get(reverse("gemba-answer-list"))) == set()
    assert api(carol).get(detail("observation", observation)).status_code == 404
    assert api(carol).get(detail("answer", answer)).status_code == 404


# --- planning walks ----------------------------------------------------------------------


def test_a_coordinator_plans_a_walk_in_their_unit(api, bob, alice, service_team, phone_queue):
    data = walk_data(service_team, bob, participants=[alice.pk], touchpoint=phone_queue.pk)
    response = api(bob).post(reverse("gemba-walk-list"), data, format="json")
    assert response.status_code == 201, response.content
    walk = Walk.objects.get(pk=response.json()["id"])
    assert (walk.unit, walk.leader, walk.created_by) == (service_team, bob, bob)
    assert list(walk.participants.all()) == [alice]
    assert walk.status == WalkStatus.PLANNED
    assert response.json()["where"] == "Telefonkö"


@pytest.mark.parametrize("who", ["alice", "maria"])
def test_employees_and_management_do_not_plan_walks(api, request, who, service_unit, bob):
    user = request.getfixturevalue(who)
    response = api(user).post(reverse("gemba-walk-list"), walk_data(service_unit, bob))
    assert response.status_code == 403
    assert not Walk.objects.exists()


def test_a_coordinator_plans_no_walks_for_another_unit(api, carol, service_unit):
    response = api(carol).post(
        reverse("gemba-walk-list"), walk_data(service_unit, carol), format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Walk.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"place": "", "process": ""}, "place"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"participants": [999999]}, "participants"),
        ({"leader": 999999}, "leader"),
        ({"planned_start": "tomorrow"}, "planned_start"),
    ],
)
def test_bad_walks_are_a_400_and_save_nothing(api, bob, service_unit, fields, error):
    data = {**walk_data(service_unit, bob), **fields}
    response = api(bob).post(reverse("gemba-walk-list"), data, format="json")
    assert response.status_code == 400
    assert error in response.json()
    assert not Walk.objects.exists()


def test_who_changes_and_deletes_a_walk(api, walk, alice, bob, carol, maria, bystander):
    url = detail("walk", walk)
    assert api(alice).patch(url, {"place": "Hallen"}, format="json").status_code == 403
    assert api(maria).patch(url, {"place": "Hallen"}, format="json").status_code == 403
    assert api(carol).patch(url, {"place": "Hallen"}, format="json").status_code == 404
    response = api(bob).patch(url, {"place": "Hallen", "participants": []}, format="json")
    assert response.status_code == 200, response.content
    walk.refresh_from_db()
    assert walk.place == "Hallen" and not walk.participants.exists()
    assert api(bob).patch(url, {"status": "done"}, format="json").json()["status"] == "planned"
    assert api(bystander).delete(url).status_code == 403
    assert api(bob).delete(url).status_code == 204


# --- complete and cancel -----------------------------------------------------------------


def test_the_leader_or_a_coordinator_marks_a_walk_done(api, walk, service_unit, alice, bob):
    url = detail("walk", walk, "complete")
    assert api(alice).post(url, {"actual_minutes": 30}).status_code == 403  # participant
    response = api(bob).post(url, {"actual_minutes": 35, "summary": "Bra"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["actual_minutes"]) == ("done", 35)
    led = WalkFactory(unit=service_unit, leader=alice)
    response = api(alice).post(detail("walk", led, "complete"), {"actual_minutes": 20})
    assert response.status_code == 200
    assert Walk.objects.get(pk=led.pk).status == WalkStatus.DONE


@pytest.mark.parametrize("minutes", [-10, 0, "", "lång"])
def test_impossible_minutes_are_a_400(api, walk, bob, minutes):
    response = api(bob).post(detail("walk", walk, "complete"), {"actual_minutes": minutes})
    assert response.status_code == 400
    assert "actual_minutes" in response.json()
    assert Walk.objects.get(pk=walk.pk).status == WalkStatus.PLANNED


def test_management_and_other_units_do_not_close_walks(api, walk, carol, maria):
    for action in ("complete", "cancel"):
        url = detail("walk", walk, action)
        assert api(maria).post(url, {"actual_minutes": 30}).status_code == 403
        assert api(carol).post(url, {"actual_minutes": 30}).status_code == 404
    assert Walk.objects.get(pk=walk.pk).status == WalkStatus.PLANNED


def test_cancel_and_what_cannot_follow(api, walk, service_unit, bob):
    response = api(bob).post(detail("walk", walk, "cancel"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    response = api(bob).post(detail("walk", walk, "complete"), {"actual_minutes": 30})
    assert response.status_code == 400 and "status" in response.json()
    done = WalkFactory(unit=service_unit, leader=bob)
    done.complete(30)
    response = api(bob).post(detail("walk", done, "cancel"))
    assert response.status_code == 400 and "status" in response.json()


# --- schedules ---------------------------------------------------------------------------


def schedule_data(unit, leader, **fields) -> dict:
    return {
        "unit": unit.pk,
        "title": "Telefonkön",
        "place": "Kundtjänstgolvet",
        "leader": leader.pk,
        "frequency": "weekly",
        "interval": 2,
        "weekday": Weekday.TUESDAY,
        "start_time": "09:00",
        "starts_on": timezone.localdate().isoformat(),
        **fields,
    }


def test_a_coordinator_creates_a_schedule_and_its_walks_are_planned(api, bob, service_unit):
    response = api(bob).post(
        reverse("gemba-schedule-list"), schedule_data(service_unit, bob), format="json"
    )
    assert response.status_code == 201, response.content
    schedule = Schedule.objects.get()
    assert schedule.created_by == bob
    assert schedule.walks.count() == 3  # every second Tuesday within six weeks
    response = api(bob).patch(detail("schedule", schedule), {"interval": 1}, format="json")
    assert response.status_code == 200
    assert schedule.walks.count() == 6


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"weekday": None}, "weekday"),
        ({"frequency": "monthly", "weekday": None}, "day_of_month"),
        ({"frequency": "yearly"}, "frequency"),
        ({"interval": 0}, "interval"),
        ({"day_of_month": 32, "frequency": "monthly"}, "day_of_month"),
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"start_time": "25:00"}, "start_time"),
    ],
)
def test_bad_schedules_are_a_400(api, bob, service_unit, fields, error):
    response = api(bob).post(
        reverse("gemba-schedule-list"), schedule_data(service_unit, bob, **fields), format="json"
    )
    assert response.status_code == 400
    assert error in response.json()
    assert not Schedule.objects.exists() and not Walk.objects.exists()


def test_who_may_create_and_change_schedules(
    api, alice, bob, carol, maria, service_unit, sales_unit
):
    url = reverse("gemba-schedule-list")
    assert api(alice).post(url, schedule_data(service_unit, bob)).status_code == 403
    assert api(maria).post(url, schedule_data(service_unit, bob)).status_code == 403
    assert api(carol).post(url, schedule_data(service_unit, carol)).status_code == 400
    schedule = ScheduleFactory(unit=service_unit, frequency=Frequency.WEEKLY)
    sales = ScheduleFactory(unit=sales_unit)
    assert ids(api(alice).get(url)) == {schedule.pk}
    assert ids(api(maria).get(url)) == {schedule.pk, sales.pk}
    change = {"title": "Nytt"}
    assert api(alice).patch(detail("schedule", schedule), change).status_code == 403
    assert api(maria).patch(detail("schedule", schedule), change).status_code == 403
    assert api(carol).patch(detail("schedule", schedule), change).status_code == 404
    assert api(bob).patch(detail("schedule", schedule), change).status_code == 200


# --- question sets -----------------------------------------------------------------------


def test_question_sets_with_their_questions_in_the_request_language(
    api, alice, maria, question_set
):
    question_set.questions.filter(order=1).update(text_en="Where does the customer wait?")
    for user in (alice, maria):
        [data] = api(user).get(reverse("gemba-question-set-list"), **EN).json()["results"]
        assert data["name"] == "Standard walk"
        assert [q["order"] for q in data["questions"]] == [1, 2]
        assert data["questions"][0]["text"] == "Where does the customer wait?"
    [data] = api(alice).get(reverse("gemba-question-set-list")).json()["results"]
    assert data["questions"][0]["text"] == "Var väntar kunden?"


def test_the_cx_owner_curates_question_sets_and_questions(
    api, alice, bob, olivia, maria, question_set
):
    new_set = {"code": "ny", "name_sv": "Ny", "name_en": "New"}
    url = reverse("gemba-question-set-list")
    assert api(alice).post(url, new_set).status_code == 403
    assert api(maria).post(url, new_set).status_code == 403
    assert api(bob).post(url, new_set).status_code == 403  # coordinators propose
    assert api(olivia).post(url, new_set).status_code == 201
    assert api(olivia).post(url, new_set).status_code == 400  # the code is taken
    question = {"question_set": question_set.pk, "order": 3, "text_sv": "Ny?", "text_en": "New?"}
    assert api(alice).post(reverse("gemba-question-list"), question).status_code == 403
    assert api(olivia).post(reverse("gemba-question-list"), question).status_code == 201
    found = api(alice).get(reverse("gemba-question-list") + f"?question_set={question_set.pk}")
    assert len(ids(found)) == 3


def test_an_answered_question_is_kept(api, olivia, walk, question_set):
    question = question_set.questions.first()
    AnswerFactory(walk=walk, question=question)
    response = api(olivia).delete(detail("question", question))
    assert response.status_code == 400
    assert Question.objects.filter(pk=question.pk).exists()


# --- answers -----------------------------------------------------------------------------


def test_a_participant_answers_and_changes_the_answer(api, walk, alice, question_set):
    question = question_set.questions.first()
    url = reverse("gemba-answer-list")
    response = api(alice).post(url, {"walk": walk.pk, "question": question.pk, "text": "I kön"})
    assert response.status_code == 201, response.content
    answer = Answer.objects.get()
    assert (answer.answered_by, answer.text) == (alice, "I kön")
    again = api(alice).post(url, {"walk": walk.pk, "question": question.pk, "text": "Igen"})
    assert again.status_code == 400
    response = api(alice).patch(detail("answer", answer), {"text": "I telefonkön"})
    assert response.status_code == 200
    assert Answer.objects.get().text == "I telefonkön"
    moved = api(alice).patch(
        detail("answer", answer), {"question": question_set.questions.last().pk}
    )
    assert moved.status_code == 400


def test_who_may_answer(api, walk, bystander, carol, maria, bob, question_set):
    data = {"walk": walk.pk, "question": question_set.questions.first().pk, "text": "Svar"}
    url = reverse("gemba-answer-list")
    assert api(bystander).post(url, data).status_code == 403  # sees it, not taking part
    assert api(maria).post(url, data).status_code == 403
    response = api(carol).post(url, data)
    assert response.status_code == 400 and "walk" in response.json()  # not visible to her
    assert not Answer.objects.exists()
    assert api(bob).post(url, data).status_code == 201


def test_an_answer_to_a_question_of_another_set_is_a_400(api, walk, alice):
    foreign = QuestionFactory()
    response = api(alice).post(
        reverse("gemba-answer-list"), {"walk": walk.pk, "question": foreign.pk, "text": "x"}
    )
    assert response.status_code == 400 and "question" in response.json()


# --- observations ------------------------------------------------------------------------


def test_a_participant_adds_an_observation(api, walk, alice, phone_queue):
    data = {
        "walk": walk.pk,
        "text": "Kunden väntar.",
        "waste": "muda",
        "muda_kind": "waiting",
        "severity": 3,
        "touchpoint": phone_queue.pk,
    }
    response = api(alice).post(reverse("gemba-observation-list"), data, format="json", **EN)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["severity_label"] == "High" and body["waste_label"] == "Muda – waste"
    assert body["photo"] is None and body["photo_display"] is None
    assert body["created_by"] == alice.pk and body["unit"] == walk.unit_id
    assert Observation.objects.get().created_by == alice


def test_a_photo_is_uploaded_and_read_through_a_checked_link(api, walk, alice, carol, maria):
    photo = SimpleUploadedFile("floor.png", png((2400, 1200)), content_type="image/png")
    response = api(alice).post(
        reverse("gemba-observation-list"),
        {"walk": walk.pk, "text": "Skylten syns inte.", "photo": photo},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    observation = Observation.objects.get()
    assert body["photo"].endswith(detail("observation", observation, "photo"))
    assert body["photo_display"].endswith(detail("observation", observation, "display"))
    assert "/media/" not in body["photo"]
    shown = api(maria).get(detail("observation", observation, "display"))
    assert shown.status_code == 200
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as image:
        assert image.format == "JPEG" and image.size == (1600, 800)
    assert api(alice).get(detail("observation", observation, "photo")).status_code == 200
    assert api(carol).get(detail("observation", observation, "display")).status_code == 404
    assert api().get(detail("observation", observation, "display")).status_code == 403


def test_no_photo_is_a_404_on_the_download(api, observation, alice):
    assert api(alice).get(detail("observation", observation, "display")).status_code == 404


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"text": ""}, "text"),
        ({"severity": 4}, "severity"),
        ({"waste": "rubbish"}, "waste"),
        ({"waste": "mura", "muda_kind": "waiting"}, "muda_kind"),
        ({"waste": "muda"}, "muda_kind"),
        ({"photo": "NOT_AN_IMAGE"}, "photo"),
        ({"photo": "TOO_BIG"}, "photo"),
    ],
)
def test_bad_observations_are_a_400_and_save_nothing(api, walk, alice, fields, error):
    data = {"walk": walk.pk, "text": "Något", **fields}
    if data.get("photo") == "NOT_AN_IMAGE":
        data["photo"] = SimpleUploadedFile("scan.jpg", b"not a picture", "image/jpeg")
    elif data.get("photo") == "TOO_BIG":
        padded = png() + b"\0" * (8 * 1024 * 1024)  # a real PNG, then 8 MB more
        data["photo"] = SimpleUploadedFile("big.png", padded, "image/png")
    response = api(alice).post(reverse("gemba-observation-list"), data, format="multipart")
    assert response.status_code == 400, response.content
    assert error in response.json()
    assert not Observation.objects.exists()


def test_the_same_token_twice_makes_one_observation(api, walk, alice, bob):
    token = str(uuid.uuid4())
    data = {"walk": walk.pk, "text": "Kön är lång.", "client_token": token}
    url = reverse("gemba-observation-list")
    first = api(alice).post(url, data, format="json")
    second = api(alice).post(url, data, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Observation.objects.count() == 1
    stolen = api(bob).post(url, data, format="json")
    assert stolen.status_code == 400 and "client_token" in stolen.json()
    assert Observation.objects.count() == 1


def test_who_may_add_and_change_observations(
    api, walk, observation, alice, bob, carol, maria, bystander
):
    url = reverse("gemba-observation-list")
    data = {"walk": walk.pk, "text": "Något"}
    assert api(bystander).post(url, data).status_code == 403
    assert api(maria).post(url, data).status_code == 403
    assert api(carol).post(url, data).status_code == 400  # the walk is not hers to see
    change = {"severity": 3}
    assert api(alice).patch(detail("observation", observation), change).status_code == 200
    by_bob = ObservationFactory(walk=walk, created_by=bob)
    assert api(alice).patch(detail("observation", by_bob), change).status_code == 403
    assert api(maria).patch(detail("observation", observation), change).status_code == 403
    assert api(bob).patch(detail("observation", observation), {"severity": 1}).status_code == 200
    moved = api(bob).patch(detail("observation", observation), {"walk": 999}, format="json")
    assert moved.status_code == 200 and Observation.objects.get(pk=observation.pk).walk == walk
    assert api(alice).delete(detail("observation", by_bob)).status_code == 403
    assert api(bob).delete(detail("observation", by_bob)).status_code == 204


def test_make_improvement_is_idempotent_and_linked_both_ways(api, observation, alice, bob):
    Observation.objects.filter(pk=observation.pk).update(
        waste=Waste.MUDA, muda_kind=MudaKind.WAITING
    )
    url = detail("observation", observation, "make-improvement")
    first = api(alice).post(url)
    assert first.status_code == 201, first.content
    item = Item.objects.get()
    assert first.json()["id"] == item.pk and first.json()["source"] == "gemba"
    assert (item.title, item.unit, item.submitted_by) == (
        "Kön är lång",
        observation.walk.unit,
        alice,
    )
    assert (item.waste, item.muda_kind, item.source) == ("muda", "waiting", Source.GEMBA)
    second = api(bob).post(url)
    assert second.status_code == 200 and second.json()["id"] == item.pk
    assert Item.objects.count() == 1
    body = api(alice).get(detail("observation", observation)).json()
    assert (body["improvement"], body["improvement_title"]) == (item.pk, "Kön är lång")
    assert item.gemba_observation == observation


def test_management_and_other_units_make_no_improvements(api, observation, maria, carol):
    url = detail("observation", observation, "make-improvement")
    assert api(maria).post(url).status_code == 403
    assert api(carol).post(url).status_code == 404
    assert api().post(url).status_code == 403
    assert not Item.objects.exists()


# --- the cadence -------------------------------------------------------------------------


@pytest.fixture
def cadence_walks(service_unit, service_team, sales_unit):
    """This month: Kundservice two done, one planned, one cancelled; Team Chatt one done;
    Sales one planned."""
    now = timezone.localtime()
    start = now.replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    for unit, status in [
        (service_unit, WalkStatus.DONE),
        (service_unit, WalkStatus.DONE),
        (service_unit, WalkStatus.PLANNED),
        (service_unit, WalkStatus.CANCELLED),
        (service_team, WalkStatus.DONE),
        (sales_unit, WalkStatus.PLANNED),
    ]:
        WalkFactory(
            unit=unit,
            status=status,
            planned_start=start,
            actual_minutes=30 if status == WalkStatus.DONE else None,
        )
    return now.date().replace(day=1)


def cadence_rows(client, query="") -> dict:
    response = client.get(reverse("gemba-cadence-list") + query)
    assert response.status_code == 200, response.content
    return {(row["unit_name"], row["month"]): row for row in response.json()}


def test_the_cadence_counts_done_against_planned_with_sub_units(api, bob, cadence_walks):
    month = cadence_walks.isoformat()
    rows = cadence_rows(api(bob), "?months=2")
    assert {name for name, _month in rows} == {"Kundservice", "Team Chatt"}
    assert len(rows) == 4  # two units, two months
    service = rows[("Kundservice", month)]
    assert (service["planned"], service["done"], service["cancelled"]) == (4, 3, 1)
    assert service["ratio"] == 0.75
    team = rows[("Team Chatt", month)]
    assert (team["planned"], team["done"], team["ratio"]) == (1, 1, 1.0)
    earlier = [row for (name, m), row in rows.items() if m != month]
    assert all(row["planned"] == 0 and row["ratio"] is None for row in earlier)


def test_who_sees_which_units_in_the_cadence(api, alice, carol, maria, cadence_walks, company):
    assert {name for name, _m in cadence_rows(api(alice))} == {"Team Chatt"}
    assert {name for name, _m in cadence_rows(api(carol))} == {"Försäljning"}
    everything = cadence_rows(api(maria), "?months=1")
    company_row = everything[("Företaget", cadence_walks.isoformat())]
    assert (company_row["planned"], company_row["done"], company_row["cancelled"]) == (5, 3, 1)
    narrowed = cadence_rows(api(maria), f"?months=1&unit={company.pk}")
    assert len(narrowed) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [("?start=2026-13", "start"), ("?start=mars", "start"), ("?months=0", "months")],
)
def test_bad_cadence_parameters_are_a_400(api, bob, query, field):
    response = api(bob).get(reverse("gemba-cadence-list") + query)
    assert response.status_code == 400 and field in response.json()


def test_a_unit_outside_ones_scope_is_a_400(api, carol, service_unit):
    response = api(carol).get(reverse("gemba-cadence-list") + f"?unit={service_unit.pk}")
    assert response.status_code == 400 and "unit" in response.json()


def test_the_cadence_starts_where_asked(api, bob, cadence_walks):
    rows = cadence_rows(api(bob), "?start=2025-11&months=3")
    assert sorted({m for _n, m in rows}) == ["2025-11-01", "2025-12-01", "2026-01-01"]


# --- filters -----------------------------------------------------------------------------


def test_walks_filter_by_their_fields(api, root, walk, sales_walk, alice, service_unit):
    url = reverse("gemba-walk-list")
    walk.planned_start = timezone.now() - dt.timedelta(days=3)
    walk.save()
    cases = {
        f"?unit={service_unit.pk}": {walk.pk},
        "?status=planned": {walk.pk, sales_walk.pk},
        "?status=done": set(),
        f"?participant={alice.pk}": {walk.pk},
        f"?leader={sales_walk.leader_id}": {sales_walk.pk},
        "?overdue=true": {walk.pk},
        "?overdue=false": {sales_walk.pk},
        "?place=säljgolv": {sales_walk.pk},
        f"?question_set={walk.question_set_id}": {walk.pk},
        "?planned_from=" + timezone.now().isoformat().replace("+", "%2B"): {sales_walk.pk},
    }
    for query, expected in cases.items():
        assert ids(api(root).get(url + query)) == expected, query


def test_observations_filter_by_their_fields(api, root, walk, alice):
    muda = ObservationFactory(walk=walk, waste=Waste.MUDA, muda_kind=MudaKind.WAITING, severity=3)
    mura = ObservationFactory(walk=walk, waste=Waste.MURA, severity=1)
    url = reverse("gemba-observation-list")
    assert ids(api(root).get(url + "?waste=muda")) == {muda.pk}
    assert ids(api(root).get(url + "?muda_kind=waiting")) == {muda.pk}
    assert ids(api(root).get(url + "?severity=1&severity=3")) == {muda.pk, mura.pk}
    assert ids(api(root).get(url + "?severity=1")) == {mura.pk}
    assert ids(api(root).get(url + f"?walk={walk.pk}")) == {muda.pk, mura.pk}
    assert ids(api(root).get(url + "?has_photo=true")) == set()
    assert ids(api(root).get(url + "?has_improvement=false")) == {muda.pk, mura.pk}
    api(alice).post(detail("observation", muda, "make-improvement"))
    assert ids(api(root).get(url + "?has_improvement=true")) == {muda.pk}


@pytest.mark.parametrize(
    ("route", "query", "field"),
    [
        ("gemba-walk-list", "?status=maybe", "status"),
        ("gemba-walk-list", "?overdue=perhaps", "overdue"),
        ("gemba-walk-list", "?unit=abc", "unit"),
        ("gemba-walk-list", "?planned_from=yesterday", "planned_from"),
        ("gemba-walk-list", "?ordering=leader", "ordering"),
        ("gemba-observation-list", "?severity=9", "severity"),
        ("gemba-observation-list", "?waste=junk", "waste"),
        ("gemba-schedule-list", "?frequency=daily", "frequency"),
        ("gemba-answer-list", "?walk=1.5", "walk"),
    ],
)
def test_unknown_filter_values_are_a_400(api, bob, route, query, field):
    response = api(bob).get(reverse(route) + query)
    assert response.status_code == 400, (route, query)
    assert field in response.json()


# --- constant query counts ---------------------------------------------------------------


def fill(unit, count: int, question_set: QuestionSet) -> None:
    coordinator = UserFactory(role=COORDINATOR, unit=unit)
    for _ in range(count):
        walk = WalkFactory(unit=unit, leader=coordinator, question_set=question_set)
        walk.participants.set([UserFactory(unit=unit), UserFactory(unit=unit)])
        AnswerFactory(walk=walk, question=question_set.questions.first(), answered_by=coordinator)
        observation = ObservationFactory(walk=walk, created_by=coordinator)
        from cxlean.gemba.models import improvement_from_observation

        improvement_from_observation(observation, coordinator)
    ScheduleFactory(unit=unit, leader=coordinator)


@pytest.mark.parametrize(
    "route",
    [
        "gemba-walk-list",
        "gemba-observation-list",
        "gemba-answer-list",
        "gemba-schedule-list",
        "gemba-question-set-list",
        "gemba-cadence-list",
    ],
)
def test_lists_run_a_constant_number_of_queries(
    api, bob, service_unit, question_set, route, count_queries
):
    client = api(bob)
    url = reverse(route)
    fill(service_unit, 2, question_set)
    small = count_queries(client, url)
    fill(service_unit, 12, question_set)
    QuestionFactory.create_batch(3, question_set=QuestionSetFactory())
    assert count_queries(client, url) == small
