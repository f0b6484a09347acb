"""The checklists API for each role: templates and items (catalogue), assignments,
ticks and the flat progress rows, with filters, bad input and query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxlean.checklists.models import Assignment, ChecklistTemplate, Completion, TemplateItem, tick
from tests.api.conftest import api_client
from tests.checklists.conftest import days
from tests.checklists.factories import AssignmentFactory, TemplateFactory, TemplateItemFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TEMPLATES = reverse("checklist-template-list")
ITEMS = reverse("checklist-template-item-list")
ASSIGNMENTS = reverse("checklist-assignment-list")
COMPLETIONS = reverse("checklist-completion-list")
PROGRESS = reverse("checklist-progress-list")


@pytest.fixture
def api():
    return api_client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def detail(name: str, obj) -> str:
    return reverse(f"checklist-{name}-detail", args=[obj.pk])


def pdf(name: str = "standard.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


@pytest.mark.parametrize("address", [TEMPLATES, ITEMS, ASSIGNMENTS, COMPLETIONS, PROGRESS])
def test_anonymous_callers_get_403(api, address, role_assignment):
    assert api().get(address).status_code == 403
    assert api().post(address, {}).status_code == 403


# --- the catalogue -----------------------------------------------------------------------


def test_everyone_reads_templates_in_the_request_language(api, alice, maria, template):
    response = api(alice).get(TEMPLATES, **EN)
    [row] = response.json()["results"]
    assert row["title"] == "Customer service: Lean CX in everyday work"
    assert row["title_sv"] == "Kundservice: Lean CX i vardagen"
    assert [item["text"] for item in row["items"]] == [
        "Read the CX strategy",
        "Log three pieces of customer feedback",
        "Confirm the new standard",
    ]
    assert [item["needs_evidence"] for item in row["items"]] == [False, False, True]
    assert ids(api(maria).get(TEMPLATES)) == {template.pk}


def test_the_cx_owner_edits_the_catalogue_others_do_not(
    api, alice, bob, maria, olivia, service_role
):
    data = {
        "code": "extra",
        "role": service_role.pk,
        "title_sv": "Extra",
        "title_en": "Extra",
    }
    assert api(alice).post(TEMPLATES, data).status_code == 403
    assert api(maria).post(TEMPLATES, data).status_code == 403
    assert api(bob).post(TEMPLATES, data).status_code == 403  # coordinators propose
    response = api(olivia).post(TEMPLATES, data)
    assert response.status_code == 201
    template = ChecklistTemplate.objects.get(code="extra")
    item = {"template": template.pk, "order": 1, "text_sv": "Gör", "text_en": "Do"}
    assert api(alice).post(ITEMS, item).status_code == 403
    assert api(bob).post(ITEMS, item).status_code == 403
    assert api(olivia).post(ITEMS, item | {"needs_evidence": True}).status_code == 201
    assert TemplateItem.objects.get(template=template).needs_evidence


def test_an_assigned_template_cannot_be_deleted(api, olivia, role_assignment):
    response = api(olivia).delete(detail("template", role_assignment.template))
    assert response.status_code == 400
    assert ChecklistTemplate.objects.filter(pk=role_assignment.template_id).exists()


def test_template_items_filter_by_template_and_evidence(api, alice, template, items):
    TemplateItemFactory()
    query = f"{ITEMS}?template={template.pk}&needs_evidence=true"
    assert ids(api(alice).get(query)) == {items[2].pk}
    assert api(alice).get(f"{ITEMS}?needs_evidence=maybe").status_code == 400


# --- assignments -------------------------------------------------------------------------


def test_who_sees_which_assignments(api, role_assignment, alice, bob, carol, maria, sales_unit):
    in_sales = AssignmentFactory(unit=sales_unit)
    assert ids(api(alice).get(ASSIGNMENTS)) == {role_assignment.pk}
    assert ids(api(bob).get(ASSIGNMENTS)) == {role_assignment.pk}
    assert ids(api(carol).get(ASSIGNMENTS)) == {in_sales.pk}
    assert ids(api(maria).get(ASSIGNMENTS)) == {role_assignment.pk, in_sales.pk}
    assert api(carol).get(detail("assignment", role_assignment)).status_code == 404


def test_bob_assigns_to_a_role_the_templates_by_default(api, bob, template, service_team):
    response = api(bob).post(
        ASSIGNMENTS,
        {"template": template.pk, "unit": service_team.pk, "due_date": days(7).isoformat()},
        **EN,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == template.role_id and body["person"] is None and body["for_role"]
    assert body["assigned_by"] == bob.pk
    assert Assignment.objects.get().unit == service_team


def test_bob_assigns_to_a_person_in_their_unit(api, bob, alice, template):
    response = api(bob).post(
        ASSIGNMENTS, {"template": template.pk, "person": alice.pk, "due_date": days(7)}
    )
    assert response.status_code == 201, response.content
    assignment = Assignment.objects.get()
    assert (assignment.person, assignment.unit, assignment.role) == (
        alice,
        alice.profile.unit,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_date": "PAST"}, "due_date"),
        ({"due_date": "someday"}, "due_date"),
        ({"template": 99999}, "template"),
        ({"unit": "SALES"}, "unit"),
        ({"unit": None}, "unit"),
        ({"person": "SELLER"}, "person"),
        ({"person": "ALICE", "role": "ROLE"}, "role"),
    ],
)
def test_bad_assignments_are_400_with_the_field_and_change_nothing(
    api, bob, alice, template, service_unit, sales_unit, service_role, changes, field
):
    seller = UserFactory(unit=sales_unit)
    values = {
        "PAST": days(-1).isoformat(),
        "SALES": sales_unit.pk,
        "SELLER": seller.pk,
        "ALICE": alice.pk,
        "ROLE": service_role.pk,
    }
    data = {"template": template.pk, "unit": service_unit.pk, "due_date": days(7).isoformat()}
    for name, value in changes.items():
        data[name] = values.get(value, value) if isinstance(value, str) else value
    data = {name: value for name, value in data.items() if value is not None}
    response = api(bob).post(ASSIGNMENTS, data, format="json", **EN)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Assignment.objects.exists()


def test_employees_and_management_do_not_assign(api, alice, maria, template, service_unit):
    data = {"template": template.pk, "unit": service_unit.pk, "due_date": days(7).isoformat()}
    assert api(alice).post(ASSIGNMENTS, data).status_code == 403
    assert api(maria).post(ASSIGNMENTS, data).status_code == 403
    assert not Assignment.objects.exists()


def test_only_coordinators_of_the_unit_change_the_due_date(
    api, role_assignment, alice, bob, maria, sales_unit
):
    address = detail("assignment", role_assignment)
    later = {"due_date": days(30).isoformat()}
    assert api(alice).patch(address, later).status_code == 403
    assert api(maria).patch(address, later).status_code == 403
    response = api(bob).patch(address, later | {"unit": sales_unit.pk}, format="json")
    assert response.status_code == 200
    role_assignment.refresh_from_db()
    assert role_assignment.due_date == days(30)
    assert role_assignment.unit != sales_unit  # who gets it is decided when assigning
    assert api(bob).patch(address, {"due_date": days(-1).isoformat()}).status_code == 400
    assert api(alice).delete(address).status_code == 403
    assert api(bob).delete(address).status_code == 204


def test_assignment_filters(api, role_assignment, alice, root, template, sales_unit, service_unit):
    named = AssignmentFactory(
        template=template, unit=sales_unit, person=UserFactory(unit=sales_unit), role=None
    )
    late = AssignmentFactory(unit=service_unit, due_date=days(-2))
    assert ids(api(alice).get(f"{ASSIGNMENTS}?mine=true")) == {role_assignment.pk}
    assert ids(api(root).get(f"{ASSIGNMENTS}?for_role=false")) == {named.pk}
    assert ids(api(root).get(f"{ASSIGNMENTS}?unit={service_unit.pk}")) == {
        role_assignment.pk,
        late.pk,
    }
    assert ids(api(root).get(f"{ASSIGNMENTS}?due_before={days(0).isoformat()}")) == {late.pk}
    assert ids(api(root).get(f"{ASSIGNMENTS}?template_code={template.code}")) == {
        role_assignment.pk,
        named.pk,
    }
    for bad in ("unit=abc", "for_role=maybe", "due_before=soon", "ordering=nonsense"):
        assert api(root).get(f"{ASSIGNMENTS}?{bad}").status_code == 400, bad


# --- ticks -------------------------------------------------------------------------------


def tick_data(assignment, item, **fields) -> dict:
    return {"assignment": assignment.pk, "item": item.pk, **fields}


def test_alice_ticks_off_her_own_item(api, role_assignment, alice, items):
    client = api(alice)
    response = client.post(
        COMPLETIONS, tick_data(role_assignment, items[0], done=True), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["done"] and response.json()["person"] == alice.pk
    again = client.post(
        COMPLETIONS, tick_data(role_assignment, items[0], note="Läst"), format="json"
    )
    assert again.status_code == 200
    completion = Completion.objects.get()
    assert completion.done and completion.note == "Läst"
    response = client.patch(detail("completion", completion), {"done": False}, format="json")
    assert response.status_code == 200 and not response.json()["done"]


def test_evidence_is_required_checked_and_downloadable(api, role_assignment, alice, items):
    client = api(alice)
    refused = client.post(
        COMPLETIONS, tick_data(role_assignment, items[2], done=True), format="json"
    )
    assert refused.status_code == 400 and "evidence" in refused.json()
    wrong = client.post(
        COMPLETIONS,
        tick_data(
            role_assignment, items[2], done=True, evidence=SimpleUploadedFile("x.exe", b"MZ")
        ),
        format="multipart",
    )
    assert wrong.status_code == 400 and "evidence" in wrong.json()
    assert not Completion.objects.exists()
    response = client.post(
        COMPLETIONS,
        tick_data(role_assignment, items[2], done="true", evidence=pdf()),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    link = response.json()["evidence"]
    assert link.endswith(reverse("checklists:evidence", args=[response.json()["id"]]))


def test_nobody_ticks_for_someone_else(api, role_assignment, alice, bob, carol, maria, items):
    data = tick_data(role_assignment, items[0], done=True)
    assert api(bob).post(COMPLETIONS, data, format="json").status_code == 403
    assert api(maria).post(COMPLETIONS, data, format="json").status_code == 403
    carols = api(carol).post(COMPLETIONS, data, format="json")
    assert carols.status_code == 400 and "assignment" in carols.json()  # not hers to see
    assert not Completion.objects.exists()
    completion = tick(role_assignment, items[0], alice, done=True)
    assert api(bob).patch(detail("completion", completion), {"done": False}).status_code == 403
    assert api(carol).patch(detail("completion", completion), {"done": False}).status_code == 404
    completion.refresh_from_db()
    assert completion.done


def test_an_item_of_another_checklist_is_a_400(api, role_assignment, alice):
    stranger = TemplateItemFactory()
    response = api(alice).post(COMPLETIONS, tick_data(role_assignment, stranger, done=True))
    assert response.status_code == 400 and "item" in response.json()


def test_who_sees_which_ticks(api, role_assignment, alice, bob, carol, maria, items):
    completion = tick(role_assignment, items[0], alice, done=True)
    for person in (alice, bob, maria):
        assert ids(api(person).get(COMPLETIONS)) == {completion.pk}
    assert ids(api(carol).get(COMPLETIONS)) == set()
    assert ids(api(bob).get(f"{COMPLETIONS}?done=false")) == set()
    assert ids(api(bob).get(f"{COMPLETIONS}?person={alice.pk}&has_evidence=false")) == {
        completion.pk
    }


# --- progress rows -----------------------------------------------------------------------


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_progress_row_holds_plain_columns(
    api, role_assignment, alice, maria, items, service_team
):
    tick(role_assignment, items[0], alice, done=True)
    Assignment.objects.filter(pk=role_assignment.pk).update(due_date=days(-2))
    [row] = rows(api(maria).get(PROGRESS, **EN))
    assert row == {
        "assignment": role_assignment.pk,
        "template": role_assignment.template_id,
        "template_code": "customer-service-rollout",
        "template_title": "Customer service: Lean CX in everyday work",
        "role": role_assignment.role_id,
        "role_slug": "customer-service",
        "role_name": "Customer service",
        "assigned_to_role": True,
        "assignment_unit": role_assignment.unit_id,
        "assignment_unit_code": "service",
        "person": alice.pk,
        "username": "alice",
        "person_name": alice.get_full_name(),
        "unit": service_team.pk,
        "unit_code": "chat",
        "unit_name": "Team Chatt",
        "due_date": days(-2).isoformat(),
        "done": 1,
        "total": 3,
        "percent": 33,
        "complete": False,
        "overdue": True,
        "days_overdue": 2,
    }


def test_progress_rows_per_role(
    api, role_assignment, alice, bob, carol, service_team, service_role
):
    colleague = UserFactory(unit=service_team)
    colleague.profile.cx_roles.add(service_role)
    people = lambda user: {row["username"] for row in rows(api(user).get(PROGRESS))}  # noqa: E731
    assert people(alice) == {"alice"}
    assert people(bob) == {"alice", colleague.username}
    assert people(carol) == set()


def test_progress_filters(api, role_assignment, alice, root, items, service_team, service_role):
    colleague = UserFactory(unit=service_team)
    colleague.profile.cx_roles.add(service_role)
    for item in items:
        tick(
            role_assignment, item, alice, done=True, evidence=pdf() if item.needs_evidence else None
        )
    Assignment.objects.filter(pk=role_assignment.pk).update(due_date=days(-1))
    people = lambda query: {row["username"] for row in rows(api(root).get(f"{PROGRESS}?{query}"))}  # noqa: E731
    assert people("complete=true") == {"alice"}
    assert people("overdue=true") == {colleague.username}  # complete is never overdue
    assert people(f"person={alice.pk}") == {"alice"}
    assert people(f"unit={service_team.pk}&role={service_role.pk}") == {"alice", colleague.username}
    assert people(f"template={TemplateFactory().pk}") == set()
    for bad in ("overdue=maybe", "unit=abc", "person=x", "due_before=soon"):
        response = api(root).get(f"{PROGRESS}?{bad}")
        assert response.status_code == 400, bad


# --- constant query counts ---------------------------------------------------------------


def fill(count: int, unit, role, template) -> None:
    for n in range(count):
        person = UserFactory(unit=unit)
        person.profile.cx_roles.add(role)
        extra = AssignmentFactory(template=template, unit=unit, role=role)
        if n % 2:
            AssignmentFactory(template=template, unit=unit, person=person, role=None)
        tick(extra, template.items.first(), person, done=True, note="ok")
        TemplateItemFactory(template=TemplateFactory(role=role))


@pytest.mark.parametrize("who", ["alice", "bob", "maria"])
@pytest.mark.parametrize("address", [TEMPLATES, ITEMS, ASSIGNMENTS, COMPLETIONS, PROGRESS])
def test_lists_keep_their_query_count(
    api, request, role_assignment, template, service_team, who, address, count_queries
):
    client = api(request.getfixturevalue(who))
    fill(2, service_team, role_assignment.role, template)
    client.get(address)
    small = count_queries(client, address)
    fill(12, service_team, role_assignment.role, template)
    assert count_queries(client, address) == small
