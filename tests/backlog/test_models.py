"""The improvement backlog's model layer: the priority formula and its weights, the
quadrants, the PDCA workflow with its role rules and requirements, validation, who sees
what, and turning customer feedback into an improvement.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management) and Root (superuser) come from
tests/conftest.py, with the "Flytta hem" journey, `idea` and `scored_item`.
"""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cxlean.backlog.models import (
    OWNER_MOVES,
    TRANSITIONS,
    Item,
    MudaKind,
    Quadrant,
    ScoringSettings,
    Source,
    Status,
    StatusChange,
    Waste,
    improvement_from_feedback,
    may_submit,
)
from cxlean.org.roles import EMPLOYEE
from tests.factories import FeedbackFactory, ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db

ALL_SCORES = list(itertools.product(range(1, 6), repeat=3))
# What each move needs, so that a test can put an item anywhere in the workflow.
READY = {
    "waste": Waste.MUDA,
    "muda_kind": MudaKind.WAITING,
    "impact": 4,
    "feasibility": 3,
    "customer_value": 4,
    "due_date": dt.date(2030, 1, 31),
    "measured_effect": "Väntetiden halverades.",
    "spread": False,
    "rejection_reason": "Finns redan.",
}
# A path from idea to each status, made by a coordinator.
PATH_TO = {
    Status.IDEA: [],
    Status.TRIAGED: [Status.TRIAGED],
    Status.PLAN: [Status.TRIAGED, Status.PLAN],
    Status.DO: [Status.TRIAGED, Status.PLAN, Status.DO],
    Status.CHECK: [Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK],
    Status.ACT: [Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK, Status.ACT],
    Status.REJECTED: [Status.REJECTED],
}


def item_at(status: str, unit, coordinator, owner=None, **fields) -> Item:
    """An item in `unit` with every requirement met, moved to `status` by `coordinator`."""
    item = ItemFactory(unit=unit, owner=owner or coordinator, **{**READY, **fields})
    for target in PATH_TO[status]:
        item.move(target, by=coordinator)
    return item


def field_errors(error: pytest.ExceptionInfo) -> set[str]:
    return set(error.value.message_dict)


# --- priority and quadrant ---------------------------------------------------------------


def test_default_weights_give_100_for_top_scores_and_20_for_bottom(service_unit):
    top = ItemFactory(unit=service_unit, impact=5, feasibility=5, customer_value=5)
    bottom = ItemFactory(unit=service_unit, impact=1, feasibility=1, customer_value=1)
    assert (top.priority, bottom.priority) == (100, 20)


def test_a_mixed_score_follows_the_documented_formula(service_unit):
    # 100 × (0.4·4 + 0.3·2 + 0.3·3) / (5 × 1.0) = 100 × 3.1 / 5 = 62
    item = ItemFactory(unit=service_unit, impact=4, feasibility=2, customer_value=3)
    assert item.priority == 62
    # 100 × (0.4·5 + 0.3·4 + 0.3·5) / 5 = 94
    assert ScoringSettings.current().priority(5, 4, 5) == 94


def test_an_unscored_idea_has_neither_priority_nor_quadrant(idea):
    assert (idea.priority, idea.quadrant, idea.is_scored) == (None, "", False)


def test_a_partly_scored_item_has_no_priority_yet(service_unit):
    item = ItemFactory(unit=service_unit, impact=5, feasibility=5)
    assert (item.priority, item.quadrant) == (None, "")


def test_scores_are_recomputed_when_they_change(scored_item):
    scored_item.impact = 1
    scored_item.save(update_fields=["impact"])
    scored_item.refresh_from_db()
    # 100 × (0.4 + 1.2 + 1.5) / 5 = 62; impact 1 with feasibility 4 is a fill-in
    assert (scored_item.priority, scored_item.quadrant) == (62, Quadrant.FILL_IN)


