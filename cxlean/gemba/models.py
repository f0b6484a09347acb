"""Gemba walks: going to see where the customer experience happens.

A walk belongs to a unit and happens at a planned time, led by one person with
participants, at a place, in a process or at a customer-journey touchpoint. A question
set lends it standard questions answered during the walk; observations record what was
seen (waste, severity, a photo) and can be turned into an improvement in the backlog.
Recurring schedules (every N weeks on a weekday, or every N months on a day) create the
planned walks ahead of time (`cxlean.gemba.recurrence`).

Who may do what (the same in the web UI, the API and the admin):
- everyone signed in sees the walks of their part of the tree (their unit, the units
  above and below it) and the walks they lead or take part in; management sees all;
- coordinators of the walk's unit plan, edit, complete and cancel walks and schedules;
- the leader, the participants and the unit's coordinators answer the questions and
  add observations (`Walk.may_observe`); the leader also marks the walk done or
  cancels it;
- management reads everything and changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from cxlean.backlog.models import Item, MudaKind, Source, Waste, may_submit
from cxlean.core.dates import validate_sane_date, validate_sane_datetime
from cxlean.core.events import RemembersLoaded, notify, stored_value, tell_new_owner
from cxlean.core.models import CatalogueQuestion, Created, CreatedBy, Described, optional_link
from cxlean.core.translation import Translated
from cxlean.core.uploads import stored_name
from cxlean.gemba.photos import clean_photo, make_display_copy, validate_photo
from cxlean.journeys.models import Touchpoint
from cxlean.org.models import Unit, UnitScoped, UnitScopedQuerySet
from cxlean.org.roles import (
    coordinated_units,
    coordinates_unit,
    is_read_only,
    may_write,
    sees_everything,
)

MINUTES_VALIDATORS = [MinValueValidator(1), MaxValueValidator(720)]


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every N weeks")
    MONTHLY = "monthly", _("Every N months")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WalkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


def local_zone():
    """The organisation's time zone (settings.TIME_ZONE, Europe/Stockholm by default)."""
    return timezone.get_default_timezone()


# --- question sets -----------------------------------------------------------------------


