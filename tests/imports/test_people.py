"""Importing people: created and updated, units, CX roles, roles, history; each kind of
bad row fails the job with row, column and message, and changes nothing."""

import pytest
from django.contrib.auth.models import User

from cxlean.imports.models import Status
from cxlean.org.models import Profile
from cxlean.org.roles import COORDINATOR, EMPLOYEE, MANAGEMENT
from tests.factories import UserFactory
from tests.imports.conftest import PEOPLE, errors_of, rows_of

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        User.objects.count(),
        Profile.objects.count(),
        Profile.history.count(),
        list(User.objects.order_by("pk").values_list("username", "first_name", "is_active")),
    )


def groups_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_people_are_created_and_updated_with_history_as_the_importer(
    run_import, bob, alice, service_team, service_unit, cx_roles
):
    content = rows_of(
        PEOPLE,
        {
            "username": "anna.berg",
            "first_name": "Anna",
            "last_name": "Berg",
            "email": "anna@example.org",
            "unit": "chat",
            "cx_roles": "customer-service, data-analyst",
            "active": "yes",
        },
        {"username": "alice", "last_name": "Andersson", "unit": "service", "role": "employee"},
    )
    job = run_import(bob, PEOPLE, content)

    assert job.status == Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.rows_written, job.rows_total) == (1, 1, 2, 2)
    anna = User.objects.get(username="anna.berg")
    assert (anna.first_name, anna.email, anna.is_active) == ("Anna", "anna@example.org", True)
    assert not anna.has_usable_password()
    assert anna.profile.unit == service_team
    assert {r.slug for r in anna.profile.cx_roles.all()} == {"customer-service", "data-analyst"}
    assert groups_of("anna.berg") == {EMPLOYEE}
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name) == ("Alice", "Andersson")  # empty keeps
    assert alice.profile.unit == service_unit
    assert groups_of("alice") == {EMPLOYEE}
    assert anna.profile.history.first().history_user == bob
    assert alice.profile.history.first().history_user == bob
    assert job.progress == 100 and job.finished_at is not None
    assert not job.file  # the upload is deleted once the job ends


def test_a_superuser_makes_someone_management_and_deactivates(run_import, root, alice, company):
    content = rows_of(
        PEOPLE, {"username": "alice", "unit": "company", "role": "management", "active": "no"}
    )
    job = run_import(root, PEOPLE, content)
    assert job.status == Status.DONE, job.errors
    alice.refresh_from_db()
    assert groups_of("alice") == {MANAGEMENT} and not alice.is_active


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"username": "new.person", "unit": "kundservic"}, "unit", "no unit with the code"),
        ({"username": "new.person", "unit": "sales"}, "unit", "not one of the units you"),
        ({"username": "carol", "unit": "service"}, "username", "a unit you do not coordinate"),
        (
            {"username": "new.person", "unit": "service", "cx_roles": "cook"},
            "cx_roles",
            "no CX role",
        ),  # noqa: E501
        ({"username": "new.person", "unit": "service", "role": "boss"}, "role", "is not a role"),
        ({"username": "new.person", "unit": "service", "role": "management"}, "role", "superuser"),
        ({"username": "new.person", "unit": "service", "email": "nope"}, "email", "not an e-mail"),
        ({"username": "new person!", "unit": "service"}, "username", "not a valid username"),
        ({"username": "new.person", "unit": "service", "active": "maybe"}, "active", "neither yes"),
        ({"username": "", "unit": "service", "first_name": "X"}, "username", "required"),
        ({"username": "new.person", "unit": ""}, "unit", "required"),
        ({"username": "bob", "unit": "service", "active": "no"}, "active", "deactivate yourself"),
        ({"username": "maria", "unit": "service"}, "username", "do not coordinate"),
        ({"username": "alice", "unit": "chat", "role": "coordinator"}, "role", "superuser"),
        ({"username": "new.person", "unit": "chat", "role": "coordinator"}, "role", "superuser"),
        ({"username": "bob", "unit": "service", "role": "employee"}, "role", "your own role"),
    ],
)
def test_a_bad_row_fails_the_job_and_changes_nothing(
    run_import, bob, alice, carol, maria, cx_roles, values, column, words
):
    good = {"username": "first.person", "unit": "chat"}
    before = snapshot()
    job = run_import(bob, PEOPLE, rows_of(PEOPLE, good, values))
    assert job.status == Status.FAILED
    assert [(row, col) for row, col, _ in errors_of(job)] == [(3, column)]
    assert words in errors_of(job)[0][2]
    assert snapshot() == before


def test_the_message_suggests_a_near_unit_code(run_import, bob):
    job = run_import(bob, PEOPLE, rows_of(PEOPLE, {"username": "x", "unit": "servce"}))
    assert errors_of(job) == [
        (2, "unit", "There is no unit with the code 'servce'. Did you mean 'service'?")
    ]


