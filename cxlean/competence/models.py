"""Competence: the catalogue of activities, each person's ILUO level per activity with
its sign-off, Green Cards per CX role, and trainee plans for new hires.

The rules that decide who may do what, when a level counts and where a person stands
on the way to a Green Card live here, so the web app, the API and the admin agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_sane_date
from cxlean.core.events import bilingual, notify
from cxlean.core.models import Described, optional_link
from cxlean.core.names import display_name
from cxlean.core.translation import Translated
from cxlean.core.uploads import refuse_disguised, refuse_if_larger, stored_name
from cxlean.guide.models import GuideStep
from cxlean.org.models import CXRole, Unit
from cxlean.org.roles import (
    coordinated_units,
    coordinates_unit,
    is_read_only,
    sees_everything,
)


class Level(models.IntegerChoices):
    """The Lean skills-matrix scale ILUO, with "not started" before it."""

    NOT_STARTED = 0, _("Not started")
    I = 1, pgettext_lazy("ILUO level", "I – in training")  # noqa: E741 - the level is called I
    L = 2, pgettext_lazy("ILUO level", "L – can do it with support")
    U = 3, pgettext_lazy("ILUO level", "U – does it independently to standard")
    O = 4, pgettext_lazy("ILUO level", "O – can train others")  # noqa: E741


# The customary ILUO circles (quarter, half, three-quarters, full) and short letters.
LEVEL_SYMBOLS = {0: "○", 1: "◔", 2: "◑", 3: "◕", 4: "●"}
LEVEL_LETTERS = {0: "–", 1: "I", 2: "L", 3: "U", 4: "O"}
# People at U or O can do the activity on their own; fewer than two is a risk.
INDEPENDENT = Level.U
SINGLE_POINT_OF_KNOWLEDGE = 1

EVIDENCE_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "txt"]
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def validate_evidence_size(file) -> None:
    """The size, and that the content is what the extension says."""
    refuse_if_larger(
        file,
        EVIDENCE_MAX_BYTES,
        _("The file is %(size)s MB; evidence files may be at most %(max)s MB."),
    )
    refuse_disguised(file)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- catalogue ---------------------------------------------------------------------------


class Area(Described):
    """A group of competence activities, typically one per guide step."""

    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    step = optional_link(GuideStep, _("guide step"), related_name="competence_areas")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    name = Translated()

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class CompetenceActivity(Described):
    """Something a person must have learnt or done; required by some CX roles."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="activities"
    )
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short identifier for imports.")
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    evidence_sv = models.TextField(_("expected evidence (Swedish)"), blank=True)
    evidence_en = models.TextField(_("expected evidence (English)"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("How long a sign-off stays valid. Empty: it does not expire."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    roles = models.ManyToManyField(
        CXRole,
        through="Requirement",
        verbose_name=_("required for"),
        related_name="competence_activities",
        blank=True,
    )
    history = HistoricalRecords()

    title = Translated()
    evidence = Translated()

    class Meta:
        verbose_name = _("competence activity")
        verbose_name_plural = _("competence activities")
        ordering = ["area__order", "area_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def expiry_from(self, signed_off_on: dt.date) -> dt.date | None:
        return add_months(signed_off_on, self.validity_months) if self.validity_months else None


class Requirement(models.Model):
    """A CX role needs this activity at this level (at least) for its Green Card."""

    activity = models.ForeignKey(
        CompetenceActivity,
        verbose_name=_("competence activity"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    role = models.ForeignKey(
        CXRole, verbose_name=_("CX role"), on_delete=models.CASCADE, related_name="requirements"
    )
    level = models.PositiveSmallIntegerField(
        _("required level"),
        choices=Level.choices,
        default=Level.U,
        validators=[MinValueValidator(Level.I)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["role", "activity"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "role"], name="one_requirement_per_role"),
            models.CheckConstraint(
                condition=Q(level__gte=Level.I, level__lte=Level.O), name="requirement_level_iluo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.activity} ≥ {LEVEL_LETTERS[self.level]}"


# --- records -----------------------------------------------------------------------------


def people_visible_to(user) -> QuerySet[User]:
    """Whose competence `user` sees as a person (their page, their matrix row, their
    Green Cards): themselves; the people of the units a coordinator coordinates;
    everyone for management and superusers. The one rule of the web pages, the API,
    the admin and the exports. (A trainer sees single records of the activities they
    train, `Record.objects.visible_to`, not whole people.)"""
    if not user.is_authenticated:
        return User.objects.none()
    if sees_everything(user):
        return User.objects.all()
    return User.objects.filter(Q(pk=user.pk) | Q(profile__unit__in=coordinated_units(user)))


def may_sign_off(user, person, activity: CompetenceActivity, today: dt.date | None = None) -> bool:
    """A coordinator of the person's unit, or a trainer (someone who holds a valid O in
    the activity), may sign off — never on their own record. Management reads and writes
    nothing, even when also a coordinator or a trainer; superusers may do everything."""
    if not user.is_authenticated or user.pk == person.pk:
        return False
    if user.is_superuser:
        return True
    if is_read_only(user):
        return False
    profile = getattr(person, "profile", None)
    if profile is not None and coordinates_unit(user, profile.unit):
        return True
    return is_trainer(user, activity, today)


def trained_activities(user, today: dt.date | None = None) -> QuerySet:
    """The activities `user` is a trainer of: those where they hold a signed-off O that
    has not expired. An expired O trains nobody: it neither signs off nor opens other
    people's records (and their evidence) to its holder."""
    return (
        Record.objects.filter(person=user, level=Level.O)
        .valid_on(today or timezone.localdate())
        .values("activity")
    )


def is_trainer(user, activity: CompetenceActivity, today: dt.date | None = None) -> bool:
    return trained_activities(user, today).filter(activity=activity).exists()


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> RecordQuerySet:
        """Your own records; a coordinator's units; a trainer (`trained_activities`) the
        records of the activities they train; management everything."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(
            Q(person__in=people_visible_to(user).values("pk"))
            | Q(activity__in=trained_activities(user))
        )

    def valid_on(self, day: dt.date) -> RecordQuerySet:
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))

    def awaiting_sign_off(self) -> RecordQuerySet:
        return self.filter(self_level__gt=models.F("level")).exclude(
            rejected_level=models.F("self_level")
        )

    def for_queue(self, user) -> RecordQuerySet:
        """What waits for this user to sign off: coordinators see their units, trainers
        the activities they hold an O in; never their own."""
        if not user.is_authenticated:
            return self.none()
        waiting = self.awaiting_sign_off().exclude(person=user)
        if user.is_superuser:
            return waiting
        if is_read_only(user):
            return self.none()  # management signs nothing off (`may_sign_off`)
        return waiting.filter(
            Q(person__profile__unit__in=coordinated_units(user))
            | Q(activity__in=trained_activities(user))
        )


def evidence_path(instance: Record, filename: str) -> str:
    """Evidence under a generated folder (see `core.uploads.stored_name`)."""
    return stored_name("evidence", filename)


class Record(models.Model):
    """One person's standing in one competence activity."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="competence_records",
    )
    activity = models.ForeignKey(
        CompetenceActivity,
        verbose_name=_("competence activity"),
        on_delete=models.CASCADE,
        related_name="records",
    )
    level = models.PositiveSmallIntegerField(
        _("signed-off level"), choices=Level.choices, default=Level.NOT_STARTED
    )
    self_level = models.PositiveSmallIntegerField(
        _("self-assessed level"), choices=Level.choices, default=Level.NOT_STARTED
    )
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to=evidence_path,
        blank=True,
        validators=[
            FileExtensionValidator(EVIDENCE_EXTENSIONS),
            validate_evidence_size,
        ],
        help_text=_("PDF, image, Office document or text; at most 5 MB."),
    )
    signed_off_by = optional_link(settings.AUTH_USER_MODEL, _("signed off by"), related_name="+")
    signed_off_on = models.DateField(
        _("signed off on"), null=True, blank=True, validators=[validate_sane_date]
    )
    expires_on = models.DateField(
        _("sign-off valid until"), null=True, blank=True, validators=[validate_sane_date]
    )
    rejected_level = models.PositiveSmallIntegerField(
        _("rejected level"), choices=Level.choices, null=True, blank=True
    )
    rejection_comment = models.TextField(_("reason for rejection"), blank=True)
    rejected_by = optional_link(settings.AUTH_USER_MODEL, _("rejected by"), related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("competence record")
        verbose_name_plural = _("competence records")
        ordering = ["person", "activity"]
        constraints = [
            models.UniqueConstraint(fields=["person", "activity"], name="one_record_per_activity"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=4) & Q(self_level__gte=0, self_level__lte=4),
                name="record_levels_iluo",
            ),
        ]

    def __str__(self) -> str:
        return f"{display_name(self.person)} – {self.activity}: {LEVEL_LETTERS[self.level]}"

    # --- reading -------------------------------------------------------------------------

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())

    def effective_level(self, today: dt.date | None = None) -> int:
        """The signed-off level while it is valid; an expired sign-off counts as nothing."""
        return Level.NOT_STARTED if self.is_expired(today) else self.level

    @property
    def awaits_sign_off(self) -> bool:
        return self.self_level > self.level and self.rejected_level != self.self_level

    @property
    def is_rejected(self) -> bool:
        return self.rejected_level is not None and self.rejected_level == self.self_level

    # --- changing ------------------------------------------------------------------------

    def assess(self, level: int) -> None:
        """The person says where they stand. Raising it asks for a sign-off anew."""
        if level not in Level.values:
            raise ValidationError({"self_level": _("Unknown level.")})
        self.self_level = level
        if self.rejected_level is not None and self.rejected_level != level:
            self.rejected_level = None
            self.rejection_comment = ""
            self.rejected_by = None

    @transaction.atomic
    def sign_off(self, by, level: int | None = None, today: dt.date | None = None) -> None:
        """Confirm a level (by default the one the person asked for)."""
        today = today or timezone.localdate()
        level = self.self_level if level is None else level
        if level not in Level.values or level == Level.NOT_STARTED:
            raise ValidationError({"level": _("Choose a level from I to O to sign off.")})
        if not may_sign_off(by, self.person, self.activity, today):
            raise ValidationError(_("You may not sign off this record."))
        self.level = level
        self.self_level = max(self.self_level, level)
        self.signed_off_by = by
        self.signed_off_on = today
        self.expires_on = self.activity.expiry_from(today)
        self.rejected_level = None
        self.rejection_comment = ""
        self.rejected_by = None
        self.save()
        self.tell_person(by, "level_signed_off", state=f"{level}:{today.isoformat()}")

    def tell_person(self, by, kind: str, state: str, **params) -> None:
        """The person hears of a sign-off or a rejection of their level."""
        notify(
            [self.person],
            kind,
            {
                "activity": bilingual(self.activity.title_sv, self.activity.title_en),
                "level": LEVEL_LETTERS[params.pop("level", self.level)],
                **params,
            },
            actor=by,
            about=self,
            state=state,
            url=reverse("competence:record", args=[self.pk]),
        )

    def reject(self, by, comment: str) -> None:
        comment = comment.strip()
        if not comment:
            raise ValidationError(
                {"rejection_comment": _("Say why, so the person knows what to do next.")}
            )
        if not may_sign_off(by, self.person, self.activity):
            raise ValidationError(_("You may not sign off this record."))
        if not self.awaits_sign_off:
            raise ValidationError(_("Nothing waits for a sign-off on this record."))
        self.rejected_level = self.self_level
        self.rejection_comment = comment
        self.rejected_by = by
        self.save()
        self.tell_person(
            by,
            "level_rejected",
            state=f"{self.self_level}:{timezone.localdate().isoformat()}",
            level=self.self_level,
            comment=comment,
        )


# --- Green Card --------------------------------------------------------------------------


def green_card_validity_months() -> int:
    return getattr(settings, "GREEN_CARD_VALIDITY_MONTHS", 24)


def expiry_warning_days() -> int:
    return getattr(settings, "GREEN_CARD_EXPIRY_WARNING_DAYS", 30)


class CardStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    READY = "ready", _("Ready for certification")
    CERTIFIED = "certified", _("Certified")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    NO_REQUIREMENTS = "none", _("Nothing required")


# The statuses a card has by its dates alone (`GreenCard.status`, `with_status`).
CARD_DATE_STATUSES = [
    (status.value, status.label)
    for status in (CardStatus.CERTIFIED, CardStatus.EXPIRING, CardStatus.EXPIRED)
]


def expiring_until(today: dt.date) -> dt.date:
    """The last day of validity that counts as "expiring soon" as of `today`: a card
    valid until `today + warning days` or earlier (but not before today) is expiring."""
    return today + dt.timedelta(days=expiry_warning_days())


class GreenCardQuerySet(models.QuerySet):
    def visible_to(self, user) -> GreenCardQuerySet:
        """The cards of the people whose competence the user sees (`people_visible_to`)."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(person__in=people_visible_to(user).values("pk"))

    def with_status(self, today: dt.date | None = None) -> GreenCardQuerySet:
        """Each card's date status as of `today` in `card_status` (certified, expiring
        or expired): the database's side of `GreenCard.status`, from the same dates."""
        today = today or timezone.localdate()
        return self.annotate(
            card_status=models.Case(
                models.When(expires_on__lt=today, then=models.Value(CardStatus.EXPIRED)),
                models.When(
                    expires_on__lte=expiring_until(today), then=models.Value(CardStatus.EXPIRING)
                ),
                default=models.Value(CardStatus.CERTIFIED),
                output_field=models.CharField(),
            )
        )

    def with_date_status(self, status: str, today: dt.date | None = None) -> GreenCardQuerySet:
        """The cards whose date status (`with_status`) is `status` as of `today`."""
        return self.with_status(today).filter(card_status=status)

    def valid_on(self, today: dt.date) -> GreenCardQuerySet:
        """Cards that have not expired (certified or expiring)."""
        return self.filter(expires_on__gte=today)

    def current(self) -> GreenCardQuerySet:
        """The cards that count: no newer card of the same person and role (a renewed
        card is a new row, `GreenCard`; the card without a role renews its like)."""
        newer = GreenCard.objects.filter(
            person=OuterRef("person"), issued_on__gt=OuterRef("issued_on")
        )
        renewed_role = Exists(newer.filter(role=OuterRef("role")))
        renewed_concept = Q(role__isnull=True) & Exists(newer.filter(role__isnull=True))
        return self.exclude(renewed_role).exclude(renewed_concept)


class GreenCard(models.Model):
    """A certificate that a person holds every activity their CX role requires.

    `role` empty means the card for the Lean CX concept as a whole (every activity any
    of the person's roles requires). A renewed card is a new row; the newest counts.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="green_cards",
    )
    role = optional_link(
        CXRole,
        _("CX role"),
        on_delete=models.PROTECT,
        related_name="green_cards",
        help_text=_("Empty: the card for the Lean CX concept as a whole."),
    )
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    issued_on = models.DateField(_("issued on"), validators=[validate_sane_date])
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_on = models.DateField(_("valid until"), validators=[validate_sane_date])
    history = HistoricalRecords()

    objects = GreenCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("Green Card")
        verbose_name_plural = _("Green Cards")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="card_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if not self.number:
            self.number = next_card_number(self.issued_on)
        super().save(*args, **kwargs)

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on < (today or timezone.localdate())

    def status(self, today: dt.date | None = None) -> CardStatus:
        """The card's own standing by its dates as of `today`: expired, expiring soon
        (within `GREEN_CARD_EXPIRY_WARNING_DAYS`) or certified. The same rule as the
        `GreenCard.objects.with_status` annotation."""
        today = today or timezone.localdate()
        if self.is_expired(today):
            return CardStatus.EXPIRED
        if self.expires_on <= expiring_until(today):
            return CardStatus.EXPIRING
        return CardStatus.CERTIFIED


def next_card_number(issued_on: dt.date) -> str:
    prefix = f"GC-{issued_on.year}-"
    last = (
        GreenCard.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@dataclass(frozen=True)
class CardProgress:
    """Where a person stands on the way to the Green Card of one role (or the concept)."""

    role: CXRole | None
    status: str
    done: int
    required: int
    card: GreenCard | None
    expires_on: dt.date | None  # of the current card, or of the sign-offs it stands on

    @property
    def label(self):
        return CardStatus(self.status).label

    @property
    def counts(self) -> bool:
        """Whether the person holds a valid card."""
        return self.status in (CardStatus.CERTIFIED, CardStatus.EXPIRING)


def card_progress(
    *,
    role: CXRole | None,
    requirements: dict[int, int],
    records: dict[int, Record],
    card: GreenCard | None,
    today: dt.date,
) -> CardProgress:
    """Pure function over data already fetched, so the matrix can call it per person.

    `requirements` maps activity id -> required level; `records` activity id -> record.
    """
    met = [
        activity_id
        for activity_id, level in requirements.items()
        if activity_id in records and records[activity_id].effective_level(today) >= level
    ]
    done, required = len(met), len(requirements)
    expiries = [expiry for a in met if (expiry := records[a].expires_on) is not None]
    if card is not None and not card.is_expired(today):
        return CardProgress(role, card.status(today), done, required, card, card.expires_on)
    if card is not None and done < required:
        return CardProgress(role, CardStatus.EXPIRED, done, required, card, card.expires_on)
    if required == 0:
        status = CardStatus.NO_REQUIREMENTS
    elif done == required:
        status = CardStatus.READY
    elif done == 0 and not any(records.get(a) and records[a].self_level for a in requirements):
        status = CardStatus.NOT_STARTED
    else:
        status = CardStatus.IN_PROGRESS
    return CardProgress(role, status, done, required, card, min(expiries, default=None))


def requirements_by_role(roles) -> dict[int | None, dict[int, int]]:
    """role id -> {activity id: required level}; key None is the whole concept (the
    highest level any of the given roles requires)."""
    by_role: dict[int | None, dict[int, int]] = {role.pk: {} for role in roles}
    for requirement in Requirement.objects.filter(role__in=roles):
        by_role[requirement.role_id][requirement.activity_id] = requirement.level
    concept: dict[int, int] = {}
    for wanted in by_role.values():
        for activity_id, level in wanted.items():
            concept[activity_id] = max(level, concept.get(activity_id, 0))
    by_role[None] = concept
    return by_role


def latest_cards(cards) -> dict[int | None, GreenCard]:
    """The newest card per role from cards ordered newest first."""
    latest: dict[int | None, GreenCard] = {}
    for card in cards:
        latest.setdefault(card.role_id, card)
    return latest


def person_card_progress(person, today: dt.date | None = None) -> list[CardProgress]:
    """Green Card progress for each of a person's CX roles (a handful of queries)."""
    today = today or timezone.localdate()
    roles = list(person.profile.cx_roles.all()) if hasattr(person, "profile") else []
    wanted = requirements_by_role(roles)
    records = {r.activity_id: r for r in Record.objects.filter(person=person)}
    cards = latest_cards(GreenCard.objects.filter(person=person))
    return [
        card_progress(
            role=role,
            requirements=wanted[role.pk],
            records=records,
            card=cards.get(role.pk),
            today=today,
        )
        for role in roles
    ]


@transaction.atomic
def green_card_issue(*, person, role: CXRole | None, by, today: dt.date | None = None) -> GreenCard:
    """Certify a person for a role once every requirement is signed off."""
    today = today or timezone.localdate()
    profile = getattr(person, "profile", None)
    if by.pk == person.pk:
        raise ValidationError(_("Nobody certifies themselves."))
    if profile is None or not coordinates_unit(by, profile.unit):
        raise ValidationError(_("Only a Lean coordinator of the person's unit issues Green Cards."))
    roles = list(profile.cx_roles.all())
    if role is not None and role not in roles:
        raise ValidationError({"role": _("The person does not hold this CX role.")})
    wanted = requirements_by_role(roles)[role.pk if role else None]
    records = {r.activity_id: r for r in Record.objects.filter(person=person)}
    progress = card_progress(
        role=role, requirements=wanted, records=records, card=None, today=today
    )
    if progress.status != CardStatus.READY:
        raise ValidationError(
            _("Not ready for certification: %(done)s of %(required)s activities signed off.")
            % {"done": progress.done, "required": progress.required}
        )
    own_expiry = add_months(today, green_card_validity_months())
    expires_on = min(own_expiry, progress.expires_on or own_expiry)
    return GreenCard.objects.create(
        person=person, role=role, issued_on=today, issued_by=by, expires_on=expires_on
    )


# --- trainee plans -----------------------------------------------------------------------


class TraineePlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> TraineePlanQuerySet:
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(Q(person__in=people_visible_to(user).values("pk")) | Q(mentor=user))


class TraineePlan(models.Model):
    """A new hire's dated schedule of activities to reach, with a mentor."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="trainee_plan",
    )
    mentor = optional_link(settings.AUTH_USER_MODEL, _("mentor"), related_name="mentees")
    start_date = models.DateField(_("start date"), validators=[validate_sane_date])
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    objects = TraineePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainee plan")
        verbose_name_plural = _("trainee plans")
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return str(_("Trainee plan for %(person)s") % {"person": display_name(self.person)})

    def clean(self) -> None:
        if self.mentor_id and self.mentor_id == self.person_id:
            raise ValidationError({"mentor": _("A trainee cannot be their own mentor.")})


class Goal(models.Model):
    """One line of a trainee plan: reach this level in this activity by this date."""

    plan = models.ForeignKey(
        TraineePlan, verbose_name=_("trainee plan"), on_delete=models.CASCADE, related_name="goals"
    )
    activity = models.ForeignKey(
        CompetenceActivity,
        verbose_name=_("competence activity"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"),
        choices=Level.choices,
        default=Level.L,
        validators=[MinValueValidator(Level.I)],
    )
    due_date = models.DateField(_("reach by"), validators=[validate_sane_date])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trainee goal")
        verbose_name_plural = _("trainee goals")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "activity"], name="one_goal_per_activity"),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=4), name="goal_level_iluo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ≥ {LEVEL_LETTERS[self.target_level]}"

    def clean(self) -> None:
        if self.plan_id and self.due_date and self.due_date < self.plan.start_date:
            raise ValidationError({"due_date": _("A goal cannot be due before the plan starts.")})

    def is_reached(self, record: Record | None, today: dt.date | None = None) -> bool:
        return record is not None and record.effective_level(today) >= self.target_level

    def is_late(self, record: Record | None, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_date < today and not self.is_reached(record, today)


def unit_of(person) -> Unit | None:
    profile = getattr(person, "profile", None)
    return profile.unit if profile else None