class QuestionSet(Described):
    """Standard questions to answer during a walk (an organisation-wide catalogue)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    name = Translated()

    # Annotated by the question set admin's queryset.
    question_count: int

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        ordering = ["name_sv", "pk"]

    def __str__(self) -> str:
        return self.name


class Question(CatalogueQuestion):
    question_set = models.ForeignKey(
        QuestionSet,
        verbose_name=_("question set"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]


# --- where a walk goes -------------------------------------------------------------------


class WalkSetting(models.Model):
    """Where a walk goes and what it asks: what a schedule gives the walks it plans and
    a walk keeps. Each model declares its own `touchpoint` (the reverse names differ)."""

    place = models.CharField(_("place"), max_length=160, blank=True)
    process = models.CharField(_("process"), max_length=160, blank=True)
    question_set = optional_link(QuestionSet, _("question set"))

    touchpoint: models.ForeignKey[Touchpoint | None, Touchpoint | None]

    class Meta:
        abstract = True

    @property
    def where(self) -> str:
        """Where the walk goes: the touchpoint, else the place, else the process."""
        if self.touchpoint is not None:
            return self.touchpoint.name
        return self.place or self.process


# --- schedules ---------------------------------------------------------------------------


class Schedule(UnitScoped, WalkSetting, CreatedBy):
    """A recurring Gemba walk ("återkommande schema"): every `interval` weeks on
    `weekday`, or every `interval` months on `day_of_month` (clamped to the month's last
    day), at `start_time` local time, from `starts_on` until `ends_on`."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="gemba_schedules"
    )
    title = models.CharField(
        _("title"), max_length=160, help_text=_("What or where is walked, e.g. “Counter”.")
    )
    touchpoint = optional_link(Touchpoint, _("touchpoint"), related_name="+")
    leader = optional_link(settings.AUTH_USER_MODEL, _("leader"), related_name="+")
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    interval = models.PositiveSmallIntegerField(
        _("interval"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Every how many weeks or months: 2 is every second week or month."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("For weekly schedules."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("For monthly schedules; 31 means the month's last day."),
    )
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=30, validators=MINUTES_VALIDATORS
    )
    starts_on = models.DateField(_("starts on"), validators=[validate_sane_date])
    ends_on = models.DateField(_("ends on"), null=True, blank=True, validators=[validate_sane_date])
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    # Set for the schedule list page.
    next_day: dt.date | None
    may_edit: bool
    rule: str

    class Meta:
        verbose_name = _("Gemba schedule")
        verbose_name_plural = _("Gemba schedules")
        ordering = ["unit__path", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(interval__gte=1), name="gemba_schedule_interval"),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6),
                name="gemba_schedule_weekday",
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__isnull=True)
                | Q(day_of_month__gte=1, day_of_month__lte=31),
                name="gemba_schedule_day_of_month",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.frequency == Frequency.WEEKLY and self.weekday is None:
            errors["weekday"] = _("Choose the weekday of a weekly schedule.")
        if self.frequency == Frequency.MONTHLY and self.day_of_month is None:
            errors["day_of_month"] = _("Choose the day of the month of a monthly schedule.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The schedule cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def where(self) -> str:
        return super().where or self.title

    def rule_text(self) -> str:
        """ "Every 2 weeks on Tuesday at 09:00", "Every month on day 31 at 09:00"."""
        time = self.start_time.strftime("%H:%M") if self.start_time else ""
        if self.frequency == Frequency.MONTHLY:
            return ngettext(
                "Every month on day %(day)s at %(time)s",
                "Every %(count)d months on day %(day)s at %(time)s",
                self.interval,
            ) % {"count": self.interval, "day": self.day_of_month, "time": time}
        return ngettext(
            "Every week on %(weekday)s at %(time)s",
            "Every %(count)d weeks on %(weekday)s at %(time)s",
            self.interval,
        ) % {
            "count": self.interval,
            "weekday": self.get_weekday_display() if self.weekday is not None else "?",
            "time": time,
        }

    def occurrences(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The days in [start, end] (both included) on which the schedule has a walk,
        whether it is active or not."""
        first, last = max(start, self.starts_on), end
        if self.ends_on:
            last = min(last, self.ends_on)
        if first > last:
            return []
        interval = max(self.interval or 1, 1)
        days: list[dt.date] = []
        if self.frequency == Frequency.MONTHLY:
            if not self.day_of_month:
                return []
            index = 0
            while True:
                year, month = divmod(self.starts_on.month - 1 + index * interval, 12)
                year += self.starts_on.year
                month += 1
                day = dt.date(
                    year, month, min(self.day_of_month, calendar.monthrange(year, month)[1])
                )
                if day > last:
                    break
                if day >= first:
                    days.append(day)
                index += 1
            return days
        if self.weekday is None:
            return []
        anchor = self.starts_on + dt.timedelta(days=(self.weekday - self.starts_on.weekday()) % 7)
        step = dt.timedelta(weeks=interval)
        if anchor < first:  # jump to the first occurrence on or after `first`
            periods = -(-(first - anchor).days // step.days)
            anchor += step * periods
        while anchor <= last:
            days.append(anchor)
            anchor += step
        return days

    def planned_start(self, day: dt.date) -> dt.datetime:
        """The aware start of the walk on `day`: `start_time` on the wall clock of the
        organisation's time zone, whatever the offset that day (summer or winter time)."""
        return timezone.make_aware(dt.datetime.combine(day, self.start_time), local_zone())


# --- walks -------------------------------------------------------------------------------


class WalkQuerySet(UnitScopedQuerySet):
    def also_visible_to(self, user) -> Q:
        """The walks they lead or take part in."""
        taking_part = Walk.participants.through.objects.filter(user=user).values("walk_id")
        return Q(leader=user) | Q(pk__in=taking_part)

    def planned(self) -> WalkQuerySet:
        return self.filter(status=WalkStatus.PLANNED)

    def overdue(self, now: dt.datetime | None = None) -> WalkQuerySet:
        return self.planned().filter(
            planned_start__lt=(now or timezone.now()) - dt.timedelta(days=1)
        )

    def taken_part_in_by(self, user) -> WalkQuerySet:
        """The walks `user` leads or joins."""
        return self.filter(Walk.objects.also_visible_to(user))

    def plannable_by(self, user) -> WalkQuerySet:
        """The walks `user` plans and reports for (`Walk.can_plan`): their units'."""
        return self.filter(unit__in=coordinated_units(user))


class Walk(RemembersLoaded, WalkSetting, Created):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="gemba_walks"
    )
    schedule = optional_link(Schedule, _("schedule"), related_name="walks")
    planned_start = models.DateTimeField(_("planned start"), validators=[validate_sane_datetime])
    duration_minutes = models.PositiveSmallIntegerField(
        _("planned duration (minutes)"), default=30, validators=MINUTES_VALIDATORS
    )
    actual_minutes = models.PositiveSmallIntegerField(
        _("actual duration (minutes)"),
        null=True,
        blank=True,
        validators=MINUTES_VALIDATORS,
        help_text=_("How long the walk took; set when it is done."),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="gemba_walks_led",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="gemba_walks",
    )
    touchpoint = optional_link(Touchpoint, _("touchpoint"), related_name="gemba_walks")
    status = models.CharField(
        _("status"), max_length=10, choices=WalkStatus.choices, default=WalkStatus.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[participants])

    objects = WalkQuerySet.as_manager()

    # Annotated by the walk admin's queryset.
    observation_total: int
    remembered = ("leader_id",)

    class Meta:
        verbose_name = _("Gemba walk")
        verbose_name_plural = _("Gemba walks")
        ordering = ["planned_start", "pk"]
        indexes = [
            models.Index(fields=["unit", "planned_start"], name="gemba_walk_unit_start"),
            models.Index(fields=["status", "planned_start"], name="gemba_walk_status_start"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "planned_start"],
                condition=Q(schedule__isnull=False),
                name="gemba_walk_once_per_schedule_start",
            ),
        ]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.planned_start), "SHORT_DATETIME_FORMAT")
        return f"{self.where} · {when}" if self.where else when

    def save(self, *args, **kwargs) -> None:
        leader_before = stored_value(self, "leader_id")
        super().save(*args, **kwargs)
        tell_new_owner(self, "leader", leader_before, _("the Gemba walk"), self.where, self.link)

    def link(self) -> str:
        return reverse("gemba:detail", args=[self.pk])

    def tell_invited(self, person_ids: list[int], actor) -> None:
        """The people added as participants hear of the walk (once per walk)."""
        notify(
            User.objects.filter(pk__in=person_ids),
            "walk_invited",
            {"where": self.where, "unit": self.unit.name, "start": self.planned_start},
            actor=actor,
            about=self,
            state="invited",
            url=self.link(),
        )

    def clean(self) -> None:
        if not (self.place.strip() or self.process.strip() or self.touchpoint_id):
            raise ValidationError(
                {"place": _("Say where the walk goes: a place, a process or a touchpoint.")}
            )
        if self.status == WalkStatus.DONE and self.actual_minutes is None:
            raise ValidationError({"actual_minutes": _("Say how long the walk took.")})

    @property
    def planned_end(self) -> dt.datetime:
        return self.planned_start + dt.timedelta(minutes=self.duration_minutes or 0)

    @property
    def is_overdue(self) -> bool:
        """Still planned more than a day after it should have started."""
        return bool(
            self.status == WalkStatus.PLANNED
            and self.planned_start
            and self.planned_start < timezone.now() - dt.timedelta(days=1)
        )

    def is_participant(self, user) -> bool:
        if not user.is_authenticated:
            return False
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "participants" in cache:
            return any(person.pk == user.pk for person in cache["participants"])
        return self.participants.filter(pk=user.pk).exists()

    def can_plan(self, user) -> bool:
        """Plan, edit and delete the walk: coordinators of its unit (and superusers)."""
        return coordinates_unit(user, self.unit)

    def may_observe(self, user) -> bool:
        """Answer the questions and add observations: the leader, the participants and
        the unit's coordinators; never management (unless superuser)."""
        if not user.is_authenticated:
            return False
        if user.is_superuser or self.can_plan(user):
            return True
        if is_read_only(user):
            return False
        return self.leader_id == user.pk or self.is_participant(user)

    def can_complete(self, user) -> bool:
        """Mark the walk done or cancel it: its coordinators and its leader."""
        if self.can_plan(user):
            return True
        return may_write(user) and self.leader_id == user.pk

    def complete(self, actual_minutes: int, summary: str = "") -> None:
        """Mark the walk done, with how long it took. A cancelled walk cannot be done."""
        if self.status == WalkStatus.CANCELLED:
            raise ValidationError({"status": _("A cancelled walk cannot be marked as done.")})
        errors = {}
        try:
            minutes = int(actual_minutes)
        except (TypeError, ValueError):
            errors["actual_minutes"] = _("Say how long the walk took, in minutes.")
        else:
            if not 1 <= minutes <= 720:
                errors["actual_minutes"] = _("Give a number of minutes from 1 to 720.")
        if errors:
            raise ValidationError(errors)
        self.status = WalkStatus.DONE
        self.actual_minutes = minutes
        if summary is not None:
            self.summary = summary
        self.save()

    def cancel(self) -> None:
        """Cancel a planned walk (a done walk stays done)."""
        if self.status == WalkStatus.DONE:
            raise ValidationError({"status": _("A walk that is done cannot be cancelled.")})
        if self.status != WalkStatus.CANCELLED:
            self.status = WalkStatus.CANCELLED
            self.save()


