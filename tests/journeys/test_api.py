"""Customer journeys and the Voice of the Customer over the API.

The people and fixtures are those of tests/conftest.py: Kundservice owns the journey
"Flytta hem" (stage Kontakt with the phone queue, emotion −2, and the web form, +1, and
the hand-over between them); Alice is an employee in Team Chatt under Kundservice, Bob
coordinates Kundservice, Carol Sales; Maria is management; Root is superuser.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cxlean.backlog.models import Item, Source, Status, improvement_from_feedback
from cxlean.journeys.models import Feedback, Journey, Stage, Touchpoint, Transition
from cxlean.org.roles import EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import (
    FeedbackFactory,
    ItemFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    TransitionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
JOURNEY_LISTS = ["journey-list", "journey-stage-list", "touchpoint-list", "journey-transition-list"]


@pytest.fixture
def api():
    """`api(bob)` gives an APIClient signed in as Bob; `api()` an anonymous one."""
    return api_client


@pytest.fixture
def sales_journey(sales_unit):
    return JourneyFactory(name="Köpa abonnemang", unit=sales_unit)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def detail(route: str, obj) -> str:
    return reverse(f"{route}-detail", args=[obj.pk])


# --- reading journeys --------------------------------------------------------------------


@pytest.mark.parametrize("route", [*JOURNEY_LISTS, "feedback-list"])
def test_anonymous_gets_nothing(api, route):
    assert api().get(reverse(route)).status_code == 403
    assert api().post(reverse(route), {}, format="json").status_code == 403


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "maria", "root"])
def test_everyone_signed_in_reads_every_journey(api, request, name, handover, sales_journey):
    client = api(request.getfixturevalue(name))
    assert ids(client.get(reverse("journey-list"))) == {handover.journey.pk, sales_journey.pk}
    for route in JOURNEY_LISTS[1:]:
        assert client.get(reverse(route)).json()["count"] >= 1
    assert client.get(detail("journey", handover.journey)).status_code == 200


@pytest.fixture
def open_and_closed(bob, alice, scored_item, handover, service_unit, phone_queue):
    """On the phone queue: one open item (scored_item) and one rejected; on the
    hand-over: one open item."""
    closed = ItemFactory(unit=service_unit, touchpoint=phone_queue)
    closed.move(Status.REJECTED, bob, rejection_reason="Duplicate")
    ItemFactory(unit=service_unit, transition=handover)


def test_journey_map_nests_stages_touchpoints_and_open_improvements(
    api, alice, journey, contact_stage, phone_queue, web_form, handover, open_and_closed
):
    later = StageFactory(journey=journey, order=2, name="Uppföljning")
    response = api(alice).get(detail("journey", journey), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["unit_name"], body["persona"]) == (
        "Flytta hem",
        "Kundservice",
        "Hushållskund som flyttar",
    )
    assert (body["stage_count"], body["touchpoint_count"], body["open_improvements"]) == (2, 2, 2)
    assert [stage["name"] for stage in body["stages"]] == ["Kontakt", "Uppföljning"]
    assert body["stages"][1] == {
        "id": later.pk,
        "order": 2,
        "name": "Uppföljning",
        "description": "",
        "touchpoints": [],
    }
    queue, form = body["stages"][0]["touchpoints"]
    assert (queue["name"], queue["emotion"], queue["emotion_label"]) == (
        "Telefonkö",
        -2,
        "Very negative (−2)",
    )
    assert (queue["channel"], queue["channel_label"]) == ("phone", "Phone")
    assert (queue["open_improvements"], form["open_improvements"]) == (1, 0)
    assert body["transitions"] == [
        {
            "id": handover.pk,
            "source": phone_queue.pk,
            "target": web_form.pk,
            "friction": "Kunden får börja om.",
            "open_improvements": 1,
        }
    ]


def test_journey_list_counts_without_nesting(api, bob, journey, handover, open_and_closed):
    [row] = api(bob).get(reverse("journey-list")).json()["results"]
    assert "stages" not in row
    assert (row["stage_count"], row["touchpoint_count"], row["open_improvements"]) == (1, 2, 2)


def test_touchpoints_show_their_journey_and_open_improvements(
    api, carol, phone_queue, journey, open_and_closed
):
    body = api(carol).get(detail("touchpoint", phone_queue)).json()
    assert (body["journey"], body["journey_name"], body["stage_name"]) == (
        journey.pk,
        "Flytta hem",
        "Kontakt",
    )
    assert body["open_improvements"] == 1


@pytest.mark.parametrize(
    "query, expected",
    [
        ("journey=JOURNEY", {"queue", "form"}),
        ("channel=phone", {"queue"}),
        ("emotion=-2", {"queue"}),
        ("partner_controlled=true", set()),
        ("stage=STAGE", {"queue", "form"}),
        ("search=webb", {"form"}),
    ],
)
def test_touchpoints_filter(
    api, alice, journey, contact_stage, phone_queue, web_form, sales_journey, query, expected
):
    TouchpointFactory(stage=StageFactory(journey=sales_journey))
    query = query.replace("JOURNEY", str(journey.pk)).replace("STAGE", str(contact_stage.pk))
    found = ids(api(alice).get(f"{reverse('touchpoint-list')}?{query}"))
    assert found == {{"queue": phone_queue.pk, "form": web_form.pk}[name] for name in expected}


def test_transitions_filter_by_journey_and_touchpoint(
    api, alice, handover, web_form, sales_journey
):
    TransitionFactory(source=TouchpointFactory(stage=StageFactory(journey=sales_journey)))
    route = reverse("journey-transition-list")
    assert ids(api(alice).get(f"{route}?journey={handover.journey.pk}")) == {handover.pk}
    assert ids(api(alice).get(f"{route}?touchpoint={web_form.pk}")) == {handover.pk}


@pytest.mark.parametrize(
    "route, query, field",
    [
        ("touchpoint-list", "channel=fax", "channel"),
        ("touchpoint-list", "emotion=3", "emotion"),
        ("touchpoint-list", "emotion=bad", "emotion"),
        ("touchpoint-list", "journey=99999", "journey"),
        ("touchpoint-list", "partner_controlled=perhaps", "partner_controlled"),
        ("touchpoint-list", "ordering=mood", "ordering"),
        ("journey-list", "unit=99999", "unit"),
        ("journey-stage-list", "journey=x", "journey"),
        ("journey-transition-list", "touchpoint=99999", "touchpoint"),
    ],
)
def test_unknown_journey_filter_values_are_a_400(api, alice, route, query, field):
    response = api(alice).get(f"{reverse(route)}?{query}")
    assert response.status_code == 400
    assert field in response.json()


# --- changing journeys -------------------------------------------------------------------


def test_coordinator_builds_a_journey(api, bob, service_team):
    client = api(bob)
    journey = client.post(
        reverse("journey-list"), {"name": "Byta elavtal", "unit": service_team.pk}, "json"
    )
    assert journey.status_code == 201, journey.json()
    assert (journey.json()["stage_count"], journey.json()["open_improvements"]) == (0, 0)
    stage = client.post(
        reverse("journey-stage-list"),
        {"journey": journey.json()["id"], "name": "Hitta", "order": 1},
        format="json",
    )
    assert stage.status_code == 201, stage.json()
    points = [
        client.post(
            reverse("touchpoint-list"),
            {"stage": stage.json()["id"], "name": name, "channel": channel, "emotion": emotion},
            format="json",
        )
        for name, channel, emotion in [("Sök", "web", 1), ("Ring", "phone", -1)]
    ]
    assert [point.status_code for point in points] == [201, 201]
    assert points[0].json()["open_improvements"] == 0
    transition = client.post(
        reverse("journey-transition-list"),
        {"source": points[0].json()["id"], "target": points[1].json()["id"], "friction": "Tappar"},
        format="json",
    )
    assert transition.status_code == 201, transition.json()
    created = Journey.objects.get(name="Byta elavtal")
    assert created.stages.get().touchpoints.count() == 2
    assert Transition.objects.get(pk=transition.json()["id"]).journey == created


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 400)])
def test_only_coordinators_create_journeys_for_their_units(api, request, name, code, service_unit):
    response = api(request.getfixturevalue(name)).post(
        reverse("journey-list"), {"name": "Mine", "unit": service_unit.pk}, format="json"
    )
    assert response.status_code == code
    if code == 400:
        assert "unit" in response.json()
    assert not Journey.objects.filter(name="Mine").exists()


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 403)])
def test_only_coordinators_of_the_unit_change_a_journey_and_its_parts(
    api, request, name, code, journey, contact_stage, phone_queue, handover
):
    client = api(request.getfixturevalue(name))
    for route, obj, change in [
        ("journey", journey, {"name": "Changed"}),
        ("journey-stage", contact_stage, {"name": "Changed"}),
        ("touchpoint", phone_queue, {"emotion": 2}),
        ("journey-transition", handover, {"friction": "None"}),
    ]:
        assert client.patch(detail(route, obj), change, format="json").status_code == code
        assert client.delete(detail(route, obj)).status_code == code
    phone_queue.refresh_from_db()
    assert (phone_queue.emotion, Journey.objects.get().name) == (-2, "Flytta hem")
    assert Transition.objects.filter(pk=handover.pk).exists()


@pytest.mark.parametrize("name", ["alice", "maria", "carol"])
def test_others_add_no_parts_to_a_journey(api, request, name, journey, contact_stage, phone_queue):
    client = api(request.getfixturevalue(name))
    stage = client.post(reverse("journey-stage-list"), {"journey": journey.pk, "name": "X"}, "json")
    point = client.post(
        reverse("touchpoint-list"),
        {"stage": contact_stage.pk, "name": "X", "channel": "web"},
        format="json",
    )
    codes = (stage.status_code, point.status_code)
    assert codes == ((400, 400) if name == "carol" else (403, 403))
    assert Stage.objects.count() == 1 and Touchpoint.objects.count() == 1


def test_coordinator_changes_and_deletes_a_touchpoint(api, bob, phone_queue, handover):
    client = api(bob)
    changed = client.patch(detail("touchpoint", phone_queue), {"emotion": -1}, format="json")
    assert changed.status_code == 200 and changed.json()["emotion"] == -1
    assert client.delete(detail("touchpoint", phone_queue)).status_code == 204
    assert not Transition.objects.filter(pk=handover.pk).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"emotion": 3}, "emotion"),
        ({"emotion": -3}, "emotion"),
        ({"channel": "fax"}, "channel"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_touchpoints_are_a_400(api, bob, phone_queue, change, field):
    response = api(bob).patch(detail("touchpoint", phone_queue), change, format="json")
    assert response.status_code == 400 and field in response.json()
    phone_queue.refresh_from_db()
    assert (phone_queue.emotion, phone_queue.channel) == (-2, "phone")


def test_parts_stay_inside_their_journey(api, bob, journey, contact_stage, phone_queue, handover):
    other = JourneyFactory(unit=journey.unit)
    other_stage = StageFactory(journey=other)
    other_point = TouchpointFactory(stage=other_stage)
    client = api(bob)
    stage = client.patch(detail("journey-stage", contact_stage), {"journey": other.pk}, "json")
    point = client.patch(detail("touchpoint", phone_queue), {"stage": other_stage.pk}, "json")
    moved = client.patch(detail("journey-transition", handover), {"target": other_point.pk}, "json")
    assert (stage.status_code, point.status_code, moved.status_code) == (400, 400, 400)
    assert ("journey" in stage.json(), "stage" in point.json(), "target" in moved.json()) == (
        True,
        True,
        True,
    )
    same_journey = client.patch(
        detail("touchpoint", phone_queue),
        {"stage": StageFactory(journey=journey).pk},
        format="json",
    )
    assert same_journey.status_code == 200


@pytest.mark.parametrize("case", ["other journey", "same touchpoint", "twice"])
def test_a_transition_joins_two_touchpoints_of_one_journey_once(
    api, bob, phone_queue, web_form, handover, case
):
    elsewhere = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(unit=bob.profile.unit)))
    target = {"other journey": elsewhere, "same touchpoint": phone_queue, "twice": web_form}[case]
    response = api(bob).post(
        reverse("journey-transition-list"),
        {"source": phone_queue.pk, "target": target.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.json()
    assert Transition.objects.count() == 1
    if case == "other journey":
        assert response.json()["target"] == ["Both touchpoints must belong to the same journey."]


def test_another_coordinator_cannot_join_touchpoints_of_our_journey(
    api, carol, phone_queue, web_form
):
    response = api(carol).post(
        reverse("journey-transition-list"),
        {"source": web_form.pk, "target": phone_queue.pk},
        format="json",
    )
    assert response.status_code == 400 and "source" in response.json()
    assert not Transition.objects.exists()


# --- customer feedback -------------------------------------------------------------------


@pytest.fixture
def team_feedback(service_team, alice, phone_queue):
    return FeedbackFactory(
        unit=service_team,
        created_by=alice,
        touchpoint=phone_queue,
        sentiment=-1,
        what_happened="Väntade 40 minuter i telefonkön.",
        what_to_improve="Ring upp mig i stället.",
    )


@pytest.fixture
def service_feedback(service_unit, bob):
    return FeedbackFactory(
        unit=service_unit, created_by=bob, source="interview", channel="web", sentiment=1
    )


@pytest.fixture
def sales_feedback(sales_unit, carol):
    return FeedbackFactory(unit=sales_unit, created_by=carol, received_on=dt.date(2026, 1, 5))


def test_feedback_lists_hold_only_what_you_may_see(
    api, alice, bob, carol, maria, root, team_feedback, service_feedback, sales_feedback
):
    route = reverse("feedback-list")
    service = {team_feedback.pk, service_feedback.pk}
    assert ids(api(alice).get(route)) == service
    assert ids(api(bob).get(route)) == service
    assert ids(api(carol).get(route)) == {sales_feedback.pk}
    assert ids(api(maria).get(route)) == service | {sales_feedback.pk}
    assert ids(api(root).get(route)) == service | {sales_feedback.pk}
    assert api(carol).get(detail("feedback", team_feedback)).status_code == 404


def test_feedback_shows_labels_and_its_improvement(api, alice, team_feedback):
    body = api(alice).get(detail("feedback", team_feedback), HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["source_label"], body["channel_label"], body["sentiment_label"]) == (
        "Survey",
        "Phone",
        "Negative",
    )
    assert (body["touchpoint_name"], body["unit_name"], body["improvement"]) == (
        "Telefonkö",
        "Team Chatt",
        None,
    )


def test_employee_logs_feedback_for_her_team(api, alice, service_team, phone_queue):
    response = api(alice).post(
        reverse("feedback-list"),
        {
            "unit": service_team.pk,
            "source": "complaint",
            "channel": "phone",
            "touchpoint": phone_queue.pk,
            "received_on": "2026-11-03",
            "what_happened": "Lost in the queue",
            "how_it_felt": "Annoyed",
            "what_to_improve": "Call back",
            "sentiment": -1,
            "created_by": 1234,  # read-only: ignored
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    feedback = Feedback.objects.get()
    assert (feedback.created_by, feedback.received_on) == (alice, dt.date(2026, 11, 3))
    assert response.json()["improvement"] is None


@pytest.mark.parametrize(
    "name, change, code, field",
    [
        ("alice", {"unit": "SALES"}, 400, "unit"),
        ("carol", {}, 400, "unit"),
        ("maria", {}, 403, None),
        ("alice", {"sentiment": 2}, 400, "sentiment"),
        ("alice", {"channel": "fax"}, 400, "channel"),
        ("alice", {"source": "gossip"}, 400, "source"),
        ("alice", {"what_happened": ""}, 400, "what_happened"),
        ("alice", {"received_on": "yesterday"}, 400, "received_on"),
        ("alice", {"touchpoint": 99999}, 400, "touchpoint"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_logged(
    api, request, service_team, sales_unit, name, change, code, field
):
    data = {
        "unit": service_team.pk,
        "source": "survey",
        "channel": "web",
        "what_happened": "Something",
        **change,
    }
    if data["unit"] == "SALES":
        data["unit"] = sales_unit.pk
    response = api(request.getfixturevalue(name)).post(reverse("feedback-list"), data, "json")
    assert response.status_code == code
    if field:
        assert field in response.json(), response.json()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "name, code", [("alice", 200), ("bob", 200), ("root", 200), ("maria", 403), ("carol", 404)]
)
def test_the_logger_or_a_coordinator_changes_feedback(api, request, name, code, team_feedback):
    client = api(request.getfixturevalue(name))
    response = client.patch(detail("feedback", team_feedback), {"how_it_felt": "Angry"}, "json")
    assert response.status_code == code
    team_feedback.refresh_from_db()
    assert team_feedback.how_it_felt == ("Angry" if code == 200 else "Frustrated.")


def test_a_colleague_does_not_change_or_delete_someone_elses_feedback(
    api, service_team, team_feedback
):
    colleague = api(UserFactory(role=EMPLOYEE, unit=service_team))
    feedback_url = detail("feedback", team_feedback)
    assert colleague.get(feedback_url).status_code == 200
    assert colleague.patch(feedback_url, {"sentiment": 1}, format="json").status_code == 403
    assert colleague.delete(feedback_url).status_code == 403
    assert Feedback.objects.filter(pk=team_feedback.pk, sentiment=-1).exists()


@pytest.mark.parametrize("name, code", [("maria", 403), ("carol", 404), ("alice", 204)])
def test_deleting_feedback(api, request, name, code, team_feedback):
    client = api(request.getfixturevalue(name))
    assert client.delete(detail("feedback", team_feedback)).status_code == code
    assert Feedback.objects.filter(pk=team_feedback.pk).exists() == (code != 204)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("unit=SERVICE_UNIT", {"team", "service"}),
        ("unit=SERVICE_TEAM", {"team"}),
        ("source=interview", {"service"}),
        ("channel=phone", {"team", "sales"}),
        ("touchpoint=PHONE_QUEUE", {"team"}),
        ("sentiment=-1", {"team"}),
        ("sentiment=1", {"service"}),
        ("received_on_after=2026-06-01", {"team", "service"}),
        ("received_on_before=2026-06-01", {"sales"}),
        ("has_improvement=true", {"team"}),
        ("has_improvement=false", {"service", "sales"}),
        ("search=40 minuter", {"team"}),
    ],
)
def test_feedback_filters(
    api, request, maria, bob, team_feedback, service_feedback, sales_feedback, query, expected
):
    improvement_from_feedback(team_feedback, bob)
    # Upper-case words in the query are fixtures, replaced by their ids.
    for name in set(re.findall(r"[A-Z_]{4,}", query)):
        query = query.replace(name, str(request.getfixturevalue(name.lower()).pk))
    named = {"team": team_feedback, "service": service_feedback, "sales": sales_feedback}
    found = ids(api(maria).get(f"{reverse('feedback-list')}?{query}"))
    assert found == {named[name].pk for name in expected}


@pytest.mark.parametrize(
    "query, field",
    [
        ("unit=abc", "unit"),
        ("source=gossip", "source"),
        ("channel=fax", "channel"),
        ("touchpoint=99999", "touchpoint"),
        ("sentiment=5", "sentiment"),
        ("received_on_after=someday", "received_on"),
        ("has_improvement=maybe", "has_improvement"),
        ("ordering=colour", "ordering"),
    ],
)
def test_unknown_feedback_filter_values_are_a_400(api, alice, query, field):
    response = api(alice).get(f"{reverse('feedback-list')}?{query}")
    assert response.status_code == 400
    assert field in response.json(), response.json()


# --- feedback -> improvement -------------------------------------------------------------


def make_improvement(client, feedback):
    return client.post(reverse("feedback-make-improvement", args=[feedback.pk]))


def test_feedback_becomes_an_improvement_once(api, alice, team_feedback, service_team, phone_queue):
    first = make_improvement(api(alice), team_feedback)
    assert first.status_code == 201, first.json()
    item = Item.objects.get()
    assert first.json()["id"] == item.pk
    assert (item.source, item.source_feedback, item.unit, item.touchpoint) == (
        Source.VOC,
        team_feedback,
        service_team,
        phone_queue,
    )
    assert (item.status, item.submitted_by, item.title) == (
        Status.IDEA,
        alice,
        "Ring upp mig i stället",  # the suggestion, as a title
    )
    assert "Väntade 40 minuter i telefonkön." in item.description
    again = make_improvement(api(alice), team_feedback)
    assert again.status_code == 200 and again.json()["id"] == item.pk
    assert Item.objects.count() == 1
    shown = api(alice).get(detail("feedback", team_feedback)).json()
    assert shown["improvement"] == item.pk
    listed = api(alice).get(reverse("improvement-list") + f"?source_feedback={team_feedback.pk}")
    assert ids(listed) == {item.pk}


def test_a_coordinator_turns_feedback_into_an_improvement_too(api, bob, team_feedback):
    assert make_improvement(api(bob), team_feedback).status_code == 201
    assert make_improvement(api(bob), team_feedback).status_code == 200


@pytest.mark.parametrize("name, code", [("maria", 403), ("carol", 404)])
def test_others_do_not_turn_feedback_into_improvements(api, request, name, code, team_feedback):
    assert make_improvement(api(request.getfixturevalue(name)), team_feedback).status_code == code
    assert not Item.objects.exists()


def test_feedback_you_logged_elsewhere_is_seen_but_not_turned_into_an_improvement(
    api, alice, sales_unit
):
    elsewhere = FeedbackFactory(unit=sales_unit, created_by=alice)
    assert api(alice).get(detail("feedback", elsewhere)).status_code == 200
    response = make_improvement(api(alice), elsewhere)
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_anonymous_does_not_turn_feedback_into_improvements(api, team_feedback):
    assert make_improvement(api(), team_feedback).status_code == 403


# --- a constant number of queries --------------------------------------------------------


def fill_feedback(unit, journey, count: int) -> None:
    logger = UserFactory(role=EMPLOYEE, unit=unit)
    stage = StageFactory(journey=journey)
    for number in range(count):
        feedback = FeedbackFactory(
            unit=unit, created_by=logger, touchpoint=TouchpointFactory(stage=stage)
        )
        if number % 2:
            improvement_from_feedback(feedback, logger)


def fill_journey(unit, journey, count: int) -> None:
    """A stage of `journey` with `count` touchpoints in a row, each with an open item."""
    stage = StageFactory(journey=journey)
    previous = None
    for _ in range(count):
        point = TouchpointFactory(stage=stage)
        ItemFactory(unit=journey.unit, touchpoint=point)
        if previous is not None:
            TransitionFactory(source=previous, target=point)
        previous = point


def fill_journeys(unit, journey, count: int) -> None:
    for _ in range(count):
        fill_journey(unit, JourneyFactory(unit=unit), 2)


@pytest.mark.parametrize(
    "route, fill",
    [
        ("feedback-list", fill_feedback),
        ("touchpoint-list", fill_journey),
        ("journey-transition-list", fill_journey),
        ("journey-list", fill_journeys),
        ("journey-detail", fill_journey),
    ],
)
def test_lists_run_a_constant_number_of_queries(
    api, bob, service_unit, journey, route, fill, count_queries
):
    client = api(bob)
    target = reverse(route, args=[journey.pk]) if route.endswith("detail") else reverse(route)
    fill(service_unit, journey, 3)
    small = count_queries(client, target)
    fill(service_unit, journey, 27)
    assert count_queries(client, target) == small