def test_changing_the_weights_recomputes_every_item(service_unit, scored_item, idea):
    low = ItemFactory(unit=service_unit, impact=1, feasibility=5, customer_value=2)
    ScoringSettings(
        impact_weight=Decimal("1"),
        feasibility_weight=Decimal("0"),
        customer_value_weight=Decimal("1"),
    ).save()
    scored_item.refresh_from_db()
    low.refresh_from_db()
    idea.refresh_from_db()
    assert scored_item.priority == 100  # 100 × (5 + 5) / 10
    assert low.priority == 30  # 100 × (1 + 2) / 10
    assert idea.priority is None


@pytest.mark.parametrize(
    "weights",
    [
        ("0.40", "0.30", "0.30"),
        ("1", "1", "1"),
        ("3", "2", "3"),  # many halves: 2.5 × (3i + 2f + 3v)
        ("0.10", "0.70", "0.20"),
        ("0.33", "0.33", "0.34"),
        ("0", "0", "2"),
        # Ties in floating point: 4/5/4 gives 7421 / 82 = 90.5, rounded half up to 91.
        ("5.18", "8.61", "2.61"),
    ],
)
def test_the_database_agrees_with_the_python_formula(service_unit, weights):
    items = Item.objects.bulk_create(
        Item(title=str(s), unit=service_unit, impact=s[0], feasibility=s[1], customer_value=s[2])
        for s in ALL_SCORES
    )
    scoring = ScoringSettings(
        impact_weight=Decimal(weights[0]),
        feasibility_weight=Decimal(weights[1]),
        customer_value_weight=Decimal(weights[2]),
        high_threshold=4,
    )
    scoring.save()
    stored = {
        (i, f, v): (p, q)
        for i, f, v, p, q in Item.objects.filter(pk__in=[i.pk for i in items]).values_list(
            "impact", "feasibility", "customer_value", "priority", "quadrant"
        )
    }
    expected = {s: (scoring.priority(*s), scoring.quadrant(s[0], s[1])) for s in ALL_SCORES}
    assert stored == expected


def test_an_item_saved_after_a_change_of_weights_uses_the_new_weights(service_unit):
    ScoringSettings(
        impact_weight=Decimal("2"),
        feasibility_weight=Decimal("1"),
        customer_value_weight=Decimal("1"),
        high_threshold=5,
    ).save()
    item = ItemFactory(unit=service_unit, impact=4, feasibility=5, customer_value=2)
    # 100 × (8 + 5 + 2) / 20 = 75; impact 4 is below the threshold 5
    assert (item.priority, item.quadrant) == (75, Quadrant.FILL_IN)


def test_all_weights_zero_is_refused():
    scoring = ScoringSettings(
        impact_weight=Decimal("0"),
        feasibility_weight=Decimal("0"),
        customer_value_weight=Decimal("0"),
    )
    with pytest.raises(ValidationError):
        scoring.full_clean()


@pytest.mark.parametrize("threshold", [1, 6])
def test_the_threshold_stays_between_2_and_5(threshold):
    with pytest.raises(ValidationError) as error:
        ScoringSettings(high_threshold=threshold).full_clean()
    assert "high_threshold" in field_errors(error)


def test_scoring_settings_are_one_row():
    ScoringSettings(high_threshold=4).save()
    ScoringSettings(high_threshold=2).save()
    assert ScoringSettings.objects.count() == 1
    assert ScoringSettings.current().high_threshold == 2


def test_current_settings_have_the_defaults_before_anyone_saves_them():
    current = ScoringSettings.current()
    assert current.weights() == (Decimal("0.40"), Decimal("0.30"), Decimal("0.30"))
    assert current.high_threshold == 3


