from io import StringIO

from django.core import mail
from django.core.management import call_command

from cxlean.notifications.models import Notification


def test_send_reminders_runs_the_sweep_once(make_activity, alice, bob):
    make_activity(due=-1)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "2 notification(s) would be created" in out.getvalue()
    assert not Notification.objects.exists()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "2 notification(s) created" in out.getvalue()
    assert "activity_late" in out.getvalue()
    assert len(mail.outbox) == 2
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 notification(s) created" in out.getvalue()
    assert Notification.objects.count() == 2
