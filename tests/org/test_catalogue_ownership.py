"""The organisation-wide catalogues belong to the CX owner (`may_edit_catalogue`):
Olivia (CX owner) and superusers change them in the admin and over the API; Lean
coordinators read them and propose changes (`CatalogueProposal`), which the CX owner
accepts or declines on the web, in the admin or over the API. Management reads."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cxlean.org.admin_rules import CatalogueAdmin
from cxlean.org.models import Catalogue, CatalogueProposal, ProposalStatus
from cxlean.org.roles import may_edit_catalogue
from tests.api.conftest import api_client

pytestmark = pytest.mark.django_db

CATALOGUE_ADMINS = {
    "org.cxrole",
    "guide.guidestep",
    "guide.guideactivity",
    "competence.area",
    "competence.competenceactivity",
    "competence.requirement",
    "checklists.checklisttemplate",
    "checklists.templateitem",
    "gemba.questionset",
    "metrics.metric",
    "maturity.maturitylevel",
    "maturity.dimension",
    "maturity.question",
}
CATALOGUE_ROUTES = [
    "cx-role-list",
    "guide-step-list",
    "guide-activity-list",
    "competence-area-list",
    "competence-activity-list",
    "competence-requirement-list",
    "checklist-template-list",
    "checklist-template-item-list",
    "gemba-question-set-list",
    "gemba-question-list",
    "metric-list",
    "maturity-level-list",
    "maturity-dimension-list",
    "maturity-question-list",
]


def test_who_edits_the_catalogues(alice, bob, maria, olivia, root):
    assert may_edit_catalogue(olivia) and may_edit_catalogue(root)
    assert not any(may_edit_catalogue(user) for user in (alice, bob, maria))


def test_every_catalogue_admin_asks_the_same_rule():
    catalogues = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, CatalogueAdmin)
    }
    assert catalogues == CATALOGUE_ADMINS


@pytest.mark.parametrize("label", sorted(CATALOGUE_ADMINS))
def test_admin_only_the_cx_owner_adds_to_a_catalogue(as_user, bob, maria, olivia, label):
    url = reverse(f"admin:{label.replace('.', '_')}_add")
    assert as_user(olivia).get(url).status_code == 200
    assert as_user(bob).get(url).status_code == 403
    assert as_user(maria).get(url).status_code == 403
    changelist = reverse(f"admin:{label.replace('.', '_')}_changelist")
    assert as_user(bob).get(changelist).status_code == 200  # coordinators read


@pytest.mark.parametrize("route", CATALOGUE_ROUTES)
def test_api_only_the_cx_owner_writes_a_catalogue(bob, maria, olivia, route):
    url = reverse(route)
    refused = api_client(bob).post(url, {}, format="json")
    assert refused.status_code == 403
    assert "CX owner" in refused.json()["detail"] or "CX-ägaren" in refused.json()["detail"]
    assert api_client(maria).post(url, {}, format="json").status_code == 403
    assert api_client(olivia).post(url, {}, format="json").status_code == 400  # empty, not refused
    assert api_client(bob).get(url).status_code == 200


def test_the_cx_owner_opens_the_admin(as_user, olivia):
    assert as_user(olivia).get(reverse("admin:index")).status_code == 200


# --- proposals: web --------------------------------------------------------------------------


def proposal_data(unit, **changes) -> dict:
    data = {
        "catalogue": Catalogue.CHECKLISTS,
        "entry": "Kundrådgivare",
        "title": "En punkt om chattmallar",
        "change": "Lägg till: gå igenom chattens standardsvar.",
        "reason": "Nya medarbetare använder gamla svar.",
        "unit": unit.pk,
    }
    return data | changes


@pytest.fixture
def proposal(bob, service_unit):
    return CatalogueProposal.objects.create(
        proposed_by=bob,
        unit=service_unit,
        **{k: v for k, v in proposal_data(service_unit).items() if k != "unit"},
    )


def test_web_a_coordinator_proposes_from_a_catalogue_page(as_user, bob, service_unit):
    client = as_user(bob)
    page = client.get(reverse("org:proposal_new"), {"catalogue": "checklists"})
    assert page.status_code == 200
    assert page.context["form"]["catalogue"].value() == "checklists"
    response = client.post(reverse("org:proposal_new"), proposal_data(service_unit))
    proposal = CatalogueProposal.objects.get()
    assert response.status_code == 302
    assert (proposal.proposed_by, proposal.unit, proposal.status) == (
        bob,
        service_unit,
        ProposalStatus.OPEN,
    )


def test_web_a_coordinator_proposes_only_for_his_units(as_user, bob, sales_unit):
    response = as_user(bob).post(reverse("org:proposal_new"), proposal_data(sales_unit))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not CatalogueProposal.objects.exists()


def test_web_employees_and_management_do_not_propose(as_user, alice, maria, service_unit):
    for person in (alice, maria):
        assert as_user(person).get(reverse("org:proposal_new")).status_code == 403
        data = proposal_data(service_unit)
        assert as_user(person).post(reverse("org:proposal_new"), data).status_code == 403
    assert not CatalogueProposal.objects.exists()


def test_web_who_sees_a_proposal(as_user, bob, carol, maria, olivia, alice, proposal):
    url = reverse("org:proposal", args=[proposal.pk])
    for person in (bob, maria, olivia):
        assert as_user(person).get(url).status_code == 200
    for person in (carol, alice):
        assert as_user(person).get(url).status_code == 404
    assert not list(as_user(carol).get(reverse("org:proposals")).context["page"].object_list)


def test_web_the_cx_owner_decides_once(as_user, bob, maria, olivia, proposal):
    url = reverse("org:proposal", args=[proposal.pk])
    decision = {"status": "declined", "decision_note": "Finns redan."}
    assert as_user(bob).post(url, decision).status_code == 403
    assert as_user(maria).post(url, decision).status_code == 403
    assert as_user(olivia).get(url).context["form"] is not None
    assert as_user(olivia).post(url, decision).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.DECLINED, olivia)
    assert proposal.decided_at is not None and proposal.decision_note == "Finns redan."
    assert as_user(olivia).post(url, {"status": "accepted"}).status_code == 403
    assert as_user(bob).get(url).context["form"] is None


def test_web_catalogue_pages_offer_a_proposal_to_coordinators(as_user, bob, olivia):
    propose = reverse("org:proposal_new") + "?catalogue=cx_roles"
    assert propose in as_user(bob).get(reverse("org:roles")).content.decode()
    owners = as_user(olivia).get(reverse("org:roles")).content.decode()
    assert propose not in owners and reverse("admin:org_cxrole_changelist") in owners


# --- proposals: API --------------------------------------------------------------------------


def api_data(unit, **changes) -> dict:
    return proposal_data(unit, **changes)


def test_api_a_coordinator_proposes_others_do_not(alice, bob, maria, service_unit, sales_unit):
    url = reverse("catalogue-proposal-list")
    created = api_client(bob).post(url, api_data(service_unit), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["proposed_by"] == bob.pk
    outside = api_client(bob).post(url, api_data(sales_unit), format="json")
    assert outside.status_code == 400 and "unit" in outside.json()
    for person in (alice, maria):
        assert api_client(person).post(url, api_data(service_unit), "json").status_code == 403
    assert CatalogueProposal.objects.count() == 1


def test_api_the_cx_owner_decides(bob, carol, maria, olivia, proposal):
    url = reverse("catalogue-proposal-decide", args=[proposal.pk])
    accept = {"status": "accepted", "decision_note": "Bra."}
    assert api_client(bob).post(url, accept, format="json").status_code == 403
    assert api_client(maria).post(url, accept, format="json").status_code == 403
    assert api_client(carol).post(url, accept, format="json").status_code == 404
    bad = api_client(olivia).post(url, {"status": "open"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    response = api_client(olivia).post(url, accept, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["decided_by"] == olivia.pk
    assert api_client(olivia).post(url, accept, format="json").status_code == 403  # decided


def test_api_proposals_are_not_changed_in_place(bob, olivia, proposal):
    url = reverse("catalogue-proposal-detail", args=[proposal.pk])
    assert api_client(olivia).patch(url, {"status": "accepted"}, "json").status_code == 405
    assert api_client(bob).delete(url).status_code == 405


# --- proposals: admin ------------------------------------------------------------------------


def test_admin_a_coordinator_proposes_and_reads_his_proposal(as_user, bob, service_unit):
    client = as_user(bob)
    response = client.post(reverse("admin:org_catalogueproposal_add"), proposal_data(service_unit))
    assert response.status_code == 302
    proposal = CatalogueProposal.objects.get()
    assert proposal.proposed_by == bob
    page = client.get(reverse("admin:org_catalogueproposal_change", args=[proposal.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_admin_the_cx_owner_decides_management_reads(as_user, maria, olivia, proposal):
    url = reverse("admin:org_catalogueproposal_change", args=[proposal.pk])
    decision = {"status": "accepted", "decision_note": "Jag lägger in den."}
    assert as_user(maria).get(url).status_code == 200
    assert as_user(maria).post(url, decision).status_code == 403
    assert as_user(olivia).post(url, decision).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.ACCEPTED, olivia)
    assert as_user(olivia).post(url, {"status": "declined"}).status_code == 403


def test_admin_another_coordinator_does_not_see_it(as_user, carol, proposal):
    listed = as_user(carol).get(reverse("admin:org_catalogueproposal_changelist"))
    assert proposal not in listed.context["cl"].result_list