@pytest.mark.parametrize(
    ("impact", "feasibility", "quadrant"),
    [
        (5, 5, Quadrant.QUICK_WIN),
        (3, 3, Quadrant.QUICK_WIN),  # the threshold itself counts as high
        (3, 2, Quadrant.MAJOR_PROJECT),
        (5, 1, Quadrant.MAJOR_PROJECT),
        (2, 3, Quadrant.FILL_IN),
        (1, 5, Quadrant.FILL_IN),
        (2, 2, Quadrant.THANKLESS),
        (1, 1, Quadrant.THANKLESS),
    ],
)
def test_quadrants_at_the_default_threshold(service_unit, impact, feasibility, quadrant):
    item = ItemFactory(unit=service_unit, impact=impact, feasibility=feasibility, customer_value=3)
    assert item.quadrant == quadrant


def test_raising_the_threshold_moves_items_between_quadrants(service_unit):
    edge = ItemFactory(unit=service_unit, impact=3, feasibility=3, customer_value=3)
    high = ItemFactory(unit=service_unit, impact=4, feasibility=4, customer_value=3)
    ScoringSettings(high_threshold=4).save()
    edge.refresh_from_db()
    high.refresh_from_db()
    assert (edge.quadrant, high.quadrant) == (Quadrant.THANKLESS, Quadrant.QUICK_WIN)


# --- validation --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["impact", "feasibility", "customer_value"])
@pytest.mark.parametrize("value", [0, 6])
def test_scores_outside_1_to_5_are_refused(service_unit, field, value):
    item = Item(title="Test", unit=service_unit, **{field: value})
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert field in field_errors(error)


