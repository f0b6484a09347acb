"""Customer journeys and the Voice of the Customer in the model layer: transitions join
two touchpoints of one journey, emotions and sentiments stay in range, who reads and
who logs feedback, who changes a journey.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management), Root (superuser) and the "Flytta hem"
journey of Kundservice come from tests/conftest.py.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cxlean.journeys.models import (
    Channel,
    Feedback,
    Journey,
    Touchpoint,
    Transition,
    may_change_journey,
    may_log_feedback,
)
from tests.factories import (
    FeedbackFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


# --- transitions -------------------------------------------------------------------------


def test_a_transition_joins_two_touchpoints_of_one_journey(handover):
    handover.full_clean()
    assert str(handover) == "Telefonkö → Flyttanmälan på webben"
    assert handover.journey == handover.source.journey


def test_a_transition_from_a_touchpoint_to_itself_is_refused(phone_queue):
    loop = Transition(source=phone_queue, target=phone_queue)
    with pytest.raises(ValidationError) as error:
        loop.full_clean()
    assert "target" in error.value.message_dict


def test_the_database_refuses_a_transition_to_itself(phone_queue):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(source=phone_queue, target=phone_queue)


def test_a_transition_between_two_journeys_is_refused(phone_queue, sales_unit):
    elsewhere = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(unit=sales_unit)))
    crossing = Transition(source=phone_queue, target=elsewhere)
    with pytest.raises(ValidationError) as error:
        crossing.full_clean()
    assert error.value.message_dict["target"]


def test_a_transition_may_cross_stages_of_the_same_journey(journey, phone_queue):
    later = TouchpointFactory(stage=StageFactory(journey=journey, order=2, name="Uppföljning"))
    Transition(source=phone_queue, target=later).full_clean()


def test_the_same_hand_over_is_stored_once(handover):
    duplicate = Transition(source=handover.source, target=handover.target)
    with pytest.raises(ValidationError):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(source=handover.source, target=handover.target)


# --- touchpoints -------------------------------------------------------------------------


@pytest.mark.parametrize("emotion", [-3, 3])
def test_an_emotion_outside_minus_2_to_plus_2_is_refused(contact_stage, emotion):
    touchpoint = Touchpoint(stage=contact_stage, name="Test", channel=Channel.APP, emotion=emotion)
    with pytest.raises(ValidationError) as error:
        touchpoint.full_clean()
    assert "emotion" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        touchpoint.save()


def test_an_unknown_channel_is_refused(contact_stage):
    touchpoint = Touchpoint(stage=contact_stage, name="Test", channel="pigeon")
    with pytest.raises(ValidationError) as error:
        touchpoint.full_clean()
    assert "channel" in error.value.message_dict


def test_touchpoints_come_in_stage_order(journey, phone_queue, web_form):
    first = StageFactory(journey=journey, order=0, name="Upptäcka")
    early = TouchpointFactory(stage=first, order=5, name="Annons")
    assert list(Touchpoint.objects.filter(stage__journey=journey)) == [early, phone_queue, web_form]
    assert phone_queue.journey == journey


def test_a_journey_keeps_its_history(journey):
    journey.name = "Flytta och teckna avtal"
    journey.save()
    assert journey.history.count() == 2


# --- who sees and changes journeys -------------------------------------------------------


def test_everyone_signed_in_reads_every_journey(journey, alice, carol, maria):
    for user in (alice, carol, maria):
        assert list(Journey.objects.visible_to(user)) == [journey]
    assert not Journey.objects.visible_to(AnonymousUser()).exists()


def test_coordinators_of_the_journeys_unit_change_it(journey, alice, bob, carol, maria, root):
    assert may_change_journey(bob, journey)
    assert may_change_journey(root, journey)
    for user in (alice, carol, maria):
        assert not may_change_journey(user, journey)


def test_a_coordinator_changes_journeys_of_sub_units(bob, service_team):
    assert may_change_journey(bob, JourneyFactory(unit=service_team))


# --- feedback ----------------------------------------------------------------------------


@pytest.fixture
def feedback_by_unit(company, service_unit, service_team, sales_unit):
    return {
        unit.name: FeedbackFactory(unit=unit, what_happened=f"I {unit.name}")
        for unit in (company, service_unit, service_team, sales_unit)
    }


def feedback_units(user) -> set[str]:
    return {f.unit.name for f in Feedback.objects.visible_to(user).select_related("unit")}


def test_an_employee_reads_the_feedback_of_their_part_of_the_tree(alice, feedback_by_unit):
    assert feedback_units(alice) == {"Företaget", "Kundservice", "Team Chatt"}


def test_an_employee_reads_what_they_logged_elsewhere(alice, sales_unit, feedback_by_unit):
    own = FeedbackFactory(unit=sales_unit, created_by=alice)
    assert own in Feedback.objects.visible_to(alice)
    assert feedback_by_unit["Försäljning"] not in Feedback.objects.visible_to(alice)


def test_a_sister_teams_feedback_is_out_of_sight(alice, service_unit):
    sister = FeedbackFactory(unit=UnitFactory(parent=service_unit))
    assert sister not in Feedback.objects.visible_to(alice)


def test_coordinators_read_their_units_and_above(bob, carol, feedback_by_unit):
    assert feedback_units(bob) == {"Företaget", "Kundservice", "Team Chatt"}
    assert feedback_units(carol) == {"Företaget", "Försäljning"}


def test_management_and_superusers_read_all_feedback(maria, root, feedback_by_unit):
    assert feedback_units(maria) == feedback_units(root) == set(feedback_by_unit)
    assert not Feedback.objects.visible_to(AnonymousUser()).exists()


def test_who_may_log_feedback_where(alice, bob, carol, maria, root, service_team, sales_unit):
    assert may_log_feedback(alice, service_team)
    assert not may_log_feedback(alice, sales_unit)
    assert may_log_feedback(bob, service_team) and not may_log_feedback(bob, sales_unit)
    assert may_log_feedback(carol, sales_unit) and not may_log_feedback(carol, service_team)
    assert not may_log_feedback(maria, service_team)
    assert may_log_feedback(root, sales_unit)
    assert not may_log_feedback(AnonymousUser(), service_team)
    assert not may_log_feedback(bob, None)


@pytest.mark.parametrize("sentiment", [-2, 2])
def test_a_sentiment_outside_minus_1_to_plus_1_is_refused(service_unit, sentiment):
    feedback = FeedbackFactory.build(unit=service_unit, sentiment=sentiment)
    with pytest.raises(ValidationError) as error:
        feedback.full_clean()
    assert "sentiment" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        feedback.save()


def test_feedback_needs_what_happened(service_unit):
    feedback = FeedbackFactory.build(unit=service_unit, what_happened="")
    with pytest.raises(ValidationError) as error:
        feedback.full_clean()
    assert "what_happened" in error.value.message_dict


def test_feedback_is_named_by_the_first_line_of_what_happened(service_unit):
    feedback = FeedbackFactory(unit=service_unit, what_happened="Fel belopp\npå fakturan")
    assert str(feedback) == "Fel belopp"


def test_newest_feedback_comes_first(service_unit):
    old = FeedbackFactory(unit=service_unit, received_on=dt.date(2026, 1, 1))
    new = FeedbackFactory(unit=service_unit, received_on=dt.date(2026, 2, 1))
    assert list(Feedback.objects.all()) == [new, old]
