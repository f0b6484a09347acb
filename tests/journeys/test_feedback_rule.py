"""Who changes customer feedback, and where it may be moved: `Feedback.can_edit` and
`Feedback.unit_choices`, the same on the web form, the API and the admin.

Employees change only feedback they logged, within their part of the tree; a
coordinator changes the feedback of their units and moves it only within them;
management changes nothing."""

import pytest
from django.urls import reverse

from cxlean.journeys.models import Channel, Feedback, FeedbackSource
from cxlean.org.roles import EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import FeedbackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(service_team):
    return UserFactory(username="dan", role=EMPLOYEE, unit=service_team)


@pytest.fixture
def theirs(service_team, colleague):
    """Feedback a colleague of Alice logged for their team."""
    return FeedbackFactory(unit=service_team, created_by=colleague, what_happened="Kön.")


@pytest.fixture
def hers(service_team, alice):
    return FeedbackFactory(unit=service_team, created_by=alice, what_happened="Chatten.")


def form_data(feedback: Feedback, **changes) -> dict:
    data = {
        "unit": feedback.unit_id,
        "source": FeedbackSource.SURVEY,
        "channel": Channel.PHONE,
        "received_on": "2026-06-01",
        "what_happened": "Changed.",
        "how_it_felt": "",
        "what_to_improve": "",
        "sentiment": 0,
        "customer_reference": "",
    }
    return data | changes


def stored(feedback: Feedback) -> Feedback:
    return Feedback.objects.get(pk=feedback.pk)


def test_the_rule(alice, bob, carol, maria, root, theirs, hers, company, sales_unit):
    assert hers.can_edit(alice) and not theirs.can_edit(alice)
    assert theirs.can_edit(bob) and theirs.can_edit(root)
    assert not theirs.can_edit(carol) and not theirs.can_edit(maria)
    # Alice moves her own within her part of the tree; Bob others' within his units.
    assert hers.may_place(alice, company) and not hers.may_place(alice, sales_unit)
    assert not theirs.may_place(bob, company)
    assert theirs.may_place(bob, theirs.unit)
    assert not Feedback(created_by=maria).unit_choices(maria).exists()


# --- web -----------------------------------------------------------------------------


def test_web_employee_cannot_edit_a_colleagues_feedback(as_user, alice, theirs, company):
    url = reverse("journeys:feedback_edit", args=[theirs.pk])
    client = as_user(alice)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(theirs, unit=company.pk)).status_code == 403
    assert stored(theirs).unit_id == theirs.unit_id
    detail = client.get(reverse("journeys:feedback_detail", args=[theirs.pk]))
    assert detail.context["may_edit"] is False


def test_web_employee_edits_her_own_feedback_within_her_part_of_the_tree(
    as_user, alice, hers, sales_unit, service_unit
):
    url = reverse("journeys:feedback_edit", args=[hers.pk])
    client = as_user(alice)
    response = client.post(url, form_data(hers, unit=sales_unit.pk))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert client.post(url, form_data(hers, unit=service_unit.pk)).status_code == 302
    assert stored(hers).unit == service_unit


def test_web_coordinator_moves_others_feedback_only_within_his_units(
    as_user, bob, theirs, company, service_unit
):
    url = reverse("journeys:feedback_edit", args=[theirs.pk])
    client = as_user(bob)
    page = client.get(url)
    assert company not in page.context["form"].fields["unit"].queryset
    response = client.post(url, form_data(theirs, unit=company.pk))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert client.post(url, form_data(theirs, unit=service_unit.pk)).status_code == 302
    assert stored(theirs).unit == service_unit


def test_web_management_and_other_units_change_nothing(as_user, maria, carol, theirs):
    url = reverse("journeys:feedback_edit", args=[theirs.pk])
    assert as_user(maria).post(url, form_data(theirs)).status_code == 403
    assert as_user(carol).post(url, form_data(theirs)).status_code == 404
    assert stored(theirs).what_happened == "Kön."


# --- API -----------------------------------------------------------------------------


def detail(feedback: Feedback) -> str:
    return reverse("feedback-detail", args=[feedback.pk])


def test_api_employee_cannot_edit_a_colleagues_feedback(alice, theirs, company):
    response = api_client(alice).patch(detail(theirs), {"unit": company.pk}, format="json")
    assert response.status_code == 403
    assert stored(theirs).unit_id == theirs.unit_id


def test_api_employee_moves_her_own_feedback_only_within_her_part_of_the_tree(
    alice, hers, sales_unit
):
    response = api_client(alice).patch(detail(hers), {"unit": sales_unit.pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()


def test_api_coordinator_cannot_move_others_feedback_above_his_units(bob, theirs, company):
    response = api_client(bob).patch(detail(theirs), {"unit": company.pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert stored(theirs).unit_id == theirs.unit_id


def test_api_management_and_other_units_change_nothing(maria, carol, theirs):
    assert api_client(maria).patch(detail(theirs), {"sentiment": 1}, "json").status_code == 403
    assert api_client(carol).patch(detail(theirs), {"sentiment": 1}, "json").status_code == 404


# --- admin ---------------------------------------------------------------------------


def admin_change(feedback: Feedback) -> str:
    return reverse("admin:journeys_feedback_change", args=[feedback.pk])


def test_admin_coordinator_cannot_move_others_feedback_above_his_units(
    as_user, bob, theirs, company, service_unit
):
    client = as_user(bob)
    response = client.post(admin_change(theirs), form_data(theirs, unit=company.pk))
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert (
        client.post(admin_change(theirs), form_data(theirs, unit=service_unit.pk)).status_code
        == 302
    )
    assert stored(theirs).unit == service_unit


def test_admin_coordinator_edits_feedback_he_logged_above_his_unit(as_user, bob, company):
    """The web and the API let him log it for the company; the admin lets him correct it."""
    own = FeedbackFactory(unit=company, created_by=bob, what_happened="Fel.")
    response = as_user(bob).post(admin_change(own), form_data(own, what_happened="Rätt."))
    assert response.status_code == 302
    assert stored(own).what_happened == "Rätt."


def test_admin_management_and_other_units_change_nothing(as_user, maria, carol, theirs):
    assert as_user(maria).get(admin_change(theirs)).status_code == 200
    assert as_user(maria).post(admin_change(theirs), form_data(theirs)).status_code == 403
    assert as_user(carol).post(admin_change(theirs), form_data(theirs)).status_code == 302
    assert stored(theirs).what_happened == "Kön."