def test_the_database_refuses_a_score_of_6(service_unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(title="Test", unit=service_unit, impact=6)


def test_muda_needs_its_kind(service_unit):
    item = Item(title="Test", unit=service_unit, waste=Waste.MUDA)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert field_errors(error) == {"muda_kind"}


@pytest.mark.parametrize("waste", [Waste.MURA, Waste.MURI, ""])
def test_only_muda_has_kinds(service_unit, waste):
    item = Item(title="Test", unit=service_unit, waste=waste, muda_kind=MudaKind.DEFECTS)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "muda_kind" in field_errors(error)


def test_the_database_refuses_a_muda_kind_on_mura(service_unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            title="Test", unit=service_unit, waste=Waste.MURA, muda_kind=MudaKind.MOTION
        )


def test_an_unknown_waste_or_kind_is_refused(service_unit):
    item = Item(title="Test", unit=service_unit, waste="mudd", muda_kind="boredom")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert {"waste", "muda_kind"} <= field_errors(error)


def test_an_item_concerns_a_touchpoint_or_a_transition_not_both(
    service_unit, phone_queue, handover
):
    both = Item(title="Test", unit=service_unit, touchpoint=phone_queue, transition=handover)
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    assert field_errors(error) == {"transition"}
    Item(title="Test", unit=service_unit, touchpoint=phone_queue).full_clean()
    Item(title="Test", unit=service_unit, transition=handover).full_clean()


# --- the workflow ------------------------------------------------------------------------

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
REFUSED = [
    (source, target)
    for source in Status.values
    for target in Status.values
    if target not in TRANSITIONS[source]
]


def test_the_workflow_is_the_documented_one():
    assert set(ALLOWED) == {
        ("idea", "triaged"),
        ("idea", "rejected"),
        ("triaged", "plan"),
        ("triaged", "rejected"),
        ("plan", "do"),
        ("plan", "rejected"),
        ("do", "check"),
        ("do", "rejected"),
        ("check", "act"),
        ("check", "plan"),
        ("rejected", "idea"),
    }


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_a_coordinator_makes_every_allowed_move(service_unit, bob, source, target):
    item = item_at(source, service_unit, bob)
    change = item.move(target, by=bob, note="Nästa steg")
    item.refresh_from_db()
    assert item.status == target
    assert (change.from_status, change.to_status, change.by, change.note) == (
        source,
        target,
        bob,
        "Nästa steg",
    )


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(service_unit, bob, source, target):
    item = item_at(source, service_unit, bob)
    changes = item.status_changes.count()
    with pytest.raises(ValidationError) as error:
        item.move(target, by=bob)
    assert field_errors(error) == {"status"}
    item.refresh_from_db()
    assert item.status == source
    assert item.status_changes.count() == changes


def test_skipping_a_step_names_the_allowed_moves(scored_item, bob):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        scored_item.move(Status.DO, by=bob)
    assert error.value.message_dict["status"] == [
        "Idea cannot go to Do. From here: Triaged, Rejected."
    ]


def test_a_finished_item_goes_nowhere(service_unit, bob):
    item = item_at(Status.ACT, service_unit, bob)
    assert item.allowed_moves(bob) == []
    with translation.override("en"), pytest.raises(ValidationError) as error:
        item.move(Status.PLAN, by=bob)
    assert "nothing, the item is finished" in error.value.message_dict["status"][0]


def test_moving_to_the_same_status_is_refused(scored_item, bob):
    with pytest.raises(ValidationError) as error:
        scored_item.move(Status.IDEA, by=bob)
    with translation.override("en"):
        assert error.value.message_dict["status"] == ["The item already has this status."]


def test_an_unknown_status_is_refused(scored_item, bob):
    with pytest.raises(ValidationError) as error:
        scored_item.move("done", by=bob)
    assert field_errors(error) == {"status"}


# --- who may move ------------------------------------------------------------------------


def test_a_coordinator_moves_items_of_sub_units(service_team, bob):
    item = item_at(Status.IDEA, service_team, bob)
    item.move(Status.TRIAGED, by=bob)
    assert item.status == Status.TRIAGED


def test_a_coordinator_of_another_unit_may_not_move(scored_item, carol):
    assert scored_item.allowed_moves(carol) == []
    with translation.override("en"), pytest.raises(ValidationError) as error:
        scored_item.move(Status.TRIAGED, by=carol)
    assert "Only a Lean coordinator" in error.value.message_dict["status"][0]


def test_a_superuser_moves_anything(scored_item, root):
    scored_item.move(Status.TRIAGED, by=root)
    assert scored_item.status == Status.TRIAGED


@pytest.mark.parametrize(("source", "target"), sorted(OWNER_MOVES))
def test_the_owner_makes_forward_moves_on_their_own_item(service_team, bob, alice, source, target):
    item = item_at(source, service_team, bob, owner=alice)
    assert target in item.allowed_moves(alice)
    item.move(target, by=alice)
    item.refresh_from_db()
    assert item.status == target
    assert item.status_changes.last().by == alice


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.IDEA, Status.TRIAGED),
        (Status.IDEA, Status.REJECTED),
        (Status.TRIAGED, Status.PLAN),
        (Status.PLAN, Status.REJECTED),
        (Status.DO, Status.REJECTED),
        (Status.REJECTED, Status.IDEA),
    ],
)
def test_the_owner_may_not_triage_plan_or_reject(service_team, bob, alice, source, target):
    item = item_at(source, service_team, bob, owner=alice)
    assert target not in item.allowed_moves(alice)
    with pytest.raises(ValidationError):
        item.move(target, by=alice)
    item.refresh_from_db()
    assert item.status == source


def test_an_employee_who_does_not_own_the_item_moves_nothing(service_team, bob, alice):
    item = item_at(Status.PLAN, service_team, bob)
    assert item.allowed_moves(alice) == []
    with pytest.raises(ValidationError):
        item.move(Status.DO, by=alice)


def test_submitting_an_idea_does_not_make_it_yours_to_move(idea, alice):
    assert idea.submitted_by == alice
    assert idea.allowed_moves(alice) == []


def test_management_never_moves_even_their_own_item(service_unit, bob, maria):
    item = item_at(Status.PLAN, service_unit, bob, owner=maria)
    assert item.allowed_moves(maria) == []
    assert not item.can_edit_plan(maria) and not item.can_manage(maria)
    with pytest.raises(ValidationError):
        item.move(Status.DO, by=maria)


