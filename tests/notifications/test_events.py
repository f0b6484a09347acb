"""Event notifications: each event tells each person concerned exactly once, never the
person who did it, and the stored notification renders in the reader's language.

Alice (employee, Team Chatt) raises levels and ideas and owns things; Bob coordinates
Kundservice above her team (signs off, triages, assigns); Carol coordinates Sales."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from simple_history.models import HistoricalRecords

from cxlean.backlog.models import Status
from cxlean.checklists.models import Assignment
from cxlean.competence.models import Level, Record
from cxlean.core.events import notify
from cxlean.gemba.models import Walk
from cxlean.notifications.mail import send_digests
from cxlean.notifications.models import EVENT_KINDS, Delivery, Kind, Notification, Preference
from cxlean.notifications.texts import TEXTS, render_stored
from tests.checklists.factories import TemplateFactory
from tests.factories import (
    ActivityFactory,
    CommentFactory,
    CompetenceActivityFactory,
    ItemFactory,
    PlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def told(user, kind=None):
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(kind=kind) if kind else notifications


@pytest.fixture
def raised(alice):
    activity = CompetenceActivityFactory(title_sv="Hantera klagomål", title_en="Handle complaints")
    record = Record.objects.create(person=alice, activity=activity)
    record.assess(Level.U)
    record.save()
    return record


# --- competence ---------------------------------------------------------------------------


def test_a_sign_off_tells_the_person_once_in_their_language(as_user, alice, bob, raised):
    response = as_user(bob).post(
        reverse("competence:sign_off", args=[raised.pk]), {"level": Level.U}
    )
    assert response.status_code == 302
    notification = told(alice).get()
    assert notification.kind == Kind.LEVEL_SIGNED_OFF
    with translation.override("sv"):
        assert "Hantera klagomål" in notification.title
    with translation.override("en"):
        assert notification.title == "Signed off: Handle complaints at U"
        assert "Bob" in notification.body
    assert not told(bob).exists()  # the actor hears nothing


def test_the_same_stored_notification_renders_in_swedish_and_english(alice, bob, raised):
    raised.sign_off(bob)
    notification = told(alice).get()
    with translation.override("en"):
        english = notification.title
    with translation.override("sv"):
        swedish = notification.title
    assert "Handle complaints" in english and "Hantera klagomål" in swedish
    assert english != swedish
    assert render_stored(notification.kind, notification.params)  # no text is stored
    assert "title" not in notification.params


def test_a_rejection_tells_the_person_with_the_comment(alice, bob, raised):
    raised.reject(bob, "Visa ett exempel först.")
    notification = told(alice, Kind.LEVEL_REJECTED).get()
    with translation.override("en"):
        assert "Visa ett exempel först." in notification.body
        assert notification.title == "Not signed off: Handle complaints at U"


def test_signing_off_twice_the_same_day_tells_once(alice, bob, raised):
    raised.sign_off(bob)
    raised.sign_off(bob)  # a retried request
    assert told(alice, Kind.LEVEL_SIGNED_OFF).count() == 1


def test_signing_off_over_the_api_tells_the_person(as_user, alice, bob, raised):
    response = as_user(bob).post(
        f"/api/v1/competence-records/{raised.pk}/sign-off/", {"level": Level.U}
    )
    assert response.status_code == 200, response.content
    assert told(alice, Kind.LEVEL_SIGNED_OFF).count() == 1


# --- backlog ------------------------------------------------------------------------------


@pytest.fixture
def idea(service_team, alice):
    return ItemFactory(
        title="Kortare kö",
        unit=service_team,
        submitted_by=alice,
        waste="muda",
        muda_kind="waiting",
        impact=4,
        feasibility=4,
        customer_value=5,
    )


def test_triage_move_reject_and_standard_each_tell_the_submitter(idea, alice, bob, today):
    idea.move(Status.TRIAGED, bob)
    assert told(alice, Kind.IDEA_TRIAGED).count() == 1
    idea.move(Status.PLAN, bob, owner=bob, due_date=today)
    assert told(alice, Kind.IDEA_MOVED).count() == 1
    with translation.override("en"):
        assert (
            told(alice, Kind.IDEA_MOVED).get().title == "Your improvement moved to Plan: Kortare kö"
        )


def test_a_rejection_tells_the_submitter_with_the_reason(idea, alice, bob):
    idea.move(Status.REJECTED, bob, rejection_reason="Redan löst av IT.")
    notification = told(alice, Kind.IDEA_REJECTED).get()
    assert "Redan löst av IT." in notification.body


def test_moving_ones_own_idea_tells_nobody(service_unit, bob):
    own = ItemFactory(
        unit=service_unit, submitted_by=bob, waste="mura", impact=1, feasibility=1, customer_value=1
    )
    own.move(Status.TRIAGED, bob)
    assert not Notification.objects.exists()


def test_making_someone_owner_on_the_web_tells_them_once(as_user, idea, alice, bob, today):
    idea.move(Status.TRIAGED, bob)
    client = as_user(bob)
    response = client.post(
        reverse("backlog:move", args=[idea.pk]),
        {"to": Status.PLAN, "owner": alice.pk, "due_date": today.isoformat(), "note": ""},
    )
    assert response.status_code in (200, 302)
    assert told(alice, Kind.MADE_OWNER).count() == 1
    idea.refresh_from_db()
    idea.title = "Kortare kö i chatten"
    idea.save()  # the owner unchanged: nothing new
    assert told(alice, Kind.MADE_OWNER).count() == 1


def test_an_activity_owner_set_by_a_coordinator_is_told(as_user, alice, bob, service_unit, today):
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    activity = ActivityFactory(phase__plan=plan, owner=None, title="Kartlägg", due_date=today)
    response = as_user(bob).patch(
        f"/api/v1/activities/{activity.pk}/",
        {"owner": alice.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    notification = told(alice, Kind.MADE_OWNER).get()
    with translation.override("en"):
        assert notification.title == "You own the activity “Kartlägg”"


def test_a_comment_tells_the_submitter_and_the_mentioned(idea, alice, bob, service_unit):
    dana = UserFactory(username="dana", first_name="Dana", unit=service_unit)
    CommentFactory(item=idea, author=bob, text="@dana och @alice, titta på detta.")
    assert told(alice, Kind.MENTIONED).count() == 1  # mentioned, not told twice
    assert not told(alice, Kind.COMMENTED).exists()
    assert told(dana, Kind.MENTIONED).count() == 1
    assert not told(bob).exists()


def test_a_comment_without_mentions_tells_the_submitter(idea, alice, bob):
    CommentFactory(item=idea, author=bob, text="Bra idé.")
    assert told(alice, Kind.COMMENTED).count() == 1


def test_mentioning_someone_out_of_reach_is_refused_on_the_web(as_user, idea, alice, carol):
    response = as_user(alice).post(
        reverse("backlog:comment", args=[idea.pk]), {"text": "@carol vad tycker du?"}
    )
    assert response.status_code == 200
    assert "@carol" in response.content.decode()
    assert not idea.comments.exists()
    assert not told(carol).exists()


def test_mentioning_someone_out_of_reach_is_a_400_over_the_api(as_user, idea, alice, carol):
    response = as_user(alice).post(
        "/api/v1/improvement-comments/", {"item": idea.pk, "text": "@carol hej"}
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_the_mention_autocomplete_offers_only_people_in_reach(as_user, idea, alice, bob, carol):
    response = as_user(alice).get(reverse("backlog:mentions", args=[idea.pk]), {"q": ""})
    usernames = {person["username"] for person in response.json()["people"]}
    assert "bob" in usernames and "alice" in usernames
    assert "carol" not in usernames
    response = as_user(alice).get(reverse("backlog:mentions", args=[idea.pk]), {"q": "ca"})
    assert response.json()["people"] == []


# --- checklists, walks, assessments, jobs -------------------------------------------------


def test_a_checklist_assigned_to_a_person_tells_them(alice, bob, service_team, today):
    template = TemplateFactory()
    Assignment.objects.create(
        template=template, unit=service_team, person=alice, due_date=today, assigned_by=bob
    )
    assert told(alice, Kind.CHECKLIST_ASSIGNED).count() == 1


def test_participants_added_to_a_walk_are_told_once(as_user, alice, bob, service_unit, now):
    walk = Walk.objects.create(unit=service_unit, leader=bob, planned_start=now, place="Kassan")
    HistoricalRecords.context.request = SimpleNamespace(user=bob)
    try:
        walk.participants.add(alice)
        walk.participants.add(alice)
    finally:
        del HistoricalRecords.context.request
    assert told(alice, Kind.WALK_INVITED).count() == 1


def test_an_unknown_kind_is_refused(alice):
    with pytest.raises(ValueError):
        notify([alice], "no_such_kind", {})


def test_every_event_kind_has_its_text():
    assert set(TEXTS) >= EVENT_KINDS


# --- e-mail as each person prefers ------------------------------------------------------


def test_an_event_is_emailed_right_away_in_the_recipients_language(
    alice, bob, raised, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=alice, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        raised.sign_off(bob)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.email]
    assert mail.outbox[0].subject == "cxlean: Signed off: Handle complaints at U"
    assert told(alice).get().emailed_at is not None


def test_a_digest_reader_gets_the_event_in_the_digest_only(
    alice, bob, raised, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=alice, delivery=Delivery.DIGEST, digest_hour=0)
    with django_capture_on_commit_callbacks(execute=True):
        raised.sign_off(bob)
    assert mail.outbox == []
    assert send_digests() == 1
    assert "Hantera klagomål" in mail.outbox[0].body


def test_an_inactive_person_is_told_nothing(alice, bob, raised):
    alice.is_active = False
    alice.save()
    raised.sign_off(bob)
    assert not Notification.objects.exists()


def test_an_export_that_finished_tells_the_person_who_asked(alice):
    notify([alice], "job_done", {"job": "export", "name": "Backlog", "status": "klar"})
    notify([alice], "job_done", {"job": "export", "name": "Backlog", "status": "klar"})
    assert told(alice, Kind.JOB_DONE).count() == 1  # the same key: once
