"""The one comparison of historical copies (`cxlean.core.history`): what every history
list shows (checklists, journeys, the backlog, competence) and what the plans' history
uses too, with amounts in kronor and its own words for a removed person
(`cxlean.plans.changes`)."""

from decimal import Decimal

import pytest
from django.utils import translation

from cxlean.core.history import NOTHING, RelatedNames, object_changes, version_changes
from cxlean.plans.changes import plan_changes
from cxlean.plans.models import Plan
from cxlean.plans.templatetags.plan_tags import money
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db
FIELDS = ["name", "coordinator", "budget", "description"]


@pytest.fixture
def changed_plan():
    """A plan whose name, responsible and budget changed, and whose first responsible
    has since left (removed), then saved once more with nothing changed."""
    plan = PlanFactory(name="Rollout", budget=Decimal("100000"))
    first = plan.coordinator
    plan.name, plan.budget = "Rollout in Sales", Decimal("12500.50")
    plan.coordinator = UserFactory(first_name="Nils", last_name="Berg", unit=plan.unit)
    plan.save()
    plan.save()
    first.delete()
    return plan


def versions(plan: Plan) -> list:
    return list(Plan.history.filter(id=plan.pk).order_by("history_date", "history_id"))


def test_values_are_shown_by_name_and_the_language_way(changed_plan):
    created, changed, _ = versions(changed_plan)
    with translation.override("en"):
        names = RelatedNames(Plan, FIELDS, [created, changed])
        fields = {
            change.field: (change.old, change.new) for change in names.compare(created, changed)
        }
    assert fields == {
        "Name": ("Rollout", "Rollout in Sales"),
        "Responsible": ("(removed)", "Nils Berg"),
        "Budget": ("100000.00", "12500.50"),
    }
    assert names.show(Plan._meta.get_field("description"), "") == NOTHING


def test_the_plans_show_kronor_and_a_removed_person(changed_plan):
    created, changed, _ = versions(changed_plan)
    with translation.override("en"):
        names = RelatedNames(
            Plan,
            FIELDS,
            [created, changed],
            decimal=money,
            removed_person="a removed person",
        )
        fields = {
            change.field: (change.old, change.new) for change in names.compare(created, changed)
        }
        assert fields["Responsible"] == ("a removed person", "Nils Berg")
        assert fields["Budget"] == (money(Decimal("100000")), money(Decimal("12500.50")))
        # The plan's history page reads the same comparison.
        (latest_change,) = [c for c in plan_changes(changed_plan) if c.kind == "~"]
    assert {f.field: (f.old, f.new) for f in latest_change.fields} == fields


def test_a_save_without_a_visible_change_is_left_out(changed_plan):
    every = versions(changed_plan)
    names = RelatedNames(Plan, FIELDS, every)
    pairs = list(zip([None, *every], every, strict=False))
    changes = version_changes(Plan, pairs, names, lambda version: version.name)
    assert [change.kind for change in changes] == ["+", "~"]  # the third save changed nothing
    assert [change.subject for change in changes] == ["Rollout", "Rollout in Sales"]
    assert [c.kind for c in object_changes(changed_plan, FIELDS, "the plan")] == ["~", "+"]
