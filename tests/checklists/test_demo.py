"""The demo organisation's checklists (`build_checklists`, wired into `manage.py demo`)."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.utils import timezone

from cxlean.checklists.models import Assignment, Completion
from cxlean.checklists.progress import progress_rows
from cxlean.demo import checklists as checklists_demo
from cxlean.demo import org as demo
from cxlean.org.models import Unit
from tests.demo_once import built_for_module

pytestmark = pytest.mark.django_db


def build():
    call_command("load_catalogue", verbosity=0)
    today = timezone.localdate()
    # The units and people are all the checklists need (the full demo takes seconds).
    units = demo.create_units()
    users = demo.create_people(units, make_password(None))
    made = checklists_demo.build_checklists(units, users, today)
    rows = progress_rows(
        Assignment.objects.all(), viewer=users["admin"], today=timezone.localdate()
    )
    return made, users, rows


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Built once for the module (with DEBUG on, as in every test): the tests only read
    it, and the one that removes it is rolled back."""
    with built_for_module(django_db_blocker, build) as made:
        yield made


def test_the_demo_assigns_checklists_partly_ticked_with_one_overdue(built):
    made, users, rows = built
    assert made == len(checklists_demo.ASSIGNMENTS) == Assignment.objects.count()
    by_person = {}
    for row in rows:
        by_person.setdefault(row.person.username, []).append(row.progress)
    jonas = by_person["employee"]
    assert [(p.done, p.total, p.overdue) for p in jonas] == [(3, 6, False)]
    overdue = [row for row in rows if row.progress.overdue]
    assert [row.person.username for row in overdue] == ["elin.wikstrom"]
    complete_but_late = [
        row
        for row in rows
        if row.progress.complete and row.assignment.due_date < row.progress.today
    ]
    assert [row.person.username for row in complete_but_late] == ["daniel.oberg"]
    assert any(0 < row.progress.done < row.progress.total for row in rows)
    assert any(row.progress.done == 0 for row in rows)


def test_every_tick_was_made_by_its_assignee_with_evidence_where_needed(built):
    made, users, rows = built
    for completion in Completion.objects.select_related("item", "assignment"):
        assert completion.assignment.reaches(completion.person)
        assert completion.history.first().history_user == completion.person
        if completion.done and completion.item.needs_evidence:
            assert completion.evidence
        if completion.done:
            assert completion.assignment.created_at < completion.done_at < timezone.now()


def test_removing_the_demo_removes_its_checklists(built):
    checklists_demo.delete_checklists_of(Unit.objects.filter(code__startswith="nordljus"))
    assert not Assignment.objects.exists() and not Completion.objects.exists()