def test_a_username_twice_in_the_file_is_an_error(run_import, bob, service_team):
    job = run_import(
        bob,
        PEOPLE,
        rows_of(PEOPLE, {"username": "x", "unit": "chat"}, {}, {"username": "x", "unit": "chat"}),
    )
    assert errors_of(job) == [
        (4, "username", "'x' appears already in row 2: each person once per file.")
    ]
    assert not User.objects.filter(username="x").exists()


def test_errors_of_several_rows_are_all_reported(run_import, bob):
    job = run_import(
        bob,
        PEOPLE,
        rows_of(PEOPLE, {"username": "a", "unit": "nope"}, {"username": "b", "unit": "sales"}),
    )
    assert [(row, column) for row, column, _ in errors_of(job)] == [(2, "unit"), (3, "unit")]
    assert job.error_count == 2


def test_a_coordinator_cannot_change_a_superuser(run_import, bob, service_unit):
    UserFactory(username="boss", unit=service_unit, is_superuser=True)
    job = run_import(bob, PEOPLE, rows_of(PEOPLE, {"username": "boss", "unit": "service"}))
    assert errors_of(job)[0][:2] == (2, "username")


def test_missing_and_unknown_columns_are_reported_on_row_1(run_import, bob):
    from tests.imports.conftest import xlsx

    job = run_import(bob, PEOPLE, xlsx(["username", "unitt"], [["x", "chat"]]))
    assert job.status == Status.FAILED
    assert errors_of(job) == [
        (1, "unitt", "This column is not part of the template. Did you mean 'unit'?"),
        (1, "unit", "The column is missing: it is required (see the template)."),
    ]


def test_an_empty_file_fails_with_a_message(run_import, bob):
    from tests.imports.conftest import xlsx

    job = run_import(bob, PEOPLE, xlsx(["username", "unit"], []))
    assert errors_of(job) == [(0, "", "The file has no rows to import.")]


def test_error_messages_are_in_the_requesters_language(run_import, bob):
    job = run_import(bob, PEOPLE, rows_of(PEOPLE, {"username": "x"}), language="sv")
    assert job.language == "sv" and job.errors[0]["column"] == "unit"


# --- sign-in identity: the rule of cxlean.org.roles, as in the API and the admin ---------


def test_a_coordinator_cannot_change_another_coordinator_of_their_unit(
    run_import, bob, service_team
):
    UserFactory(username="tove", role=COORDINATOR, unit=service_team, email="tove@example.org")
    job = run_import(
        bob,
        PEOPLE,
        rows_of(PEOPLE, {"username": "tove", "unit": "chat", "email": "evil@example.org"}),
    )
    assert job.status == Status.FAILED
    assert errors_of(job)[0][:2] == (2, "username")
    assert "equal to yours" in errors_of(job)[0][2]
    assert User.objects.get(username="tove").email == "tove@example.org"


def test_a_new_email_address_waits_for_confirmation_and_is_audited(
    run_import, bob, alice, mailoutbox
):
    from cxlean.org.models import EmailChange, SignInEvent

    old = alice.email
    job = run_import(
        bob, PEOPLE, rows_of(PEOPLE, {"username": "alice", "unit": "chat", "email": "a@x.org"})
    )
    assert job.status == Status.DONE, job.errors
    alice.refresh_from_db()
    assert alice.email == old
    assert EmailChange.objects.pending().get(user=alice).new_email == "a@x.org"
    # The confirmation goes to the new address only; the importer hears the import
    # finished (an event notification, e-mailed to bob).
    assert [m.to for m in mailoutbox if m.to != [bob.email]] == [["a@x.org"]]
    event = SignInEvent.objects.get(person=alice, what="email_requested")
    assert (event.actor, event.surface, event.old_value, event.new_value) == (
        bob,
        "import",
        old,
        "a@x.org",
    )


def test_a_superuser_makes_someone_coordinator_and_it_is_audited(run_import, root, alice):
    from cxlean.org.models import SignInEvent

    job = run_import(
        root,
        PEOPLE,
        rows_of(PEOPLE, {"username": "alice", "unit": "chat", "role": "coordinator"}),
    )
    assert job.status == Status.DONE, job.errors
    assert groups_of("alice") == {COORDINATOR}
    events = {
        (e.what, e.old_value, e.new_value, e.actor, e.surface)
        for e in SignInEvent.objects.filter(person=alice)
    }
    assert events == {
        ("role_granted", "", COORDINATOR, root, "import"),
        ("role_removed", EMPLOYEE, "", root, "import"),
    }


def test_new_people_are_audited(run_import, bob, service_team):
    from cxlean.org.models import SignInEvent

    job = run_import(bob, PEOPLE, rows_of(PEOPLE, {"username": "nils", "unit": "chat"}))
    assert job.status == Status.DONE, job.errors
    assert set(
        SignInEvent.objects.filter(username="nils").values_list("what", "actor", "surface")
    ) == {("created", bob.pk, "import"), ("role_granted", bob.pk, "import")}
