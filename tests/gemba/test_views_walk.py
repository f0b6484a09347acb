"""The walk page used on the floor, for each role: the open follow-ups of the previous
walk of the same place, answering the questions (with and without HTMX), logging an
observation (a double submit makes one; bad input saves nothing), "make it an
improvement", photos served only to those who see the walk, marking the walk done or
cancelling it, and the printable report.

People and walks as in test_views.py: Bob leads `walk` in Kundservice, Alice takes
part, Dave (same team as Alice) only sees it, Carol (Sales) does not, Maria reads.
"""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cxlean.backlog.models import Item, MudaKind, Source, Status, Waste
from cxlean.gemba.models import (
    Answer,
    Observation,
    Severity,
    WalkStatus,
    improvement_from_observation,
)
from tests.factories import ItemFactory
from tests.gemba.factories import AnswerFactory, ObservationFactory, WalkFactory
from tests.gemba.test_views import EN, days, html_of, local, messages_of

# The fixtures `questions`, `walk` and `dave` of test_views.py.

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Photos go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name: str, obj, *more) -> str:
    return reverse(f"gemba:{name}", args=[obj.pk, *more])


def png(name: str = "photo.png", size=(640, 480)) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(data, format="PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def observation_data(**changes) -> dict:
    data = {
        "text": "Kunderna står i kö vid disken.\nIngen skylt visar vart de ska.",
        "waste": MudaKind.WAITING,
        "severity": str(Severity.HIGH),
        "touchpoint": "",
        "client_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


# --- who sees the walk page --------------------------------------------------------------


def test_a_participant_gets_the_forms_of_the_floor(as_user, alice, walk):
    page = html_of(as_user(alice), url("detail", walk))
    assert "Where does the customer wait?" in page
    assert page.count("<textarea") == 2
    assert "Add an observation" in page
    assert url("observe", walk) in page
    assert "Mark as done" not in page  # only the leader and coordinators
    assert url("edit", walk) not in page
    assert "gemba-draft.js" in page


def test_the_leader_and_coordinators_may_close_and_edit(as_user, bob, walk):
    page = html_of(as_user(bob), url("detail", walk))
    assert url("done", walk) in page and url("cancel", walk) in page and url("edit", walk) in page


@pytest.mark.parametrize("person", ["dave", "maria"])
def test_others_who_see_the_walk_read_it_only(request, as_user, walk, person):
    AnswerFactory(walk=walk, question=walk.question_set.questions.first(), text="I telefonkön.")
    ObservationFactory(walk=walk, text="Lång kö")
    page = html_of(as_user(request.getfixturevalue(person)), url("detail", walk))
    assert "I telefonkön." in page and "Lång kö" in page
    assert "<textarea" not in page
    assert url("observe", walk) not in page
    assert "Make it an improvement" not in page
    assert url("done", walk) not in page


def test_carol_of_another_unit_gets_404_everywhere(as_user, carol, walk):
    observation = ObservationFactory(walk=walk, photo=png())
    question = walk.question_set.questions.first()
    client = as_user(carol)
    for address in [
        url("detail", walk),
        url("report", walk),
        url("observe", walk),
        url("done", walk),
        url("cancel", walk),
        url("photo", observation),
    ]:
        assert client.get(address).status_code == 404, address
    assert (
        client.post(url("answer", walk, question.pk), {f"q{question.pk}-text": "x"}).status_code
        == 404
    )
    assert client.post(url("observe", walk), observation_data()).status_code == 404
    assert client.post(url("improve", observation)).status_code == 404
    assert client.post(url("cancel", walk)).status_code == 404
    assert Observation.objects.count() == 1 and not Answer.objects.exists()


def test_anonymous_posts_change_nothing(client, walk):
    observation = ObservationFactory(walk=walk)
    question = walk.question_set.questions.first()
    posts = [
        (url("answer", walk, question.pk), {f"q{question.pk}-text": "x"}),
        (url("observe", walk), observation_data()),
        (url("improve", observation), {}),
        (url("done", walk), {"actual_minutes": "20"}),
        (url("cancel", walk), {}),
    ]
    for address, data in posts:
        response = client.post(address, data)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    walk.refresh_from_db()
    assert walk.status == WalkStatus.PLANNED
    assert Observation.objects.count() == 1
    assert not Answer.objects.exists() and not Item.objects.exists()


def test_the_walk_page_in_swedish_and_english(as_user, alice, walk):
    client = as_user(alice)
    swedish = client.get(url("detail", walk)).content.decode()
    assert "Gembavandring" in swedish and "Planerad" in swedish
    english = html_of(client, url("detail", walk))
    assert "Gemba walk" in english and "Planned" in english


# --- follow-ups of the previous walk -----------------------------------------------------


def test_open_follow_ups_of_the_last_done_walk_of_the_same_place(as_user, alice, walk):
    older = WalkFactory(
        unit=walk.unit,
        place="Kundtjänstgolvet",
        status=WalkStatus.DONE,
        actual_minutes=30,
        planned_start=local(days(-30)),
    )
    ObservationFactory(walk=older, text="Gammal iakttagelse")
    last = WalkFactory(
        unit=walk.unit,
        place="kundtjänstgolvet",
        status=WalkStatus.DONE,
        actual_minutes=30,
        planned_start=local(days(-14)),
    )
    WalkFactory(
        unit=walk.unit,
        place="Disken",
        status=WalkStatus.DONE,
        actual_minutes=30,
        planned_start=local(days(-7)),
    )
    ObservationFactory(walk=last, text="Ingen tar emot vid disken", severity=Severity.HIGH)
    in_progress = ItemFactory(title="Skylt vid disken", unit=walk.unit)
    Item.objects.filter(pk=in_progress.pk).update(status=Status.DO)
    ObservationFactory(walk=last, text="Skylten saknas", improvement=in_progress)
    finished = ItemFactory(title="Kölapp", unit=walk.unit)
    Item.objects.filter(pk=finished.pk).update(status=Status.ACT)
    ObservationFactory(walk=last, text="Kölapp saknas", improvement=finished)
    rejected = ItemFactory(title="Robot", unit=walk.unit)
    Item.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    ObservationFactory(walk=last, text="Ingen robot", improvement=rejected)

    page = html_of(as_user(alice), url("detail", walk))
    follow_ups = page[page.index("Open follow-ups") : page.index("Questions")]
    assert "Ingen tar emot vid disken" in follow_ups and "Not yet an improvement" in follow_ups
    assert "Skylten saknas" in follow_ups and "Skylt vid disken" in follow_ups
    assert "Kölapp saknas" not in follow_ups and "Ingen robot" not in follow_ups
    assert "Gammal iakttagelse" not in follow_ups  # only the last walk
    assert url("detail", last) in follow_ups


def test_follow_ups_prefer_the_same_touchpoint(as_user, alice, walk, phone_queue):
    walk.touchpoint = phone_queue
    walk.save()
    same_touchpoint = WalkFactory(
        unit=walk.unit,
        place="",
        touchpoint=phone_queue,
        status=WalkStatus.DONE,
        actual_minutes=30,
        planned_start=local(days(-20)),
    )
    ObservationFactory(walk=same_touchpoint, text="Telefonkön är lång")
    same_place = WalkFactory(
        unit=walk.unit, status=WalkStatus.DONE, actual_minutes=30, planned_start=local(days(-5))
    )
    ObservationFactory(walk=same_place, text="Golvet är stökigt")
    page = html_of(as_user(alice), url("detail", walk))
    assert "Telefonkön är lång" in page and "Golvet är stökigt" not in page


def test_no_previous_walk_no_follow_up_section(as_user, alice, walk):
    assert "Open follow-ups" not in html_of(as_user(alice), url("detail", walk))


def test_nothing_left_open_is_said_so(as_user, alice, walk):
    last = WalkFactory(
        unit=walk.unit, status=WalkStatus.DONE, actual_minutes=30, planned_start=local(days(-5))
    )
    done = ItemFactory(unit=walk.unit)
    Item.objects.filter(pk=done.pk).update(status=Status.ACT)
    ObservationFactory(walk=last, improvement=done)
    assert "Nothing is left open from the last walk" in html_of(as_user(alice), url("detail", walk))


# --- answers -----------------------------------------------------------------------------


def test_a_participant_answers_with_htmx(as_user, alice, walk):
    question = walk.question_set.questions.first()
    field = f"q{question.pk}-text"
    client = as_user(alice)
    response = client.post(
        url("answer", walk, question.pk), {field: "I telefonkön, 20 min."}, **HTMX, **EN
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith(f'<div class="gemba-question" id="question-{question.pk}"')
    assert "Saved at" in page and 'hx-swap-oob="true"' in page
    answer = Answer.objects.get()
    assert (answer.walk, answer.question, answer.answered_by) == (walk, question, alice)
    assert answer.text == "I telefonkön, 20 min."
    client.post(url("answer", walk, question.pk), {field: "Ändrat svar"}, **HTMX)
    assert Answer.objects.get().text == "Ändrat svar"
    response = client.post(url("answer", walk, question.pk), {field: "  "}, **HTMX, **EN)
    assert "The answer is removed." in response.content.decode()
    assert not Answer.objects.exists()


def test_answers_work_without_javascript(as_user, bob, walk):
    question = walk.question_set.questions.last()
    response = as_user(bob).post(url("answer", walk, question.pk), {f"q{question.pk}-text": "Ja"})
    assert response.status_code == 302
    assert response.url.endswith(f"#question-{question.pk}")
    assert Answer.objects.get().text == "Ja"


def test_a_question_of_another_set_is_404(as_user, alice, walk):
    other = AnswerFactory().question
    response = as_user(alice).post(url("answer", walk, other.pk), {f"q{other.pk}-text": "x"})
    assert response.status_code == 404
    assert not Answer.objects.filter(walk=walk).exists()


def test_an_overlong_answer_is_refused_and_saves_nothing(as_user, alice, walk):
    question = walk.question_set.questions.first()
    response = as_user(alice).post(
        url("answer", walk, question.pk), {f"q{question.pk}-text": "x" * 5001}, **HTMX, **EN
    )
    assert response.status_code == 422
    assert "at most 5000 characters" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("person", ["dave", "maria"])
def test_those_not_on_the_walk_cannot_answer(request, as_user, walk, person):
    question = walk.question_set.questions.first()
    client = as_user(request.getfixturevalue(person))
    response = client.post(url("answer", walk, question.pk), {f"q{question.pk}-text": "x"})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_a_cancelled_walk_takes_no_answers_or_observations(as_user, alice, walk):
    walk.cancel()
    question = walk.question_set.questions.first()
    client = as_user(alice)
    page = html_of(client, url("detail", walk))
    assert "<textarea" not in page and url("observe", walk) not in page
    assert (
        client.post(url("answer", walk, question.pk), {f"q{question.pk}-text": "x"}).status_code
        == 403
    )
    assert client.post(url("observe", walk), observation_data()).status_code == 403
    assert not Answer.objects.exists() and not Observation.objects.exists()


# --- observations ------------------------------------------------------------------------


def test_a_participant_logs_an_observation_with_a_photo(as_user, alice, walk, phone_queue):
    client = as_user(alice)
    page = html_of(client, url("observe", walk))
    assert 'accept="image/*"' in page and 'capture="environment"' in page
    assert 'name="client_token"' in page and "Flytta hem" in page
    assert "Waiting" in page and "Mura – unevenness" in page
    data = observation_data(touchpoint=phone_queue.pk, photo=png())
    response = client.post(url("observe", walk), data, **EN)
    observation = Observation.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#observation-{observation.pk}")
    assert messages_of(response) == ["Your observation is saved."]
    assert (observation.walk, observation.created_by, observation.touchpoint) == (
        walk,
        alice,
        phone_queue,
    )
    assert (observation.waste, observation.muda_kind) == (Waste.MUDA, MudaKind.WAITING)
    assert observation.severity == Severity.HIGH
    assert str(observation.client_token) == data["client_token"]
    assert observation.photo and observation.photo_display
    page = html_of(client, url("detail", walk))
    assert f'data-client-token="{observation.client_token}"' in page
    assert url("photo", observation) in page
    assert "High" in page and "▲▲▲" in page  # severity in words and marks


def test_the_touchpoint_defaults_to_the_walks(as_user, alice, walk, phone_queue):
    walk.touchpoint = phone_queue
    walk.save()
    page = html_of(as_user(alice), url("observe", walk))
    assert f'<option value="{phone_queue.pk}" selected>' in page


@pytest.mark.parametrize(
    ("waste", "expected"),
    [("mura", (Waste.MURA, "")), ("muri", (Waste.MURI, "")), ("", ("", ""))],
)
def test_mura_muri_or_not_sure(as_user, alice, walk, waste, expected):
    as_user(alice).post(url("observe", walk), observation_data(waste=waste))
    observation = Observation.objects.get()
    assert (observation.waste, observation.muda_kind) == expected


def test_the_same_form_posted_twice_makes_one_observation(as_user, alice, walk):
    client = as_user(alice)
    data = observation_data()
    first = client.post(url("observe", walk), data)
    second = client.post(url("observe", walk), data, **EN)
    observation = Observation.objects.get()
    assert first.url == second.url == url("detail", walk) + f"#observation-{observation.pk}"
    assert messages_of(second)[-1] == "This observation was already saved."
    # A new form has a new token: a second observation.
    client.post(url("observe", walk), observation_data(text="En till"))
    assert Observation.objects.count() == 2


def test_each_form_gets_its_own_token(as_user, alice, walk):
    client = as_user(alice)
    first = client.get(url("observe", walk)).context["form"]["client_token"].value()
    second = client.get(url("observe", walk)).context["form"]["client_token"].value()
    assert first and second and first != second


def test_a_token_of_another_walk_does_not_lose_the_observation(as_user, alice, bob, walk):
    other = ObservationFactory(client_token=uuid.uuid4())
    response = as_user(alice).post(
        url("observe", walk), observation_data(client_token=str(other.client_token))
    )
    assert response.status_code == 302
    assert walk.observations.count() == 1


def oversized_jpeg() -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(data, format="JPEG")
    padded = data.getvalue() + b"\0" * (8 * 1024 * 1024 + 1)  # trailing bytes Pillow ignores
    return SimpleUploadedFile("big.jpg", padded, content_type="image/jpeg")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": ""}, "This field is required."),
        ({"severity": "9"}, "Choose low, medium or high."),
        ({"waste": "laziness"}, "Select a valid choice."),
        (
            {"photo": SimpleUploadedFile("notes.jpg", b"just text", content_type="image/jpeg")},
            "This file is not a photo.",
        ),
        ({"photo": "oversized"}, "a photo may be at most 8 MB"),
        ({"touchpoint": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_observations_save_nothing(as_user, alice, walk, changes, message):
    if changes.get("photo") == "oversized":
        changes = {"photo": oversized_jpeg()}
    response = as_user(alice).post(url("observe", walk), observation_data(**changes), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved." in page
    assert message in page
    assert not Observation.objects.exists()


@pytest.mark.parametrize("person", ["dave", "maria"])
def test_only_those_on_the_walk_log_observations(request, as_user, walk, person):
    client = as_user(request.getfixturevalue(person))
    assert client.get(url("observe", walk)).status_code == 403
    assert client.post(url("observe", walk), observation_data()).status_code == 403
    assert not Observation.objects.exists()


def test_the_unit_coordinator_and_superuser_log_observations(as_user, bob, root, walk):
    for person in (bob, root):
        response = as_user(person).post(url("observe", walk), observation_data())
        assert response.status_code == 302
    assert Observation.objects.count() == 2


# --- make it an improvement --------------------------------------------------------------


def test_an_observation_becomes_an_improvement_once(as_user, alice, walk, phone_queue):
    observation = ObservationFactory(
        walk=walk,
        text="Kunderna står i kö vid disken.\nIngen skylt.",
        waste=Waste.MUDA,
        muda_kind=MudaKind.WAITING,
        touchpoint=phone_queue,
    )
    client = as_user(alice)
    assert "Make it an improvement" in html_of(client, url("detail", walk))
    response = client.post(url("improve", observation), **EN)
    assert response.status_code == 302 and response.url.endswith(f"#observation-{observation.pk}")
    item = Item.objects.get()
    assert item.title == "Kunderna står i kö vid disken"
    assert (item.source, item.unit, item.submitted_by, item.touchpoint) == (
        Source.GEMBA,
        walk.unit,
        alice,
        phone_queue,
    )
    assert (item.waste, item.muda_kind) == (Waste.MUDA, MudaKind.WAITING)
    observation.refresh_from_db()
    assert observation.improvement == item
    again = client.post(url("improve", observation), **EN)
    assert Item.objects.count() == 1
    assert messages_of(again)[-1] == (
        "This observation is already an improvement: “Kunderna står i kö vid disken”."
    )
    page = html_of(client, url("detail", walk))
    assert reverse("backlog:detail", args=[item.pk]) in page
    assert "Make it an improvement" not in page
    # The backlog item says where it came from.
    item_page = html_of(client, reverse("backlog:detail", args=[item.pk]))
    assert "From a Gemba walk" in item_page
    assert f"{url('detail', walk)}#observation-{observation.pk}" in item_page


def test_the_item_links_to_the_walk_only_for_those_who_may_open_it(as_user, walk, bob, carol):
    observation = ObservationFactory(walk=walk, text="Kön syns inte")
    item, _created = improvement_from_observation(observation, by=bob)
    item.owner = carol  # an owner from another unit sees the item, not Kundservice's walk
    item.save()
    walk_link = f"{url('detail', walk)}#observation-{observation.pk}"
    assert walk_link in html_of(as_user(bob), reverse("backlog:detail", args=[item.pk]))
    page = html_of(as_user(carol), reverse("backlog:detail", args=[item.pk]))
    assert "From a Gemba walk" in page and "Kön syns inte" in page
    assert walk_link not in page
    assert as_user(carol).get(url("detail", walk)).status_code == 404


@pytest.mark.parametrize("person", ["dave", "maria"])
def test_only_those_on_the_walk_make_improvements(request, as_user, walk, person):
    observation = ObservationFactory(walk=walk)
    response = as_user(request.getfixturevalue(person)).post(url("improve", observation))
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_improve_is_post_only(as_user, alice, walk):
    observation = ObservationFactory(walk=walk)
    assert as_user(alice).get(url("improve", observation)).status_code == 405


# --- photos ------------------------------------------------------------------------------


def test_photos_are_served_to_those_who_see_the_walk(as_user, dave, maria, walk):
    observation = ObservationFactory(walk=walk, photo=png(size=(2400, 1200)))
    for person in (dave, maria):
        response = as_user(person).get(url("photo", observation))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert Image.open(io.BytesIO(content)).size == (1600, 800)  # the display copy
        assert response["Cache-Control"] == "private, max-age=3600"
    original = as_user(dave).get(url("photo", observation) + "?original=1")
    assert Image.open(io.BytesIO(b"".join(original.streaming_content))).size == (2400, 1200)
    assert "/media/" not in html_of(as_user(dave), url("detail", walk))


def test_no_photo_is_404(as_user, alice, walk):
    observation = ObservationFactory(walk=walk)
    assert as_user(alice).get(url("photo", observation)).status_code == 404


def test_anonymous_get_no_photo(client, walk):
    observation = ObservationFactory(walk=walk, photo=png())
    response = client.get(url("photo", observation))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- done and cancelled ------------------------------------------------------------------


def test_the_leader_marks_the_walk_done(as_user, bob, walk):
    client = as_user(bob)
    page = html_of(client, url("done", walk))
    assert 'value="30"' in page
    response = client.post(url("done", walk), {"actual_minutes": "40", "summary": "Bra vandring."})
    assert response.status_code == 302
    walk.refresh_from_db()
    assert (walk.status, walk.actual_minutes, walk.summary) == (
        WalkStatus.DONE,
        40,
        "Bra vandring.",
    )
    page = html_of(client, url("detail", walk))
    assert "took 40 minutes" in page and "Bra vandring." in page
    assert url("done", walk) not in page


def test_a_leader_who_is_an_employee_closes_their_walk(as_user, alice, service_team):
    walk = WalkFactory(unit=service_team, leader=alice)
    response = as_user(alice).post(url("done", walk), {"actual_minutes": "20"})
    assert response.status_code == 302
    walk.refresh_from_db()
    assert walk.status == WalkStatus.DONE


@pytest.mark.parametrize("minutes", ["", "0", "-5", "721", "abc"])
def test_bad_minutes_leave_the_walk_planned(as_user, bob, walk, minutes):
    response = as_user(bob).post(url("done", walk), {"actual_minutes": minutes}, **EN)
    assert response.status_code == 200
    assert "Please correct the marked fields." in response.content.decode()
    walk.refresh_from_db()
    assert walk.status == WalkStatus.PLANNED and walk.actual_minutes is None


@pytest.mark.parametrize(("person", "status"), [("alice", 403), ("dave", 403), ("maria", 403)])
def test_participants_and_management_do_not_close_walks(request, as_user, walk, person, status):
    client = as_user(request.getfixturevalue(person))
    assert client.post(url("done", walk), {"actual_minutes": "20"}).status_code == status
    assert client.post(url("cancel", walk)).status_code == status
    walk.refresh_from_db()
    assert walk.status == WalkStatus.PLANNED


def test_the_leader_cancels_the_walk(as_user, bob, walk):
    client = as_user(bob)
    assert "Cancel “Kundtjänstgolvet”?" in html_of(client, url("cancel", walk))
    response = client.post(url("cancel", walk), **EN)
    assert response.status_code == 302
    walk.refresh_from_db()
    assert walk.status == WalkStatus.CANCELLED
    assert messages_of(response) == ["The walk is cancelled."]


def test_a_done_walk_cannot_be_cancelled(as_user, bob, walk):
    walk.complete(30)
    response = as_user(bob).post(url("cancel", walk), **EN)
    assert messages_of(response) == ["A walk that is done cannot be cancelled."]
    walk.refresh_from_db()
    assert walk.status == WalkStatus.DONE


def test_a_cancelled_walk_cannot_be_done(as_user, bob, walk):
    walk.cancel()
    response = as_user(bob).post(url("done", walk), {"actual_minutes": "20"}, **EN)
    assert response.status_code == 200
    assert "A cancelled walk cannot be marked as done." in response.content.decode()
    walk.refresh_from_db()
    assert walk.status == WalkStatus.CANCELLED


# --- the report --------------------------------------------------------------------------


def test_the_report_holds_facts_answers_and_observations(as_user, dave, maria, alice, walk):
    question = walk.question_set.questions.first()
    AnswerFactory(walk=walk, question=question, text="I telefonkön.", answered_by=alice)
    item = ItemFactory(title="Skylt vid disken", unit=walk.unit)
    ObservationFactory(walk=walk, text="Skylten saknas", improvement=item, photo=png())
    ObservationFactory(walk=walk, text="Trångt vid disken", severity=Severity.LOW)
    for person in (alice, dave, maria):
        page = html_of(as_user(person), url("report", walk))
        assert "Gemba walk report" in page and "Kundtjänstgolvet" in page
        assert "Alice" in page  # participants
        assert "Where does the customer wait?" in page and "I telefonkön." in page
        assert "Not answered." in page
        assert "Skylten saknas" in page and "Trångt vid disken" in page
        assert reverse("backlog:detail", args=[item.pk]) in page
        assert url("photo", walk.observations.first()) in page
        assert "<textarea" not in page and "data-print" in page


def test_the_walk_page_keeps_its_query_count(as_user, alice, walk, count_queries):
    client = as_user(alice)
    client.get(url("detail", walk))
    small = count_queries(client, url("detail", walk))
    for n in range(8):
        item = ItemFactory(unit=walk.unit) if n % 2 else None
        ObservationFactory(walk=walk, improvement=item)
    large = count_queries(client, url("detail", walk))
    assert small == large
