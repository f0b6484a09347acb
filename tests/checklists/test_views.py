"""The checklist pages for each role: my checklists and ticking off (with HTMX), notes
and evidence, an assignment, assigning, changing and removing, progress, templates.

Alice (employee in Team Chatt) holds the customer service role that `role_assignment`
gives to everyone in Kundservice. Bob coordinates Kundservice: he assigns and follows,
he does not tick for Alice. Carol coordinates Sales (Kundservice's assignments do not
exist for her); Maria is management (reads everything, changes nothing).
"""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxlean.checklists.models import Assignment, Completion, tick
from tests.checklists.conftest import days
from tests.checklists.factories import AssignmentFactory, TemplateFactory, TemplateItemFactory
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

EN = {"language": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}
MINE = reverse("checklists:mine")
PROGRESS = reverse("checklists:progress")
ASSIGN = reverse("checklists:assign")
TEMPLATES = reverse("checklists:templates")


def url(name: str, assignment, item=None) -> str:
    args = [assignment.pk] if item is None else [assignment.pk, item.pk]
    return reverse(f"checklists:{name}", args=args)


def html_of(client, address: str, **extra) -> str:
    response = client.get(address, **EN, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def pdf(name: str = "standard.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 signed", content_type="application/pdf")


def done_items(person) -> list[str]:
    return sorted(
        Completion.objects.filter(person=person, done=True).values_list("item__text_en", flat=True)
    )


# --- anonymous ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["mine", "progress", "templates", "assign", "assignment", "edit", "delete", "tick"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, role_assignment, items, name):
    address = {
        "mine": MINE,
        "progress": PROGRESS,
        "templates": TEMPLATES,
        "assign": ASSIGN,
        "assignment": url("assignment", role_assignment),
        "edit": url("assignment_edit", role_assignment),
        "delete": url("assignment_delete", role_assignment),
        "tick": url("tick", role_assignment, items[0]),
    }[name]
    response = client.post(address, {"done": "1"}) if name == "tick" else client.get(address)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Completion.objects.exists()


# --- my checklists -----------------------------------------------------------------------


def test_alice_sees_her_checklist_with_its_items_and_progress(role_assignment, alice, as_user):
    tick(role_assignment, role_assignment.template.items.get(order=1), alice, done=True)
    html = html_of(as_user(alice), MINE)
    assert "My checklists" in html
    assert "Customer service: Lean CX in everyday work" in html
    assert "Read the CX strategy" in html and "Use Voice of the Customer." in html
    assert "1 of 3 done" in html and 'aria-valuenow="33"' in html
    assert "Needs evidence" in html
    assert 'aria-pressed="true"' in html and html.count('aria-pressed="false"') == 2
    assert "Overdue" not in html
    assert ASSIGN not in html and PROGRESS not in html  # for coordinators


def test_an_overdue_checklist_is_flagged_in_words(role_assignment, alice, as_user):
    Assignment.objects.filter(pk=role_assignment.pk).update(due_date=days(-3))
    html = html_of(as_user(alice), MINE)
    assert 'class="late"' in html and "Overdue by 3 days" in html
    assert "1 overdue" in html


def test_a_complete_checklist_is_never_overdue(role_assignment, alice, items, as_user):
    for item in items:
        upload = pdf() if item.needs_evidence else None
        tick(role_assignment, item, alice, done=True, evidence=upload)
    Assignment.objects.filter(pk=role_assignment.pk).update(due_date=days(-3))
    html = html_of(as_user(alice), MINE)
    assert "Complete" in html and "Overdue" not in html


def test_people_without_checklists_see_an_empty_state(carol, role_assignment, as_user):
    html = html_of(as_user(carol), MINE)
    assert "You have no checklists" in html
    assert ASSIGN in html and PROGRESS in html  # a coordinator


def test_the_page_is_in_swedish_by_default(role_assignment, alice, as_user):
    html = as_user(alice).get(MINE).content.decode()
    assert "Kundservice: Lean CX i vardagen" in html and "Läs CX-strategin" in html


def test_the_assignment_page_calls_its_items_punkter_not_forbattringar(
    template, service_unit, service_role, bob, items, as_user
):
    # Nobody holds the role yet: the page lists the template's items under a heading.
    nobody = AssignmentFactory(template=template, unit=service_unit, role=service_role)
    html = as_user(bob).get(url("assignment", nobody)).content.decode()
    assert '<h2 id="items-heading">Punkter</h2>' in html and "Förbättringar</h2>" not in html


# --- ticking off -------------------------------------------------------------------------


def test_alice_ticks_an_item_off_with_htmx_and_gets_the_row_and_progress(
    role_assignment, alice, items, as_user
):
    response = as_user(alice).post(
        url("tick", role_assignment, items[0]), {"done": "1"}, **EN, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{role_assignment.pk}-{items[0].pk}"' in html
    assert 'aria-pressed="true"' in html
    assert 'hx-swap-oob="true"' in html and "1 of 3 done" in html
    assert "“Read the CX strategy” is ticked off." in html
    completion = Completion.objects.get()
    assert (completion.person, completion.item, completion.done) == (alice, items[0], True)
    assert completion.done_at is not None


def test_alice_unticks_without_javascript_and_history_keeps_it(
    role_assignment, alice, items, as_user
):
    client = as_user(alice)
    client.post(url("tick", role_assignment, items[1]), {"done": "1"})
    response = client.post(url("tick", role_assignment, items[1]), {"done": "0"}, **EN)
    assert response.status_code == 302
    assert response.url == f"{MINE}#item-{role_assignment.pk}-{items[1].pk}"
    completion = Completion.objects.get()
    assert not completion.done
    assert list(
        completion.history.order_by("history_date").values_list("done", "history_user")
    ) == [
        (True, alice.pk),
        (False, alice.pk),
    ]


def test_an_item_needing_evidence_is_refused_without_a_file(role_assignment, alice, items, as_user):
    client = as_user(alice)
    response = client.post(url("tick", role_assignment, items[2]), {"done": "1"}, **EN, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "needs evidence" in html
    assert '<details class="disclosure note-disclosure" open>' in html
    response = client.post(url("tick", role_assignment, items[2]), {"done": "1"}, **EN)
    assert any("needs evidence" in message for message in messages_of(response))
    assert done_items(alice) == []


def test_alice_attaches_evidence_and_ticks_off_in_one_step(role_assignment, alice, items, as_user):
    response = as_user(alice).post(
        url("note", role_assignment, items[2]),
        {"note": "Signerad", "evidence": pdf(), "tick": "1"},
        **EN,
    )
    assert response.status_code == 302
    completion = Completion.objects.get()
    assert completion.done and completion.note == "Signerad"
    assert completion.evidence.name.endswith("standard.pdf")
    download = as_user(alice).get(reverse("checklists:evidence", args=[completion.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_evidence_of_the_wrong_type_is_a_form_error_and_changes_nothing(
    role_assignment, alice, items, as_user
):
    upload = SimpleUploadedFile("virus.exe", b"MZ")
    response = as_user(alice).post(
        url("note", role_assignment, items[2]), {"note": "x", "evidence": upload, "tick": "1"}, **EN
    )
    assert response.status_code == 200
    assert "File extension “exe” is not allowed" in response.content.decode()
    assert not Completion.objects.exists()


def test_a_note_alone_is_saved_without_ticking(role_assignment, alice, items, as_user):
    as_user(alice).post(url("note", role_assignment, items[1]), {"note": "Två av tre klara"})
    completion = Completion.objects.get()
    assert completion.note == "Två av tre klara" and not completion.done


def test_bob_follows_but_does_not_tick_for_alice(role_assignment, bob, items, as_user):
    client = as_user(bob)
    assert client.post(url("tick", role_assignment, items[0]), {"done": "1"}).status_code == 403
    assert client.get(url("note", role_assignment, items[0])).status_code == 403
    assert not Completion.objects.exists()


def test_carol_gets_404_and_maria_403_on_ticking(role_assignment, carol, maria, items, as_user):
    maria.profile.cx_roles.add(role_assignment.role)  # even holding the role
    assert (
        as_user(carol).post(url("tick", role_assignment, items[0]), {"done": "1"}).status_code
        == 404
    )
    assert (
        as_user(maria).post(url("tick", role_assignment, items[0]), {"done": "1"}).status_code
        == 403
    )
    assert not Completion.objects.exists()


def test_an_item_of_another_checklist_is_404(role_assignment, alice, as_user):
    stranger = TemplateItemFactory()
    response = as_user(alice).post(url("tick", role_assignment, stranger), {"done": "1"})
    assert response.status_code == 404


def test_evidence_downloads_follow_who_may_see_the_tick(
    role_assignment, alice, bob, carol, maria, items, as_user
):
    completion = tick(role_assignment, items[2], alice, done=True, evidence=pdf())
    address = reverse("checklists:evidence", args=[completion.pk])
    assert as_user(bob).get(address).status_code == 200
    assert as_user(maria).get(address).status_code == 200
    assert as_user(carol).get(address).status_code == 404


# --- an assignment -----------------------------------------------------------------------


def test_the_assignment_page_per_role(role_assignment, alice, bob, carol, maria, items, as_user):
    tick(role_assignment, items[0], alice, done=True)
    address = url("assignment", role_assignment)
    own = html_of(as_user(alice), address)
    assert "Your checklist" in own and url("tick", role_assignment, items[1]) in own
    assert "Progress per person" not in own
    coordinator = html_of(as_user(bob), address)
    assert "Alice" in coordinator and "1 of 3 done" in coordinator
    assert url("assignment_edit", role_assignment) in coordinator
    assert url("tick", role_assignment, items[1]) not in coordinator
    management = html_of(as_user(maria), address)
    assert "Alice" in management and url("assignment_edit", role_assignment) not in management
    assert as_user(carol).get(address).status_code == 404


def test_bob_opens_alices_ticks_read_only(role_assignment, alice, bob, items, as_user):
    tick(role_assignment, items[0], alice, done=True, note="Klart")
    html = html_of(as_user(bob), f"{url('assignment', role_assignment)}?person={alice.pk}")
    assert f"{alice.get_full_name()}’s checklist" in html and "Klart" in html
    assert url("tick", role_assignment, items[0]) not in html
    assert (
        as_user(alice).get(f"{url('assignment', role_assignment)}?person={bob.pk}").status_code
        == 404
    )


# --- assigning ---------------------------------------------------------------------------


def assign_data(template, **changes) -> dict:
    data = {"template": template.pk, "due_date": days(10).isoformat(), "to": "role"}
    return data | changes


def test_bob_assigns_a_template_to_a_role_in_his_unit(bob, template, service_team, as_user):
    response = as_user(bob).post(ASSIGN, assign_data(template, unit=service_team.pk), **EN)
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response.url == url("assignment", assignment)
    assert (assignment.unit, assignment.role, assignment.person) == (
        service_team,
        template.role,
        None,
    )
    assert assignment.assigned_by == bob
    assert messages_of(response) == [
        "“Customer service: Lean CX in everyday work” is assigned to "
        "Customer service in Team Chatt."
    ]


def test_bob_assigns_to_named_people(bob, alice, template, service_unit, as_user):
    other = UserFactory(unit=service_unit)
    response = as_user(bob).post(
        ASSIGN, assign_data(template, to="people", people=[alice.pk, other.pk]), **EN
    )
    assert response.status_code == 302
    assert {(a.person, a.unit, a.role) for a in Assignment.objects.all()} == {
        (alice, alice.profile.unit, None),
        (other, service_unit, None),
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_date": days(-1).isoformat()}, "due_date", "The due date cannot be in the past."),
        ({"template": 99999}, "template", "Select a valid choice."),
        ({"unit": "sales"}, "unit", "Select a valid choice."),
        ({"unit": ""}, "unit", "Choose the unit whose people get the checklist."),
        ({"to": "people"}, "people", "Choose at least one person."),
        ({"to": "everyone"}, "to", "Select a valid choice."),
    ],
)
def test_bad_input_when_assigning_is_a_form_error_and_changes_nothing(
    bob, template, service_unit, sales_unit, as_user, changes, field, message
):
    data = assign_data(template, unit=service_unit.pk) | changes
    if data.get("unit") == "sales":
        data["unit"] = sales_unit.pk
    response = as_user(bob).post(ASSIGN, data, **EN)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Assignment.objects.exists()


def test_only_coordinators_assign(alice, maria, carol, template, sales_unit, as_user):
    assert as_user(alice).get(ASSIGN).status_code == 403
    assert as_user(maria).get(ASSIGN).status_code == 403
    assert as_user(maria).post(ASSIGN, assign_data(template, unit=sales_unit.pk)).status_code == 403
    assert as_user(carol).post(ASSIGN, assign_data(template, unit=sales_unit.pk)).status_code == 302
    assert Assignment.objects.get().unit == sales_unit


def test_bob_changes_the_due_date_but_not_into_the_past(role_assignment, bob, as_user):
    client = as_user(bob)
    address = url("assignment_edit", role_assignment)
    response = client.post(address, {"due_date": days(-2).isoformat()}, **EN)
    assert response.status_code == 200 and "cannot be in the past" in response.content.decode()
    assert client.post(address, {"due_date": days(30).isoformat()}).status_code == 302
    role_assignment.refresh_from_db()
    assert role_assignment.due_date == days(30)


def test_others_cannot_change_or_remove_an_assignment(
    role_assignment, alice, carol, maria, as_user
):
    for name in ("assignment_edit", "assignment_delete"):
        address = url(name, role_assignment)
        assert as_user(alice).post(address, {"due_date": days(40).isoformat()}).status_code == 403
        assert as_user(maria).post(address, {"due_date": days(40).isoformat()}).status_code == 403
        assert as_user(carol).post(address, {"due_date": days(40).isoformat()}).status_code == 404
    role_assignment.refresh_from_db()
    assert role_assignment.due_date == days(14)


def test_bob_removes_an_assignment(role_assignment, bob, as_user):
    client = as_user(bob)
    assert "Yes, remove it" in html_of(client, url("assignment_delete", role_assignment))
    response = client.post(url("assignment_delete", role_assignment))
    assert response.status_code == 302 and not Assignment.objects.exists()


# --- progress ----------------------------------------------------------------------------


def test_progress_per_unit_role_and_person_for_coordinators(
    role_assignment, alice, bob, items, as_user
):
    tick(role_assignment, items[0], alice, done=True)
    html = html_of(as_user(bob), PROGRESS)
    assert "Checklist progress" in html
    for heading in ("Per unit", "Per CX role", "Per person", "Every checklist"):
        assert heading in html
    assert "Team Chatt" in html and "Customer service" in html and "Alice" in html
    assert "1 of 3 (33%)" in html and "1 of 3 done" in html


def test_progress_flags_overdue_and_filters_them(
    role_assignment, alice, bob, as_user, service_team
):
    late = AssignmentFactory(
        template=TemplateFactory(title_en="Late list"), unit=service_team, person=alice, role=None
    )
    TemplateItemFactory(template=late.template)
    Assignment.objects.filter(pk=late.pk).update(due_date=days(-4))
    html = html_of(as_user(bob), f"{PROGRESS}?overdue=on")
    assert "Late list" in html and "Overdue by 4 days" in html
    assert f'href="{url("assignment", late)}"' in html
    assert f'href="{url("assignment", role_assignment)}"' not in html


def test_progress_shows_carol_only_her_units(role_assignment, carol, maria, alice, as_user):
    assert "Alice" not in html_of(as_user(carol), PROGRESS)
    assert "Alice" in html_of(as_user(maria), PROGRESS)


def test_employees_do_not_get_the_progress_overview(alice, as_user):
    assert as_user(alice).get(PROGRESS).status_code == 403


def test_a_bad_filter_is_reported_not_a_500(role_assignment, bob, as_user):
    html = html_of(as_user(bob), f"{PROGRESS}?unit=abc&role=x&page=zz")
    assert "A filter was not understood and is ignored." in html
    assert "Alice" in html


def test_everyone_reads_the_templates(template, alice, maria, bob, as_user):
    for person in (alice, maria):
        html = html_of(as_user(person), TEMPLATES)
        assert (
            "Customer service: Lean CX in everyday work" in html
            and "Confirm the new standard" in html
        )
        assert f"{ASSIGN}?template={template.pk}" not in html
    assert f"{ASSIGN}?template={template.pk}" in html_of(as_user(bob), TEMPLATES)


# --- constant query counts ---------------------------------------------------------------


def fill(count: int, unit, role, template) -> None:
    """`count` more people holding the role in the unit, and `count` more assignments."""
    for n in range(count):
        person = UserFactory(unit=unit)
        person.profile.cx_roles.add(role)
        extra = AssignmentFactory(template=template, unit=unit, role=role)
        if n % 2:
            named = AssignmentFactory(template=template, unit=unit, person=person, role=None)
            tick(named, template.items.first(), person, done=True)
        tick(extra, template.items.first(), person, done=True, note="ok")


@pytest.mark.parametrize("who", ["alice", "bob", "maria"])
@pytest.mark.parametrize("address", [MINE, PROGRESS, f"{PROGRESS}?overdue=on&unit=UNIT"])
def test_my_checklists_and_progress_keep_their_query_count(
    request, role_assignment, template, service_team, as_user, who, address, count_queries
):
    user = request.getfixturevalue(who)
    if address != MINE and who == "alice":
        return  # employees have no progress page
    address = address.replace("UNIT", str(service_team.pk))
    client = as_user(user)
    fill(2, service_team, role_assignment.role, template)
    client.get(address)  # warm up (session, content types)
    small = count_queries(client, address)
    fill(12, service_team, role_assignment.role, template)
    UnitFactory(parent=service_team)
    assert count_queries(client, address) == small
