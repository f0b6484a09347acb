"""E-mail that one bad text cannot poison: a line break in a title makes a clean subject,
one failing message never makes the others go out again, and a long backlog of reminders
comes as ten and one message for the rest."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cxlean.core.mail import SUBJECT_MAX, new_email, safe_subject
from cxlean.notifications import mail as notification_mail
from cxlean.notifications.mail import MAX_EMAIL_ATTEMPTS
from cxlean.notifications.models import Kind, Notification, Preference, Reminder
from cxlean.notifications.tasks import email_notifications, reminders

pytestmark = pytest.mark.django_db


# --- subjects ----------------------------------------------------------------------------


def test_a_line_break_in_a_title_makes_a_clean_subject_sent_once(make_activity, alice, bob):
    make_activity(due=-1, title="Kartlägg\r\nBcc: someone@example.org\x1b kundresan")
    assert reminders.delay().get() == 2
    assert reminders.delay().get() == 0
    assert len(mail.outbox) == 2  # the second run sends nothing again
    for message in mail.outbox:
        assert "Kartlägg Bcc: someone@example.org kundresan" in message.subject
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.message()["Subject"]  # Django builds the message without error
        assert message.bcc == []
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_safe_subject_makes_one_short_line():
    assert safe_subject("a\r\nb\tc\x1b\u2028d   e ") == "a b c d e"
    assert safe_subject("x" * 500) == "x" * (SUBJECT_MAX - 1) + "…"
    assert safe_subject("") == ""


@given(st.text() | st.text(alphabet=st.sampled_from("\r\n\x00\x0b\x85\u2028\ud800 a=")))
def test_any_text_makes_a_subject_django_accepts(text):
    subject = safe_subject(text)
    assert len(subject) <= SUBJECT_MAX
    assert not any(char in subject for char in "\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    new_email(text, "body", to=["someone@example.org"]).message().as_bytes()


# --- one failure does not resend the others ----------------------------------------------


@pytest.fixture
def one_letter_breaks(monkeypatch, bob):
    """Bob's e-mail cannot be built (as any header error would), the others can."""
    real_compose = notification_mail.compose

    def compose(letter, *, digest):
        if letter.user == bob:
            return EmailMultiAlternatives("Broken\nsubject", "text", to=[bob.email])
        return real_compose(letter, digest=digest)

    monkeypatch.setattr(notification_mail, "compose", compose)


def test_a_failing_message_is_logged_and_never_makes_the_others_go_out_again(
    make_activity, alice, bob, one_letter_breaks, caplog
):
    make_activity(due=-1, title="Kartlägg kundresan")
    for _run in range(6):
        reminders.delay()  # as beat does every 15 minutes
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(user=alice).emailed_at is not None
    failed = Notification.objects.get(user=bob)
    assert failed.emailed_at is None
    assert failed.email_attempts == MAX_EMAIL_ATTEMPTS  # tried a few times, then left
    assert "not sent" in caplog.text


def test_each_message_is_marked_as_it_goes_out(make_activity, alice, bob, monkeypatch):
    """A run stopped after the first e-mail (the worker killed) never repeats it."""
    make_activity(due=-1)
    from cxlean.notifications.sweep import run_sweep

    run_sweep()
    sent = []

    def mark_then_stop(letter, now):
        real_mark(letter, now)
        sent.append(letter)
        raise KeyboardInterrupt  # a kill between two e-mails

    real_mark = notification_mail.mark_emailed
    monkeypatch.setattr(notification_mail, "mark_emailed", mark_then_stop)
    with pytest.raises(KeyboardInterrupt):
        email_notifications.delay()
    monkeypatch.setattr(notification_mail, "mark_emailed", real_mark)
    email_notifications.delay()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([alice.email, bob.email])


# --- at most ten reminders a sweep -------------------------------------------------------


def test_a_person_gets_ten_reminders_and_one_message_for_the_rest(make_activity, alice, settings):
    assert settings.REMINDERS_PER_SWEEP == 10
    Preference.objects.create(user=alice, language="en")
    for number in range(13):
        make_activity(due=-1, title=f"Aktivitet {number:02}", owner=alice)
    reminders.delay()
    own = Notification.objects.filter(user=alice)
    assert own.exclude(kind=Kind.MORE_REMINDERS).count() == 10
    summary = own.get(kind=Kind.MORE_REMINDERS)
    with translation.override("en"):  # rendered in the reader's language
        assert summary.title == "And 3 more reminders — see cxlean"
        assert summary.body.count("\n- ") == 3 and "Aktivitet 12" in summary.body
    assert any("And 3 more reminders" in message.body for message in mail.outbox)
    assert summary.url == "/"
    assert Reminder.objects.filter(user=alice).count() == 13  # the folded ones count as sent
    reminders.delay()
    assert own.count() == 11  # nothing again
    assert len([m for m in mail.outbox if m.to == [alice.email]]) == 1


def test_the_summary_lists_twenty_titles_and_counts_the_rest(make_activity, alice, settings):
    settings.REMINDERS_PER_SWEEP = 2
    for number in range(30):
        make_activity(due=-1, title=f"Aktivitet {number:02}", owner=alice)
    reminders.delay()
    summary = Notification.objects.get(user=alice, kind=Kind.MORE_REMINDERS)
    assert summary.body.count("\n- ") == 20
    assert summary.body.endswith("… och 8 till.")
