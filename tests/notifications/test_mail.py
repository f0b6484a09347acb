"""E-mail: right away or in a daily digest, in the person's language, once."""

import datetime as dt
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from cxlean.notifications import mail as notification_mail
from cxlean.notifications.mail import MailNotSent, send_digests, send_immediate
from cxlean.notifications.models import Delivery, Kind, Notification, Preference, Reminder
from cxlean.notifications.tasks import digests, email_notifications, reminders
from tests.notifications.factories import NotificationFactory


def prefer(user, **fields) -> Preference:
    preference = Preference.of(user)
    for name, value in fields.items():
        setattr(preference, name, value)
    preference.save()
    return preference


def at_hour(now, hour: int):
    local = timezone.localtime(now)
    return local.replace(hour=hour, minute=5, second=0, microsecond=0)


# --- right away --------------------------------------------------------------------------


def test_a_sweep_with_nothing_new_still_emails_what_an_earlier_run_could_not(db, alice):
    # E.g. made while the broker or the mail server was down: in-app, not yet e-mailed.
    NotificationFactory(user=alice, title="Sen: Kartlägg kundresan")
    assert reminders.delay().get() == 0
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(user=alice).emailed_at is not None


def test_the_sweep_task_emails_right_away_once(make_activity, alice, bob):
    make_activity(due=-1, title="Kartlägg kundresan")
    assert reminders.delay().get() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [alice.email, bob.email]
    message = next(m for m in mail.outbox if m.to == [alice.email])
    notification = Notification.objects.get(user=alice)
    assert "Kartlägg kundresan" in message.subject
    assert f"/notifications/{notification.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Kartlägg kundresan" in html
    assert notification.emailed_at is not None
    reminders.delay()
    assert len(mail.outbox) == 2


def test_several_new_reminders_come_in_one_email(make_activity, alice):
    make_activity(due=1, title="Första")
    make_activity(due=2, title="Andra")
    reminders.delay()
    assert len(mail.outbox) == 1
    assert "Första" in mail.outbox[0].body and "Andra" in mail.outbox[0].body


def test_email_off_means_in_app_only(make_activity, sweep, alice):
    prefer(alice, email=False)
    make_activity(due=1)
    reminders.delay()
    assert mail.outbox == []
    assert Notification.objects.get(user=alice).emailed_at is None


def test_people_without_an_address_are_not_emailed(make_activity, alice):
    alice.email = ""
    alice.save()
    make_activity(due=1)
    reminders.delay()
    assert mail.outbox == []


def test_a_mail_server_that_fails_is_retried_without_new_notifications(
    make_activity, sweep, alice, monkeypatch
):
    make_activity(due=1)
    sweep()
    real_post = notification_mail.post
    monkeypatch.setattr(
        notification_mail,
        "post",
        lambda letters, **kwargs: ([], smtplib.SMTPConnectError(421, "busy")),
    )
    with pytest.raises(Retry):  # Celery retries the e-mail task with backoff
        email_notifications.delay()
    monkeypatch.setattr(notification_mail, "post", real_post)
    assert email_notifications.delay().get() == 1  # the retry
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=alice).count() == 1
    assert Notification.objects.get(user=alice).emailed_at is not None


def test_only_the_unsent_are_sent_after_a_failure(make_activity, alice, bob, monkeypatch):
    make_activity(due=-1)
    from cxlean.notifications.sweep import run_sweep

    run_sweep()
    sent_first = []
    real_post = notification_mail.post

    def half(letters, **kwargs):
        sent, error = real_post(letters[:1], **kwargs)
        sent_first.extend(sent)
        return sent, smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(notification_mail, "post", half)
    with pytest.raises(MailNotSent):
        send_immediate()
    monkeypatch.setattr(notification_mail, "post", real_post)
    assert send_immediate() == 1
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {alice.email, bob.email}


def test_transient_and_permanent_smtp_errors():
    assert notification_mail.is_transient(smtplib.SMTPServerDisconnected("x"))
    assert notification_mail.is_transient(ConnectionRefusedError())
    assert notification_mail.is_transient(smtplib.SMTPDataError(451, b"try later"))
    assert not notification_mail.is_transient(smtplib.SMTPDataError(550, b"no"))
    assert not notification_mail.is_transient(smtplib.SMTPRecipientsRefused({}))


# --- language ----------------------------------------------------------------------------