def test_the_owner_edits_the_plan_only_while_it_runs(service_team, bob, alice):
    item = item_at(Status.TRIAGED, service_team, bob, owner=alice)
    assert not item.can_edit_plan(alice)
    item.move(Status.PLAN, by=bob)
    assert item.can_edit_plan(alice) and not item.can_manage(alice)
    for target in (Status.DO, Status.CHECK, Status.ACT):
        item.move(target, by=alice)
    assert not item.can_edit_plan(alice)


# --- what each move needs ----------------------------------------------------------------


def test_triage_needs_waste_and_scores(idea, bob):
    with pytest.raises(ValidationError) as error:
        idea.move(Status.TRIAGED, by=bob)
    assert field_errors(error) == {"waste", "impact", "feasibility", "customer_value"}
    idea.refresh_from_db()
    assert idea.status == Status.IDEA and not idea.status_changes.exists()


def test_triage_of_muda_needs_its_kind(idea, bob):
    with pytest.raises(ValidationError) as error:
        idea.move(
            Status.TRIAGED, by=bob, waste=Waste.MUDA, impact=3, feasibility=3, customer_value=3
        )
    assert field_errors(error) == {"muda_kind"}


def test_triage_with_the_classification_given_in_the_move(idea, bob):
    idea.move(
        Status.TRIAGED,
        by=bob,
        waste=Waste.MURI,
        impact=2,
        feasibility=5,
        customer_value=3,
    )
    idea.refresh_from_db()
    assert idea.status == Status.TRIAGED
    assert (idea.priority, idea.quadrant) == (64, Quadrant.FILL_IN)  # 100 × 3.2 / 5


def test_triage_refuses_a_bad_score_given_in_the_move(idea, bob):
    with pytest.raises(ValidationError) as error:
        idea.move(
            Status.TRIAGED, by=bob, waste=Waste.MURA, impact=6, feasibility=3, customer_value=3
        )
    assert "impact" in field_errors(error)
    idea.refresh_from_db()
    assert idea.status == Status.IDEA and idea.impact is None


def test_plan_needs_an_owner_and_a_due_date(service_unit, bob, alice):
    item = item_at(Status.TRIAGED, service_unit, bob, owner=None, due_date=None)
    item.owner = None
    item.save()
    with pytest.raises(ValidationError) as error:
        item.move(Status.PLAN, by=bob)
    assert field_errors(error) == {"owner", "due_date"}
    with pytest.raises(ValidationError):
        item.move(Status.PLAN, by=bob, owner=alice)  # still no due date
    assert item.owner is None  # a refused move leaves the item as it was, in memory too
    item.move(Status.PLAN, by=bob, owner=alice, due_date=dt.date(2030, 3, 1))
    item.refresh_from_db()
    assert (item.status, item.owner, item.due_date) == (Status.PLAN, alice, dt.date(2030, 3, 1))


def test_check_needs_the_measured_effect(service_unit, bob):
    item = item_at(Status.DO, service_unit, bob, measured_effect="")
    with pytest.raises(ValidationError) as error:
        item.move(Status.CHECK, by=bob)
    assert field_errors(error) == {"measured_effect"}


@pytest.mark.parametrize(
    "fields",
    [{"measured_effect": "NPS +4"}, {"measured_change": Decimal("4.0")}],
)
def test_check_takes_the_effect_in_words_or_in_figures(service_unit, bob, fields):
    item = item_at(Status.DO, service_unit, bob, measured_effect="")
    item.move(Status.CHECK, by=bob, **fields)
    assert item.status == Status.CHECK


def test_act_asks_whether_to_spread_the_change(service_unit, bob):
    item = item_at(Status.CHECK, service_unit, bob, spread=None)
    with pytest.raises(ValidationError) as error:
        item.move(Status.ACT, by=bob)
    assert field_errors(error) == {"spread"}
    item.move(Status.ACT, by=bob, spread=True, spread_note="Team Telefoni")
    item.refresh_from_db()
    assert item.spread is True and item.spread_note == "Team Telefoni"