class Answer(models.Model):
    walk = models.ForeignKey(
        Walk, verbose_name=_("walk"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT)
    text = models.TextField(_("answer"), blank=True)
    answered_by = optional_link(settings.AUTH_USER_MODEL, _("answered by"), related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["walk", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["walk", "question"], name="gemba_answer_once"),
        ]

    def __str__(self) -> str:
        return Truncator(self.text).chars(60)

    def clean(self) -> None:
        if (
            self.walk_id
            and self.question_id
            and self.question.question_set_id != self.walk.question_set_id
        ):
            raise ValidationError(
                {"question": _("The question is not one of the walk's question set.")}
            )


# --- observations ------------------------------------------------------------------------


class ObservationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ObservationQuerySet:
        """The observations of the walks the user sees."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(walk__in=Walk.objects.visible_to(user))


def photo_path(instance: Observation, filename: str) -> str:
    """Photos under generated folders (see `core.uploads.stored_name`)."""
    return stored_name("gemba", filename)


def display_path(instance: Observation, filename: str) -> str:
    return stored_name("gemba/display", filename)


class Observation(Created):
    walk = models.ForeignKey(
        Walk, verbose_name=_("walk"), on_delete=models.CASCADE, related_name="observations"
    )
    text = models.TextField(_("what was seen"))
    waste = models.CharField(_("waste"), max_length=4, choices=Waste.choices, blank=True)
    muda_kind = models.CharField(
        _("kind of Muda"), max_length=16, choices=MudaKind.choices, blank=True
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    touchpoint = optional_link(Touchpoint, _("touchpoint"), related_name="gemba_observations")
    photo = models.ImageField(
        _("photo"),
        upload_to=photo_path,
        blank=True,
        max_length=255,
        validators=[validate_photo],
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
    )
    photo_display = models.ImageField(
        _("photo for display"),
        upload_to=display_path,
        blank=True,
        max_length=255,
        editable=False,
    )
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    improvement = models.OneToOneField(
        Item,
        verbose_name=_("improvement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gemba_observation",
    )
    history = HistoricalRecords()

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["walk", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=3), name="gemba_observation_severity"
            ),
            models.CheckConstraint(
                condition=Q(muda_kind="") | Q(waste=Waste.MUDA),
                name="gemba_observation_muda_kind_only_for_muda",
            ),
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved_photo = self.__dict__.get("photo") or ""
        self._saved_photo = getattr(self._saved_photo, "name", self._saved_photo) or ""

    def __str__(self) -> str:
        return Truncator(self.text.splitlines()[0] if self.text else "").chars(80)

    def save(self, *args, **kwargs) -> None:
        """A new upload is stored without its metadata (GPS position, camera), whichever
        way it came (form, API, admin, import); the display copy is made when the photo
        changes (before saving, so that one save stores both and history records one
        change)."""
        # FieldFile._committed (False for a new upload) is missing from django-stubs.
        if self.photo and not self.photo._committed:  # type: ignore[attr-defined]
            clean_photo(self)
        current = self.photo.name or ""
        changed = (not self.photo._committed) or current != self._saved_photo  # type: ignore[attr-defined]
        if changed:
            make_display_copy(self)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "photo", "photo_display"}
        super().save(*args, **kwargs)
        self._saved_photo = self.photo.name or ""

    def clean(self) -> None:
        errors = {}
        if self.waste == Waste.MUDA and not self.muda_kind:
            errors["muda_kind"] = _("Choose which of the eight kinds of Muda this is.")
        if self.muda_kind and self.waste != Waste.MUDA:
            errors["muda_kind"] = _("Only Muda has kinds; leave this empty for Mura and Muri.")
        if errors:
            raise ValidationError(errors)

    def walk_visible_to(self, user) -> bool:
        """Whether `user` may open the walk this observation was made on (the backlog
        item made from it links the walk only then)."""
        return Walk.objects.visible_to(user).filter(pk=self.walk_id).exists()

    @property
    def is_open(self) -> bool:
        """An open follow-up: not yet an improvement, or its improvement not finished."""
        from cxlean.backlog.models import CLOSED_STATUSES

        return self.improvement is None or self.improvement.status not in CLOSED_STATUSES


def improvement_from_observation(observation: Observation, by) -> tuple[Item, bool]:
    """Turn an observation into an idea in the backlog, linked both ways
    (`observation.improvement`, `item.gemba_observation`). Doing it twice, even at
    once, returns the item made the first time. Returns (item, created).

    Raises PermissionDenied unless `by` may submit ideas for the walk's unit
    (`cxlean.backlog.models.may_submit`: not management, their part of the tree)."""
    walk = observation.walk
    if observation.improvement is not None:
        return observation.improvement, False
    if not may_submit(by, walk.unit):
        raise PermissionDenied(_("You cannot submit improvements for this unit."))
    text = observation.text.strip()
    title = Truncator(text.splitlines()[0].rstrip(" .")).chars(200) if text else ""
    title = title or str(_("Observation from a Gemba walk"))
    when = date_format(timezone.localtime(walk.planned_start), "DATE_FORMAT")
    reference = _("Seen on the Gemba walk “%(where)s” on %(date)s (severity: %(severity)s).") % {
        "where": walk.where,
        "date": when,
        "severity": observation.get_severity_display(),
    }
    with transaction.atomic():
        # Lock the observation so that two clicks at once make one item.
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        if locked.improvement is not None:
            observation.improvement = locked.improvement
            return locked.improvement, False
        item = Item.objects.create(
            title=title,
            description=f"{text}\n\n{reference}",
            unit=walk.unit,
            submitted_by=by,
            source=Source.GEMBA,
            touchpoint=observation.touchpoint or walk.touchpoint,
            waste=observation.waste,
            muda_kind=observation.muda_kind if observation.waste == Waste.MUDA else "",
        )
        locked.improvement = item
        locked.save(update_fields=["improvement"])
        observation.improvement = item
    return item, True
