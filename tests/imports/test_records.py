"""Importing competence records: an imported level counts as signed off by the
importing coordinator on the given date (the competence rules: a coordinator of the
person's unit signs off, never their own record)."""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.competence.models import Level, Record
from cxlean.imports.models import Status
from tests.factories import RecordFactory
from tests.imports.conftest import RECORDS, errors_of, rows_of

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Record.history.count(),
        list(Record.objects.order_by("pk").values_list("person", "activity", "level")),
    )


def test_records_are_created_and_updated_as_signed_off_by_the_importer(
    run_import, bob, alice, service_unit, activity
):
    other = RecordFactory(
        person=alice,
        activity=activity.__class__.objects.create(
            area=activity.area, code="gemba", title_sv="G", title_en="G"
        ),
        level=Level.I,
        self_level=Level.L,
        rejected_level=Level.L,
        rejection_comment="Not yet",
    )
    content = rows_of(
        RECORDS,
        {
            "username": "alice",
            "activity": "voc-basics",
            "level": "U",
            "signed_off_on": dt.date(2024, 3, 31),
            "evidence_note": "Led the workshop",
        },  # noqa: E501
        {"username": "alice", "activity": "GEMBA", "level": 2},
    )
    job = run_import(bob, RECORDS, content)

    assert job.status == Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (1, 1)
    record = Record.objects.get(person=alice, activity=activity)
    assert (record.level, record.self_level) == (Level.U, Level.U)
    assert (record.signed_off_by, record.signed_off_on) == (bob, dt.date(2024, 3, 31))
    assert record.expires_on == dt.date(2025, 3, 31)  # valid 12 months
    assert record.evidence_text == "Led the workshop"
    other.refresh_from_db()
    assert (other.level, other.self_level, other.signed_off_on) == (
        Level.L,
        Level.L,
        timezone.localdate(),
    )
    assert other.rejected_level is None and other.rejection_comment == ""
    assert record.history.first().history_user == bob
    assert other.history.first().history_user == bob
    assert other.history.count() == 2


@pytest.mark.parametrize(
    ("values", "column", "words"),
    [
        ({"username": "nobody", "activity": "voc-basics", "level": "U"}, "username", "no person"),
        (
            {"username": "carol", "activity": "voc-basics", "level": "U"},
            "username",
            "do not coordinate",
        ),  # noqa: E501
        (
            {"username": "bob", "activity": "voc-basics", "level": "U"},
            "username",
            "their own record",
        ),  # noqa: E501
        (
            {"username": "alice", "activity": "voc-basic", "level": "U"},
            "activity",
            "Did you mean 'voc-basics'?",
        ),  # noqa: E501
        ({"username": "alice", "activity": "voc-basics", "level": "X"}, "level", "not a level"),
        ({"username": "alice", "activity": "voc-basics", "level": 5}, "level", "not a level"),
        ({"username": "alice", "activity": "voc-basics"}, "level", "required"),
        (
            {
                "username": "alice",
                "activity": "voc-basics",
                "level": "U",
                "signed_off_on": "31/3/2024",
            },
            "signed_off_on",
            "not a date",
        ),  # noqa: E501
        (
            {
                "username": "alice",
                "activity": "voc-basics",
                "level": "U",
                "signed_off_on": dt.date.today() + dt.timedelta(days=2),
            },
            "signed_off_on",
            "future",
        ),  # noqa: E501
    ],
)
def test_a_bad_row_fails_the_job_and_changes_nothing(
    run_import, bob, alice, carol, activity, values, column, words
):
    RecordFactory(person=alice, activity=activity, level=Level.I)
    before = snapshot()
    job = run_import(bob, RECORDS, rows_of(RECORDS, values))
    assert job.status == Status.FAILED
    assert [(row, col) for row, col, _ in errors_of(job)] == [(2, column)]
    assert words in errors_of(job)[0][2]
    assert snapshot() == before


def test_the_same_record_twice_in_the_file_is_an_error(run_import, bob, alice, activity):
    row = {"username": "alice", "activity": "voc-basics", "level": "U"}
    job = run_import(bob, RECORDS, rows_of(RECORDS, row, row))
    assert errors_of(job)[0][:2] == (3, "activity")
    assert not Record.objects.exists()
