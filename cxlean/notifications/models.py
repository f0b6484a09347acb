"""Notifications: what the reminder sweep tells people, in the app and by e-mail.

- `Preference`: how one person wants to hear (e-mail on or off, at once or in a daily
  digest at a chosen hour, in Swedish or English). Created on demand; someone without a
  row has the defaults.
- `Notification`: one message in a person's in-app list: its kind and parameters (plain,
  language-independent values), rendered into a title and body in the reader's language
  whenever it is shown or e-mailed (`cxlean.notifications.texts`), with the page to act
  on and when it was read and e-mailed. Event notifications carry an idempotency `key`.
- `Reminder`: the once-only record. Its unique `key` names the rule, the subject, the
  date or state that makes it due, and the person; a sweep inserts the keys it finds and
  only the keys that are new produce notifications (see `cxlean.notifications.sweep`).

Notification and Reminder are append-mostly logs written by a background sweep for a
whole organisation (tens of thousands of rows a month): they carry their own timestamps
(created, read, e-mailed) and keep no django-simple-history copy, which would double
every write for no added trace. Preferences are changed by people and keep history.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.org.roles import coordinated_units, sees_everything


class Kind(models.TextChoices):
    """The reminder rules (`cxlean.notifications.rules`)."""

    ACTIVITY_DUE_SOON = "activity_due_soon", _("Activity due soon")
    ACTIVITY_LATE = "activity_late", _("Activity late")
    SIGN_OFF_WAITING = "sign_off_waiting", _("Sign-off waiting")
    CARD_EXPIRING = "card_expiring", _("Green Card expiring")
    CARD_EXPIRED = "card_expired", _("Green Card expired")
    CHECKLIST_OVERDUE = "checklist_overdue", _("Checklist overdue")
    WALK_UPCOMING = "walk_upcoming", _("Gemba walk coming up")
    IMPROVEMENT_OVERDUE = "improvement_overdue", _("Improvement past due")
    # Not reminder rules: the reminders one sweep folded into one message (a person is
    # told of at most REMINDERS_PER_SWEEP things at a time), and a background job
    # (export, import) that stopped for good.
    MORE_REMINDERS = "more_reminders", _("More reminders")
    JOB_FAILED = "job_failed", _("Export or import failed")
    # Events: what happened to a person's things (`cxlean.core.events.notify`).
    LEVEL_SIGNED_OFF = "level_signed_off", _("Level signed off")
    LEVEL_REJECTED = "level_rejected", _("Level not signed off")
    IDEA_TRIAGED = "idea_triaged", _("Idea triaged")
    IDEA_MOVED = "idea_moved", _("Idea moved")
    IDEA_REJECTED = "idea_rejected", _("Idea rejected")
    IDEA_STANDARDISED = "idea_standardised", _("Idea standardised")
    MADE_OWNER = "made_owner", _("Made owner")
    COMMENTED = "commented", _("Comment on your improvement")
    MENTIONED = "mentioned", _("Mentioned in a comment")
    CHECKLIST_ASSIGNED = "checklist_assigned", _("Checklist assigned")
    WALK_INVITED = "walk_invited", _("Invited to a Gemba walk")
    ASSESSMENT_INVITED = "assessment_invited", _("Invited to an assessment")
    JOB_DONE = "job_done", _("Export or import finished")


# What happens to a person's things (`cxlean.core.events.notify`), not reminders.
EVENT_KINDS = frozenset(
    {
        Kind.LEVEL_SIGNED_OFF,
        Kind.LEVEL_REJECTED,
        Kind.IDEA_TRIAGED,
        Kind.IDEA_MOVED,
        Kind.IDEA_REJECTED,
        Kind.IDEA_STANDARDISED,
        Kind.MADE_OWNER,
        Kind.COMMENTED,
        Kind.MENTIONED,
        Kind.CHECKLIST_ASSIGNED,
        Kind.WALK_INVITED,
        Kind.ASSESSMENT_INVITED,
        Kind.JOB_DONE,
    }
)

DIGEST_RULE = "digest"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("Once a day, in a digest")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Preference(models.Model):
    """How one person wants to be told. The defaults (e-mail right away, in Swedish) hold
    for everyone without a row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(
        _("send e-mail"),
        default=True,
        help_text=_("Off: you see your notifications in cxlean only."),
    )
    delivery = models.CharField(
        _("e-mail delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"),
        default=7,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour of the day (0–23, local time) after which the daily digest is sent."),
    )
    language = models.CharField(
        _("language of notifications"),
        max_length=2,
        choices=Language.choices,
        default=Language.SWEDISH,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__gte=0, digest_hour__lte=23),
                name="notification_digest_hour_0_23",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def of(cls, user) -> Preference:
        """The person's preferences, saved with the defaults the first time."""
        preference, _created = cls.objects.get_or_create(user=user)
        return preference


TITLE_MAX = 200


class NotificationQuerySet(models.QuerySet):
    def of(self, user) -> NotificationQuerySet:
        """Everyone's own notifications, and nobody else's (the web app and the API)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def visible_to(self, user) -> NotificationQuerySet:
        """The admin: management and superusers read all; coordinators those of the
        people in their units; everyone their own."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(Q(user=user) | Q(user__profile__unit__in=coordinated_units(user)))

    def mark_read(self, now=None) -> int:
        return self.unread().update(read_at=now or timezone.now())


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    key = models.CharField(
        _("key"),
        max_length=250,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Kind, subject, state and person of an event: each is told once."),
    )
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(
        _("failed e-mail attempts"),
        default=0,
        help_text=_(
            "How often e-mailing it failed for a reason other than the mail server being "
            "away; after a few it stays in the app only."
        ),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_emailed"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tell(
        cls, user, *, kind: str, params: dict | None = None, title="", body="", url=""
    ) -> Notification:
        """One message to one person, outside the reminder sweep and events (e-mailed
        like the others, as their preferences say): its facts, rendered when it is read,
        or a `title` and `body` the caller wrote in the person's language (e.g. a job's
        failure message), kept as they are."""
        from cxlean.notifications.texts import encode, shortened

        if params is None:
            params = {"fallback": {"title": shortened(str(title)), "body": str(body)}}
        return cls.objects.create(user=user, kind=kind, params=encode(params), url=url)

    @property
    def title(self) -> str:
        """The title in the active language."""
        return self.texts()[0]

    @property
    def body(self) -> str:
        return self.texts()[1]

    def texts(self) -> tuple[str, str]:
        from cxlean.notifications.texts import render_stored

        return render_stored(self.kind, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Reminder(models.Model):
    """A reminder that has been sent: the key is unique, so it is sent once."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    rule = models.CharField(_("rule"), max_length=30)
    # Which insert made the row: the sweep tags each batch and reads back its own rows,
    # so only keys new to this batch make notifications (see sweep.record_new).
    run = models.CharField(_("run"), max_length=32, db_index=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.key


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar subscription (iCal): a secret URL that needs no login,
    so Outlook or Google Calendar can fetch it, with only that person's dates. Having a
    row means it is on; resetting gives a new token and the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(
        _("secret token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)

    def reset(self) -> None:
        """A new secret: the old URL stops working."""
        self.token = new_feed_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])

    def path(self) -> str:
        return reverse("calendar_feed", args=[self.token])
