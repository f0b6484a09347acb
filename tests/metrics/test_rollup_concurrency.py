"""Two transactions writing answers of the same unit × metric × month at the same time
keep the roll-ups exact: the second waits for the first's advisory lock on the key
(`cxlean.metrics.rollups.lock`). Each writer runs in a thread with a database
connection of its own, so this needs PostgreSQL (SQLite writes one transaction at a
time; there the lock is a no-op)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from cxlean.metrics import rollups
from cxlean.metrics.models import AnswerRollup, SurveyAnswer
from tests.metrics.factories import SurveyAnswerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent transactions"
    ),
]

TODAY = timezone.localdate()
WAIT = 10  # seconds, at most, for the other thread


def together(*works) -> None:
    """Run each of `works` in a thread of its own (its own connection); fail with what
    any of them raised."""
    failures: list[Exception] = []

    def run(work) -> None:
        try:
            work()
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert failures == []


def test_an_edit_waits_for_a_new_answer_of_the_same_roll_up(nps, service_team):
    """Without the lock, the edit would recompute the roll-up from the answers it sees
    (not the other's uncommitted one) and write that over the other's addition."""
    first = SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=9)
    added, editing = threading.Event(), threading.Event()

    def add() -> None:
        with transaction.atomic():
            SurveyAnswerFactory(metric=nps, unit=service_team, answered_on=TODAY, score=10)
            added.set()
            editing.wait(WAIT)
            time.sleep(0.5)  # the edit is now waiting for this transaction

    def edit() -> None:
        added.wait(WAIT)
        with transaction.atomic():
            editing.set()
            answer = SurveyAnswer.objects.get(pk=first.pk)
            answer.score = 3
            answer.save()

    together(add, edit)
    row = AnswerRollup.objects.get(unit=service_team, metric=nps, touchpoint=None)
    assert row.counts() == {3: 1, 10: 1}
    assert rollups.differences() == []


def test_two_batches_at_once_add_up(nps, csat, service_team, sales_unit):
    """Two bulk writes of the same keys at the same moment: every answer counts once."""
    start = threading.Barrier(2, timeout=WAIT)

    def write(score: int) -> None:
        start.wait()
        SurveyAnswer.objects.bulk_create(
            SurveyAnswerFactory.build(metric=metric, unit=unit, answered_on=TODAY, score=score)
            for metric in (nps, csat)
            for unit in (service_team, sales_unit)
            for _ in range(50)
        )

    together(lambda: write(4), lambda: write(5))
    row = AnswerRollup.objects.get(unit=sales_unit, metric=csat, touchpoint=None)
    assert row.counts() == {4: 50, 5: 50}
    assert rollups.differences() == []


def test_the_lock_waits_for_the_other_transaction(nps, service_team):
    key = (service_team.pk, nps.pk, TODAY.replace(day=1), None)
    held, order = threading.Event(), []

    def first() -> None:
        with transaction.atomic():
            rollups.lock([key])
            held.set()
            time.sleep(0.5)
            order.append("first")

    def second() -> None:
        held.wait(WAIT)
        with transaction.atomic():
            rollups.lock([key])
            order.append("second")

    together(first, second)
    assert order == ["first", "second"]
