"""Customer journeys and the Voice of the Customer in the admin: everyone in the admin
reads journeys, coordinators of the journey's unit change them; feedback keeps to its
unit's part of the tree and turns into improvements with the link kept.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management), Root (superuser) and the "Flytta hem"
journey of Kundservice come from tests/conftest.py.
"""

import pytest
from django.urls import reverse

from cxlean.backlog.models import Item, Source
from cxlean.journeys.models import Channel, Feedback, FeedbackSource, Journey, Stage, Transition
from tests.factories import (
    FeedbackFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["journey", "touchpoint", "transition", "feedback"]
TURN = "turn_into_improvements"


def changelist(model: str) -> str:
    return reverse(f"admin:journeys_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:journeys_{obj._meta.model_name}_change", args=[obj.pk])


def history(obj) -> str:
    return reverse(f"admin:journeys_{obj._meta.model_name}_history", args=[obj.pk])


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def complaint(service_unit, phone_queue, alice):
    return FeedbackFactory(
        unit=service_unit,
        touchpoint=phone_queue,
        created_by=alice,
        what_happened="Kunden väntade 40 minuter i telefonkön.",
        what_to_improve="Erbjud återuppringning.",
        sentiment=-1,
    )


@pytest.fixture
def sales_feedback(sales_unit):
    return FeedbackFactory(unit=sales_unit, what_happened="Offerten kom aldrig.")


def journey_data(journey: Journey, **changes) -> dict:
    stages = list(journey.stages.all())
    data = {
        "name": journey.name,
        "unit": journey.unit_id,
        "persona": journey.persona,
        "description": journey.description,
        "stages-TOTAL_FORMS": len(stages),
        "stages-INITIAL_FORMS": len(stages),
        "stages-MIN_NUM_FORMS": 0,
        "stages-MAX_NUM_FORMS": 1000,
    }
    for n, stage in enumerate(stages):
        data |= {
            f"stages-{n}-id": stage.pk,
            f"stages-{n}-journey": journey.pk,
            f"stages-{n}-order": stage.order,
            f"stages-{n}-name": stage.name,
            f"stages-{n}-description": stage.description,
        }
    return data | changes


# --- who reads what ----------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_list_opens(request, as_user, handover, complaint, model, who):
    assert as_user(request.getfixturevalue(who)).get(changelist(model)).status_code == 200


@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_change_page_and_history_opens(request, as_user, handover, complaint, who):
    client = as_user(request.getfixturevalue(who))
    for obj in (handover.source.stage.journey, handover.source, handover, complaint):
        assert client.get(change(obj)).status_code == 200, obj
        assert client.get(history(obj)).status_code == 200, obj


def test_employees_are_kept_out(alice, as_user, journey):
    response = as_user(alice).get(changelist("journey"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_another_units_coordinator_reads_journeys_but_does_not_change_them(
    carol, as_user, handover
):
    client = as_user(carol)
    journey = handover.source.stage.journey
    assert journey.pk in listed(client.get(changelist("journey")))
    for obj in (journey, handover.source, handover):
        page = client.get(change(obj))
        assert page.status_code == 200 and b'name="_save"' not in page.content
    response = client.post(change(journey), journey_data(journey, name="Kapad"))
    assert response.status_code == 403
    journey.refresh_from_db()
    assert journey.name == "Flytta hem"


def test_another_units_coordinator_does_not_see_the_feedback(
    carol, as_user, complaint, sales_feedback
):
    client = as_user(carol)
    assert listed(client.get(changelist("feedback"))) == {sales_feedback.pk}
    assert client.get(change(complaint)).status_code == 302  # "does not exist"
    assert client.get(history(complaint)).status_code == 404


def test_management_reads_and_changes_nothing(maria, as_user, handover, complaint):
    client = as_user(maria)
    journey = handover.source.stage.journey
    assert listed(client.get(changelist("feedback"))) == {complaint.pk}
    assert client.post(change(journey), journey_data(journey, name="Ny")).status_code == 403
    assert client.post(change(complaint), {"what_happened": "Ny"}).status_code == 403
    assert client.post(change(handover), {"friction": "Ny"}).status_code == 403
    assert client.get(reverse("admin:journeys_journey_add")).status_code == 403
    assert client.get(reverse("admin:journeys_feedback_add")).status_code == 403
    journey.refresh_from_db()
    assert journey.name == "Flytta hem"


# --- changing journeys -------------------------------------------------------------------


def test_a_coordinator_changes_a_journey_and_its_stages(bob, as_user, journey, contact_stage):
    data = journey_data(journey, name="Flytta och teckna avtal")
    data |= {
        "stages-0-name": "Första kontakt",
        "stages-TOTAL_FORMS": 2,
        "stages-1-order": 2,
        "stages-1-name": "Uppföljning",
        "stages-1-description": "",
    }
    response = as_user(bob).post(change(journey), data)
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.name == "Flytta och teckna avtal"
    assert list(journey.stages.values_list("name", flat=True)) == ["Första kontakt", "Uppföljning"]


def test_the_journey_list_counts_stages_and_touchpoints(maria, as_user, handover, journey):
    StageFactory(journey=journey, order=2, name="Uppföljning")
    row = next(j for j in as_user(maria).get(changelist("journey")).context["cl"].result_list)
    assert (row.stage_count, row.touchpoint_count) == (2, 2)


def test_a_transition_between_two_journeys_is_a_form_error(bob, as_user, phone_queue, journey):
    other = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(unit=journey.unit)))
    response = as_user(bob).post(
        reverse("admin:journeys_transition_add"),
        {"source": phone_queue.pk, "target": other.pk, "friction": "Hopp"},
    )
    assert response.status_code == 200
    assert "target" in response.context["adminform"].form.errors
    assert not Transition.objects.exists()


def test_a_coordinator_adds_touchpoints_only_to_journeys_they_may_change(
    carol, as_user, contact_stage
):
    response = as_user(carol).post(
        reverse("admin:journeys_touchpoint_add"),
        {"stage": contact_stage.pk, "order": 3, "name": "Chatt", "channel": Channel.CHAT},
    )
    assert "stage" in response.context["adminform"].form.errors


def test_a_coordinator_adds_a_touchpoint_with_emotion_and_owner(bob, as_user, contact_stage):
    response = as_user(bob).post(
        reverse("admin:journeys_touchpoint_add"),
        {
            "stage": contact_stage.pk,
            "order": 3,
            "name": "Chatt",
            "channel": Channel.CHAT,
            "emotion": -1,
            "partner_controlled": "on",
        },
    )
    assert response.status_code == 302
    touchpoint = contact_stage.touchpoints.get(name="Chatt")
    assert touchpoint.partner_controlled and touchpoint.emotion == -1


# --- feedback ----------------------------------------------------------------------------


def test_a_coordinator_logs_feedback_as_themselves(bob, as_user, service_unit):
    response = as_user(bob).post(
        reverse("admin:journeys_feedback_add"),
        {
            "unit": service_unit.pk,
            "received_on": "2026-11-02",
            "source": FeedbackSource.SURVEY,
            "channel": Channel.WEB,
            "sentiment": 1,
            "what_happened": "Smidig flyttanmälan.",
        },
    )
    assert response.status_code == 302
    assert Feedback.objects.get().created_by == bob


def run_turn(client, feedback):
    return client.post(
        changelist("feedback"),
        {"action": TURN, "_selected_action": [f.pk for f in feedback]},
        language="en",
        follow=True,
    )


def test_feedback_turns_into_one_improvement_with_the_link_kept(bob, as_user, complaint):
    client = as_user(bob)
    assert "Made 1 improvement from customer feedback." in messages_of(
        run_turn(client, [complaint])
    )
    item = Item.objects.get()
    assert (item.source_feedback, item.source, item.submitted_by) == (complaint, Source.VOC, bob)
    assert "already" in " ".join(messages_of(run_turn(client, [complaint])))
    assert Item.objects.count() == 1
    page = client.get(change(complaint))
    assert reverse("admin:backlog_item_change", args=[item.pk]) in page.text


def test_management_cannot_turn_feedback_into_improvements(maria, as_user, complaint):
    client = as_user(maria)
    assert TURN not in client.get(changelist("feedback")).text
    run_turn(client, [complaint])
    assert not Item.objects.exists()


def test_feedback_lists_run_a_constant_number_of_queries(
    maria, as_user, service_unit, bob, count_queries
):
    from cxlean.backlog.models import improvement_from_feedback

    client = as_user(maria)

    def queries_for(count: int) -> int:
        while Feedback.objects.count() < count:
            feedback = FeedbackFactory(unit=service_unit)
            if feedback.pk % 2:
                improvement_from_feedback(feedback, by=bob)
        return count_queries(client, changelist("feedback"))

    assert queries_for(3) == queries_for(30)


def test_touchpoint_and_transition_lists_run_a_constant_number_of_queries(
    maria, as_user, journey, count_queries
):
    client = as_user(maria)

    def queries_for(stages: int) -> tuple[int, int]:
        while Stage.objects.count() < stages:
            stage = StageFactory(journey=journey)
            first, second = TouchpointFactory(stage=stage), TouchpointFactory(stage=stage)
            Transition.objects.create(source=first, target=second)
        counts = []
        for model in ("touchpoint", "transition", "journey"):
            counts.append(count_queries(client, changelist(model)))
        return tuple(counts)

    assert queries_for(2) == queries_for(20)