def test_texts_are_written_in_the_persons_language(make_activity, sweep, alice, bob, today):
    prefer(alice, language="en")
    activity = make_activity(due=-1, title="Kartlägg kundresan")
    sweep()
    english = Notification.objects.get(user=alice)
    swedish = Notification.objects.get(user=bob)
    with translation.override("en"):
        assert english.title == "Late: Kartlägg kundresan"
        assert date_format(activity.due_date) in english.body
    with translation.override("sv"):
        assert date_format(activity.due_date) in swedish.body
        assert english.title == "Försenad: Kartlägg kundresan"  # rendered when read
    assert english.params == swedish.params  # stored without a language


def test_the_email_is_in_the_persons_language(make_activity, alice):
    prefer(alice, language="en")
    make_activity(due=1)
    reminders.delay()
    with translation.override("en"):
        assert "Notification settings" in mail.outbox[0].alternatives[0][0]


# --- the daily digest --------------------------------------------------------------------


@pytest.fixture
def digest_alice(alice):
    return prefer(alice, delivery=Delivery.DIGEST, digest_hour=7)


def test_digest_people_get_nothing_right_away(make_activity, digest_alice):
    make_activity(due=1)
    reminders.delay()
    assert mail.outbox == []


def test_a_digest_waits_for_the_hour_then_comes_once_a_day(
    make_activity, sweep, digest_alice, alice, now
):
    make_activity(due=1, title="Första")
    make_activity(due=2, title="Andra")
    sweep()
    assert send_digests(at_hour(now, 6)) == 0
    assert send_digests(at_hour(now, 7)) == 1
    assert send_digests(at_hour(now, 8)) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [alice.email]
    assert "Första" in digest.body and "Andra" in digest.body
    assert not Notification.objects.filter(user=alice, emailed_at__isnull=True).exists()
    key = f"digest:{alice.pk}:{timezone.localdate(now).isoformat()}"
    assert Reminder.objects.filter(key=key).exists()


def test_a_digest_lists_only_what_was_not_emailed(make_activity, sweep, digest_alice, alice, now):
    make_activity(due=1, title="Redan skickad")
    sweep()
    Notification.objects.filter(user=alice).update(emailed_at=now)
    make_activity(due=2, title="Ny")
    sweep()
    send_digests(at_hour(now, 9))
    notifications = mail.outbox[0].body.split("Att göra")[0]  # then the inbox's top items
    assert "Ny" in notifications
    assert "Redan skickad" not in notifications


def test_no_digest_without_anything_new_or_with_email_off(make_activity, sweep, alice, now):
    prefer(alice, delivery=Delivery.DIGEST, digest_hour=0, email=False)
    make_activity(due=1)
    sweep()
    assert send_digests(at_hour(now, 9)) == 0
    prefer(alice, email=True)
    Notification.objects.update(emailed_at=now)
    assert send_digests(at_hour(now, 9)) == 0


def test_the_next_days_digest_comes_the_next_day(make_activity, sweep, digest_alice, now):
    make_activity(due=1)
    sweep()
    send_digests(at_hour(now, 9))
    make_activity(due=2)
    sweep()
    assert send_digests(at_hour(now, 10)) == 0  # already had today's
    assert send_digests(at_hour(now, 9) + dt.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_the_digest_is_in_the_persons_language(make_activity, sweep, digest_alice, alice, now):
    prefer(alice, language="en")
    make_activity(due=1)
    sweep()
    send_digests(at_hour(now, 9))
    with translation.override("en"):
        assert "Your daily digest from cxlean" in mail.outbox[0].body
        assert mail.outbox[0].subject.startswith("cxlean: your daily digest")


def test_a_failed_digest_is_sent_on_retry(make_activity, sweep, digest_alice, alice, monkeypatch):
    make_activity(due=1)
    sweep()
    prefer(alice, digest_hour=0)
    real_post = notification_mail.post
    monkeypatch.setattr(
        notification_mail,
        "post",
        lambda letters, **kwargs: ([], smtplib.SMTPConnectError(421, "busy")),
    )
    with pytest.raises(Retry):
        digests.delay()
    assert not Reminder.objects.filter(rule="digest").exists()  # the guard is given back
    monkeypatch.setattr(notification_mail, "post", real_post)
    assert digests.delay().get() == 1
    assert digests.delay().get() == 0
    assert len(mail.outbox) == 1


def test_only_digest_people_get_a_digest(make_activity, sweep, digest_alice, now):
    make_activity(due=-1)
    sweep()
    assert Notification.objects.filter(kind=Kind.ACTIVITY_LATE).count() == 2
    send_digests(at_hour(now, 9))
    assert len(mail.outbox) == 1  # Alice's digest; Bob is e-mailed right away by the task
