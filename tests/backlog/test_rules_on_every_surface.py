"""The backlog's rules are the model's, so the web form, the API and the admin refuse
the same edits with the same words: what a PDCA status requires (`Item.clean`) and who
may be an item's owner (`Item.owner_choices`).

Before, the web form and a PATCH could clear a planned item's owner and due date while
the admin refused; the web form limited owners to people of the coordinator's units
while the API took any active user.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cxlean.backlog.forms import ItemForm, move_form
from cxlean.backlog.models import Item, Status
from tests.api.conftest import api_client
from tests.backlog.test_admin import form_data

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NEEDS_OWNER = "A plan needs an owner."
NEEDS_DUE_DATE = "A plan needs a due date."


def plan_words(language: str = "sv") -> list[str]:
    """What a plan without owner and due date is told, in the language of the web pages
    and the admin (the person's)."""
    with translation.override(language):
        return [str(message) for message in Item().move_errors(Status.PLAN).values()]


def due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def planned(scored_item, bob, alice):
    scored_item.move(Status.TRIAGED, by=bob)
    scored_item.move(Status.PLAN, by=bob, owner=alice, due_date=due())
    return scored_item


def web_edit(item: Item, **changes) -> dict:
    data = {
        "title": item.title,
        "description": item.description,
        "unit": item.unit_id,
        "source": item.source,
        "touchpoint": item.touchpoint_id or "",
        "transition": "",
        "waste": item.waste,
        "muda_kind": item.muda_kind,
        "impact": item.impact,
        "feasibility": item.feasibility,
        "customer_value": item.customer_value,
        "owner": item.owner_id or "",
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "expected_metric": "",
        "expected_change": "",
        "expected_effect": "",
        "measured_change": "",
        "measured_effect": "",
        "spread": "unknown",
        "spread_note": "",
    }
    return data | changes


def unchanged(item: Item, owner, due_date) -> bool:
    item.refresh_from_db()
    return item.owner == owner and item.due_date == due_date


# --- what a status requires ----------------------------------------------------------------


def test_the_model_refuses_a_planned_item_without_owner_or_due_date(planned):
    planned.owner, planned.due_date = None, None
    with translation.override("en"):
        errors = {name: str(message) for name, message in planned.status_errors().items()}
    assert errors == {"owner": NEEDS_OWNER, "due_date": NEEDS_DUE_DATE}


def test_the_web_form_refuses_clearing_owner_and_due_date(bob, alice, planned, as_user):
    response = as_user(bob).post(
        reverse("backlog:edit", args=[planned.pk]),
        web_edit(planned, owner="", due_date=""),
        **EN,
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert [*errors["owner"], *errors["due_date"]] == plan_words()
    assert unchanged(planned, alice, due())


def test_the_owner_cannot_clear_the_due_date_on_the_web(alice, planned, as_user):
    response = as_user(alice).post(
        reverse("backlog:edit", args=[planned.pk]), {"due_date": ""}, **EN
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == plan_words()[1:]
    assert unchanged(planned, alice, due())


def test_a_patch_cannot_clear_owner_or_due_date(bob, alice, planned):
    response = api_client(bob).patch(
        reverse("improvement-detail", args=[planned.pk]),
        {"owner": None, "due_date": None},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {"owner": [NEEDS_OWNER], "due_date": [NEEDS_DUE_DATE]}
    assert unchanged(planned, alice, due())


def test_the_owner_cannot_clear_the_due_date_by_patch(alice, planned):
    response = api_client(alice).patch(
        reverse("improvement-detail", args=[planned.pk]), {"due_date": None}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json() == {"due_date": [NEEDS_DUE_DATE]}
    assert unchanged(planned, alice, due())


def test_the_admin_refuses_the_same_edit_with_the_same_words(bob, alice, planned, as_user):
    response = as_user(bob).post(
        reverse("admin:backlog_item_change", args=[planned.pk]),
        form_data(planned, owner="", due_date=""),
        **EN,
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert [*errors["owner"], *errors["due_date"]] == plan_words()
    assert unchanged(planned, alice, due())


def test_a_checked_item_keeps_its_measured_effect_everywhere(bob, alice, planned, as_user):
    planned.move(Status.DO, by=bob)
    planned.move(Status.CHECK, by=bob, measured_effect="Kön kortare")
    web = as_user(bob).post(
        reverse("backlog:edit", args=[planned.pk]),
        web_edit(planned, measured_effect=""),
        **EN,
    )
    assert "measured_effect" in web.context["form"].errors
    api = api_client(bob).patch(
        reverse("improvement-detail", args=[planned.pk]),
        {"measured_effect": ""},
        format="json",
        **EN,
    )
    assert api.status_code == 400 and "measured_effect" in api.json()
    planned.refresh_from_db()
    assert planned.measured_effect == "Kön kortare"


# --- who may own an item ------------------------------------------------------------------


def test_owner_choices_are_the_same_on_every_surface(bob, alice, carol, planned, as_user):
    expected = set(Item.owner_choices(bob, planned))
    assert alice in expected and carol not in expected
    web = ItemForm(instance=planned, user=bob).fields["owner"].queryset
    assert set(web) == expected
    move = move_form(planned, Status.REJECTED, bob)  # no owner field: nothing to compare
    assert "owner" not in move.fields
    admin = as_user(bob).get(reverse("admin:backlog_item_change", args=[planned.pk]))
    assert set(admin.context["adminform"].form.fields["owner"].queryset) == expected


def test_the_web_form_refuses_an_owner_from_another_part_of_the_tree(bob, carol, planned, as_user):
    response = as_user(bob).post(
        reverse("backlog:edit", args=[planned.pk]), web_edit(planned, owner=carol.pk), **EN
    )
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    planned.refresh_from_db()
    assert planned.owner != carol


def test_a_patch_refuses_an_owner_from_another_part_of_the_tree(bob, carol, planned):
    response = api_client(bob).patch(
        reverse("improvement-detail", args=[planned.pk]),
        {"owner": carol.pk},
        format="json",
        **EN,
    )
    assert response.status_code == 400 and "owner" in response.json()
    planned.refresh_from_db()
    assert planned.owner != carol


def test_a_move_refuses_an_owner_from_another_part_of_the_tree(bob, carol, scored_item):
    scored_item.move(Status.TRIAGED, by=bob)
    response = api_client(bob).post(
        reverse("improvement-move", args=[scored_item.pk]),
        {"to": "plan", "owner": carol.pk, "due_date": due().isoformat()},
        format="json",
        **EN,
    )
    assert response.status_code == 400 and "owner" in response.json()
    scored_item.refresh_from_db()
    assert scored_item.status == Status.TRIAGED and scored_item.owner is None


def test_the_admin_refuses_an_owner_from_another_part_of_the_tree(bob, carol, planned, as_user):
    response = as_user(bob).post(
        reverse("admin:backlog_item_change", args=[planned.pk]),
        form_data(planned, owner=carol.pk),
        **EN,
    )
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    planned.refresh_from_db()
    assert planned.owner != carol


def test_the_present_owner_stays_a_valid_choice(bob, alice, planned, as_user):
    """An owner who has since moved to another unit can stay on the item."""
    response = api_client(bob).patch(
        reverse("improvement-detail", args=[planned.pk]),
        {"owner": alice.pk, "title": "Kortare kö"},
        format="json",
    )
    assert response.status_code == 200