def test_rejecting_needs_a_reason(scored_item, bob):
    with pytest.raises(ValidationError) as error:
        scored_item.move(Status.REJECTED, by=bob, rejection_reason="   ")
    assert field_errors(error) == {"rejection_reason"}
    scored_item.move(Status.REJECTED, by=bob, rejection_reason="Dubblett av #12.")
    scored_item.refresh_from_db()
    assert scored_item.status == Status.REJECTED
    assert scored_item.rejection_reason == "Dubblett av #12."


# --- what a move records -----------------------------------------------------------------


def test_each_move_records_who_when_and_from_what(service_unit, bob, alice):
    item = item_at(Status.IDEA, service_unit, bob, owner=alice)
    before = timezone.now()
    item.move(Status.TRIAGED, by=bob)
    item.move(Status.PLAN, by=bob)
    item.move(Status.DO, by=alice, note="Vi kör")
    rows = list(item.status_changes.values_list("from_status", "to_status", "by", "note"))
    assert rows == [
        ("idea", "triaged", bob.pk, ""),
        ("triaged", "plan", bob.pk, ""),
        ("plan", "do", alice.pk, "Vi kör"),
    ]
    last = StatusChange.objects.filter(item=item).last()
    assert before <= last.at <= timezone.now()
    item.refresh_from_db()
    assert abs(item.status_changed_at - last.at) < dt.timedelta(seconds=1)


def test_each_move_adds_a_history_row(scored_item, bob):
    versions = scored_item.history.count()
    scored_item.move(Status.TRIAGED, by=bob)
    assert scored_item.history.count() == versions + 1
    assert scored_item.history.first().status == Status.TRIAGED
    assert scored_item.history.last().status == Status.IDEA


def test_open_and_overdue(service_unit, bob):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    late = item_at(Status.DO, service_unit, bob, due_date=yesterday)
    done = item_at(Status.ACT, service_unit, bob, due_date=yesterday)
    on_time = item_at(Status.PLAN, service_unit, bob, due_date=yesterday + dt.timedelta(days=9))
    assert set(Item.objects.overdue()) == {late}
    assert set(Item.objects.open()) == {late, on_time}
    assert late.is_overdue() and not done.is_overdue() and not on_time.is_overdue()


# --- who sees and submits ----------------------------------------------------------------


@pytest.fixture
def spread_items(company, service_unit, service_team, sales_unit):
    """One item in each unit of the tree."""
    return {
        unit.name: ItemFactory(title=f"I {unit.name}", unit=unit)
        for unit in (company, service_unit, service_team, sales_unit)
    }


def visible(user) -> set[str]:
    return {item.unit.name for item in Item.objects.visible_to(user).select_related("unit")}


def test_an_employee_sees_their_part_of_the_tree(alice, spread_items):
    assert visible(alice) == {"Företaget", "Kundservice", "Team Chatt"}


def test_an_employee_sees_items_elsewhere_they_submitted_or_own(alice, sales_unit, spread_items):
    ItemFactory(title="Mine", unit=sales_unit, submitted_by=alice)
    ItemFactory(title="Owned", unit=sales_unit, owner=alice)
    titles = set(Item.objects.visible_to(alice).values_list("title", flat=True))
    assert {"Mine", "Owned"} <= titles
    assert "I Försäljning" not in titles


def test_a_sister_team_is_out_of_sight(alice, service_unit, spread_items):
    sister = ItemFactory(title="Telefoni", unit=UnitFactory(parent=service_unit))
    assert sister not in Item.objects.visible_to(alice)


def test_coordinators_see_their_units_and_those_above(bob, carol, spread_items):
    assert visible(bob) == {"Företaget", "Kundservice", "Team Chatt"}
    assert visible(carol) == {"Företaget", "Försäljning"}


def test_management_and_superusers_see_everything(maria, root, spread_items):
    assert visible(maria) == visible(root) == set(spread_items)


def test_nobody_signed_out_sees_anything(spread_items):
    from django.contrib.auth.models import AnonymousUser

    assert not Item.objects.visible_to(AnonymousUser()).exists()


def test_commenting_follows_visibility_and_management_reads(scored_item, alice, carol, maria):
    assert scored_item.can_comment(alice)
    assert not scored_item.can_comment(carol)
    assert not scored_item.can_comment(maria)


def test_who_may_submit_where(alice, bob, carol, maria, root, service_team, sales_unit):
    assert may_submit(alice) and may_submit(alice, service_team)
    assert not may_submit(alice, sales_unit)
    assert may_submit(bob, service_team) and not may_submit(bob, sales_unit)
    assert may_submit(carol, sales_unit) and not may_submit(carol, service_team)
    assert not may_submit(maria) and not may_submit(maria, service_team)
    assert may_submit(root, sales_unit)


def test_a_person_without_a_unit_submits_nowhere_in_particular(service_unit):
    drifter = User.objects.create_user("drifter")
    drifter.groups.add(Group.objects.get_or_create(name=EMPLOYEE)[0])
    assert may_submit(drifter) and not may_submit(drifter, service_unit)
    assert not Item.objects.visible_to(drifter).exists()


# --- from customer feedback --------------------------------------------------------------


@pytest.fixture
def feedback(service_unit, phone_queue, alice):
    return FeedbackFactory(
        unit=service_unit,
        touchpoint=phone_queue,
        created_by=alice,
        what_happened="Kunden väntade 40 minuter i telefonkön.",
        how_it_felt="Arg och uppgiven.",
        what_to_improve="Erbjud återuppringning\nså kunden slipper vänta.",
    )


def test_feedback_becomes_an_idea_with_its_answers(feedback, bob, phone_queue, service_unit):
    item, created = improvement_from_feedback(feedback, by=bob)
    assert created
    assert item.title == "Erbjud återuppringning"
    assert (item.unit, item.touchpoint, item.source, item.submitted_by) == (
        service_unit,
        phone_queue,
        Source.VOC,
        bob,
    )
    assert item.status == Status.IDEA
    assert "Kunden väntade 40 minuter i telefonkön." in item.description
    assert "Arg och uppgiven." in item.description
    assert item.source_feedback == feedback
    feedback.refresh_from_db()
    assert feedback.improvement == item


def test_feedback_becomes_one_idea_however_often_it_is_turned(feedback, bob, alice):
    first, _created = improvement_from_feedback(feedback, by=bob)
    again, created = improvement_from_feedback(feedback, by=alice)
    assert (again, created) == (first, False)
    assert Item.objects.filter(source_feedback=feedback).count() == 1


def test_feedback_without_a_suggestion_takes_its_title_from_what_happened(service_unit, bob):
    feedback = FeedbackFactory(
        unit=service_unit,
        what_happened="Fakturan kom till fel adress.",
        how_it_felt="",
        what_to_improve="",
    )
    item, _created = improvement_from_feedback(feedback, by=bob)
    assert item.title == "Fakturan kom till fel adress"  # a title, not a sentence
    assert item.touchpoint is None


def test_a_long_first_line_is_cut_to_fit_the_title(service_unit, bob):
    feedback = FeedbackFactory(unit=service_unit, what_to_improve="ord " * 80)
    item, _created = improvement_from_feedback(feedback, by=bob)
    assert len(item.title) == 200 and item.title.endswith("…")


def test_deleting_the_feedback_keeps_the_improvement(feedback, bob):
    item, _created = improvement_from_feedback(feedback, by=bob)
    feedback.delete()
    item.refresh_from_db()
    assert item.source_feedback is None
