"""The improvement backlog: ideas classified by waste, scored, prioritised and moved
through PDCA (idea → triaged → plan → do → check → act, or rejected).

Priority (0–100) and quadrant are stored on the item so that lists sort and filter in
the database; they are recomputed when an item's scores change and, for every item in
one query, when the organisation changes the weights or the threshold
(`ScoringSettings.save`).

Priority = 100 × (wᵢ·impact + w_f·feasibility + w_c·customer value) / (5 × (wᵢ + w_f + w_c)),
rounded: an item scoring 5 on all three is 100, one scoring 1 on all three is 20.

Quadrant, from impact and feasibility against the threshold T (default 3, so 3, 4 and
5 count as high): quick win = high impact and high feasibility; major project = high
impact, low feasibility; fill-in = low impact, high feasibility; thankless task = low
impact, low feasibility. Unscored items (ideas not yet triaged) have neither.

Who may do what (the same in the web UI, the API and the admin):
- everyone signed in, except management, submits ideas for a unit of their part of
  the organisation tree, and comments on the items they can see;
- coordinators of the item's unit triage, edit, assign, reject and make any allowed
  move;
- the owner moves their own item forward through plan → do → check → act (and back
  from check to plan) and edits its plan and effect fields;
- management reads everything and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_sane_date
from cxlean.core.events import RemembersLoaded, notify, stored_value, tell_new_owner
from cxlean.core.mentions import resolve_mentions
from cxlean.core.models import optional_link
from cxlean.core.uploads import (
    DOCUMENT_EXTENSIONS,
    refuse_disguised,
    refuse_if_larger,
    stored_name,
)
from cxlean.journeys.models import Feedback, Touchpoint, Transition
from cxlean.org.models import Unit, UnitScopedQuerySet
from cxlean.org.roles import (
    contributing_units,
    coordinated_units,
    coordinates_unit,
    may_write,
    unit_neighbourhood,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Waste(models.TextChoices):
    MUDA = "muda", _("Muda – waste")
    MURA = "mura", _("Mura – unevenness")
    MURI = "muri", _("Muri – overburden")


class MudaKind(models.TextChoices):
    """The eight kinds of Muda."""

    TRANSPORT = "transport", _("Transport")
    INVENTORY = "inventory", _("Inventory")
    MOTION = "motion", _("Motion")
    WAITING = "waiting", _("Waiting")
    OVERPRODUCTION = "overproduction", _("Over-production")
    OVERPROCESSING = "overprocessing", _("Over-processing")
    DEFECTS = "defects", _("Defects")
    UNUSED_SKILLS = "unused_skills", _("Unused skills")


class Source(models.TextChoices):
    VOC = "voc", _("Voice of the Customer")
    GEMBA = "gemba", _("Gemba walk")
    SUPPORT = "support", _("Support data")
    METRIC = "metric", _("Metric")
    EMPLOYEE = "employee", _("Employee idea")


class Status(models.TextChoices):
    IDEA = "idea", _("Idea")
    TRIAGED = "triaged", _("Triaged")
    PLAN = "plan", pgettext_lazy("PDCA", "Plan")
    DO = "do", pgettext_lazy("PDCA", "Do")
    CHECK = "check", pgettext_lazy("PDCA", "Check")
    ACT = "act", _("Act – standardised")
    REJECTED = "rejected", _("Rejected")


class Quadrant(models.TextChoices):
    QUICK_WIN = "quick_win", _("Quick win")
    MAJOR_PROJECT = "major_project", _("Major project")
    FILL_IN = "fill_in", _("Fill-in")
    THANKLESS = "thankless", _("Thankless task")


class Metric(models.TextChoices):
    """The CX metric an improvement is expected to move."""

    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"
    CES = "ces", "CES"
    CHURN = "churn", _("Churn rate")
    CLV = "clv", "CLV"
    OTHER = "other", pgettext_lazy("metric", "Other")


OPEN_STATUSES = (Status.IDEA, Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK)
CLOSED_STATUSES = (Status.ACT, Status.REJECTED)

# The PDCA workflow: the moves allowed from each status. Check can go back to plan for
# another round when the effect was not what was hoped; a rejected idea can be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.IDEA: (Status.TRIAGED, Status.REJECTED),
    Status.TRIAGED: (Status.PLAN, Status.REJECTED),
    Status.PLAN: (Status.DO, Status.REJECTED),
    Status.DO: (Status.CHECK, Status.REJECTED),
    Status.CHECK: (Status.ACT, Status.PLAN),
    Status.ACT: (),
    Status.REJECTED: (Status.IDEA,),
}
# The moves an item's owner may make on their own item (coordinators may make all).
OWNER_MOVES = {
    (Status.PLAN, Status.DO),
    (Status.DO, Status.CHECK),
    (Status.CHECK, Status.ACT),
    (Status.CHECK, Status.PLAN),
}

# The statuses an item has passed through to reach each status: what those moves
# required (`Item.move_errors`) must keep holding while it stays there, however it is
# edited (web form, API or admin; `Item.clean` checks it).
REACHED_THROUGH: dict[str, tuple[str, ...]] = {
    Status.IDEA: (),
    Status.TRIAGED: (Status.TRIAGED,),
    Status.PLAN: (Status.TRIAGED, Status.PLAN),
    Status.DO: (Status.TRIAGED, Status.PLAN),
    Status.CHECK: (Status.TRIAGED, Status.PLAN, Status.CHECK),
    Status.ACT: (Status.TRIAGED, Status.PLAN, Status.CHECK, Status.ACT),
    Status.REJECTED: (Status.REJECTED,),
}

# What an item's owner may change on their own open item (`Item.can_edit_plan`): the plan
# and its effect. Coordinators of the item's unit change every field.
OWNER_FIELDS = (
    "description",
    "due_date",
    "expected_metric",
    "expected_change",
    "expected_effect",
    "measured_change",
    "measured_effect",
    "spread",
    "spread_note",
)
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
ATTACHMENT_EXTENSIONS = DOCUMENT_EXTENSIONS
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_attachment_size(file) -> None:
    """The size, and that the content is what the extension says."""
    refuse_if_larger(
        file,
        ATTACHMENT_MAX_BYTES,
        _("The file is %(size)s MB; attachments may be at most %(max)s MB."),
    )
    refuse_disguised(file)


# --- scoring -----------------------------------------------------------------------------


class ScoringSettings(models.Model):
    """The organisation's weights for the priority score and the quadrant threshold.
    One row; edited in the admin. Saving it recomputes every item."""

    impact_weight = models.DecimalField(
        _("weight of impact"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(0)],
    )
    feasibility_weight = models.DecimalField(
        _("weight of feasibility"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0)],
    )
    customer_value_weight = models.DecimalField(
        _("weight of customer value"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0)],
    )
    high_threshold = models.PositiveSmallIntegerField(
        _("high from"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(5)],
        help_text=_(
            "Impact and feasibility at or above this score count as high in the "
            "impact-versus-feasibility chart."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")

    def __str__(self) -> str:
        return str(_("Priority weights and quadrant threshold"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            Item.objects.update(**score_expressions(self))

    def clean(self) -> None:
        weights = (self.impact_weight, self.feasibility_weight, self.customer_value_weight)
        if all(weight is not None for weight in weights) and sum(weights) <= 0:
            raise ValidationError(_("At least one weight must be above zero."))

    @classmethod
    def current(cls) -> ScoringSettings:
        found = cls.objects.filter(pk=1).first()
        return found or cls(pk=1)

    def weights(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            Decimal(str(self.impact_weight)),
            Decimal(str(self.feasibility_weight)),
            Decimal(str(self.customer_value_weight)),
        )

    def priority(self, impact: int, feasibility: int, customer_value: int) -> int:
        w_impact, w_feasibility, w_value = self.weights()
        total = w_impact + w_feasibility + w_value
        weighted = w_impact * impact + w_feasibility * feasibility + w_value * customer_value
        return int((100 * weighted / (5 * total)).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))

    def quadrant(self, impact: int, feasibility: int) -> str:
        high_impact = impact >= self.high_threshold
        high_feasibility = feasibility >= self.high_threshold
        if high_impact:
            return Quadrant.QUICK_WIN if high_feasibility else Quadrant.MAJOR_PROJECT
        return Quadrant.FILL_IN if high_feasibility else Quadrant.THANKLESS


def score_expressions(scoring: ScoringSettings) -> dict:
    """`priority` and `quadrant` as database expressions, to recompute every item at once.

    The priority is computed in whole numbers (weights in hundredths, which is how they
    are stored), rounding half up as `ScoringSettings.priority` does: with decimals,
    SQLite works in floating point and rounds a tie such as 90.5 down when it comes out
    as 90.4999…"""
    w_impact, w_feasibility, w_value = (int(weight * 100) for weight in scoring.weights())
    total = w_impact + w_feasibility + w_value
    scored = Q(impact__isnull=False, feasibility__isnull=False, customer_value__isnull=False)
    weighted = (
        F("impact") * Value(w_impact)
        + F("feasibility") * Value(w_feasibility)
        + F("customer_value") * Value(w_value)
    )
    high = scoring.high_threshold
    return {
        "priority": Case(
            When(
                scored,
                # round(100·weighted / (5·total)) = floor((200·weighted + 5·total) / (10·total))
                then=(weighted * Value(200) + Value(5 * total)) / Value(10 * total),
            ),
            default=None,
            output_field=models.PositiveSmallIntegerField(),
        ),
        "quadrant": Case(
            When(~scored, then=Value("")),
            When(impact__gte=high, feasibility__gte=high, then=Value(Quadrant.QUICK_WIN)),
            When(impact__gte=high, then=Value(Quadrant.MAJOR_PROJECT)),
            When(feasibility__gte=high, then=Value(Quadrant.FILL_IN)),
            default=Value(Quadrant.THANKLESS),
            output_field=models.CharField(),
        ),
    }


# --- permissions -------------------------------------------------------------------------


def may_submit(user, unit: Unit | None = None) -> bool:
    """Anyone but management submits ideas, for a unit of their part of the tree
    (`contributing_units`); without a unit: whether they may submit at all."""
    if unit is None:
        return may_write(user)
    return contributing_units(user).filter(pk=unit.pk).exists()


class ItemQuerySet(UnitScopedQuerySet):
    def also_visible_to(self, user) -> Q:
        """The items they submitted or own."""
        return Q(submitted_by=user) | Q(owner=user)

    def open(self) -> ItemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None) -> ItemQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def to_triage_by(self, user) -> ItemQuerySet:
        """New ideas waiting for `user` to triage them: those of the units they
        coordinate (`Item.can_manage`)."""
        return self.filter(status=Status.IDEA, unit__in=coordinated_units(user))


class Item(RemembersLoaded, models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="improvements"
    )
    submitted_by = optional_link(
        settings.AUTH_USER_MODEL, _("submitted by"), related_name="submitted_improvements"
    )
    owner = optional_link(settings.AUTH_USER_MODEL, _("owner"), related_name="owned_improvements")
    due_date = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_sane_date]
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.EMPLOYEE
    )
    touchpoint = optional_link(Touchpoint, _("touchpoint"), related_name="improvements")
    transition = optional_link(
        Transition,
        _("transition"),
        related_name="improvements",
        help_text=_("The hand-over between two touchpoints that the item concerns."),
    )
    source_feedback = models.OneToOneField(
        Feedback,
        verbose_name=_("from customer feedback"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="improvement",
    )

    waste = models.CharField(_("waste"), max_length=4, choices=Waste.choices, blank=True)
    muda_kind = models.CharField(
        _("kind of Muda"), max_length=16, choices=MudaKind.choices, blank=True
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"),
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("1 (little) to 5 (large): how much it would improve things."),
    )
    feasibility = models.PositiveSmallIntegerField(
        _("feasibility"),
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("1 (hard) to 5 (easy): how easily it can be done."),
    )
    customer_value = models.PositiveSmallIntegerField(
        _("customer value"),
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
        help_text=_("1 (little) to 5 (large): how much the customer would notice."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, editable=False)
    quadrant = models.CharField(
        _("quadrant"), max_length=16, choices=Quadrant.choices, blank=True, editable=False
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IDEA, editable=False
    )
    status_changed_at = models.DateTimeField(
        _("status changed"), default=timezone.now, editable=False
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    expected_metric = models.CharField(
        _("expected effect on"), max_length=8, choices=Metric.choices, blank=True
    )
    expected_change = models.DecimalField(
        _("expected change"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the metric's unit, e.g. +5 NPS points or −2 percentage points churn."),
    )
    expected_effect = models.TextField(_("expected effect"), blank=True)
    measured_change = models.DecimalField(
        _("measured change"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    measured_effect = models.TextField(_("measured effect"), blank=True)
    spread = models.BooleanField(
        _("spread to other units"),
        null=True,
        blank=True,
        help_text=_("At Act: should the new standard be spread to other units?"),
    )
    spread_note = models.TextField(_("where to spread it"), blank=True)

    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = [F("priority").desc(nulls_last=True), "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "priority"], name="item_status_priority"),
            models.Index(fields=["unit", "status"], name="item_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5))
                & (Q(feasibility__isnull=True) | Q(feasibility__gte=1, feasibility__lte=5))
                & (
                    Q(customer_value__isnull=True) | Q(customer_value__gte=1, customer_value__lte=5)
                ),
                name="item_scores_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(muda_kind="") | Q(waste=Waste.MUDA), name="item_muda_kind_only_for_muda"
            ),
        ]

    remembered = ("owner_id",)

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.compute_scores()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "priority", "quadrant"}
        owner_before = stored_value(self, "owner_id")
        super().save(*args, **kwargs)
        tell_new_owner(self, "owner", owner_before, _("the improvement"), self.title, self.link)

    def link(self) -> str:
        """The improvement's page (in notifications)."""
        return reverse("backlog:detail", args=[self.pk])

    # --- scores ------------------------------------------------------------------------

    @property
    def is_scored(self) -> bool:
        return None not in (self.impact, self.feasibility, self.customer_value)

    def compute_scores(self, scoring: ScoringSettings | None = None) -> None:
        impact, feasibility, customer_value = self.impact, self.feasibility, self.customer_value
        if impact is None or feasibility is None or customer_value is None:
            self.priority, self.quadrant = None, ""
            return
        scoring = scoring or ScoringSettings.current()
        self.priority = scoring.priority(impact, feasibility, customer_value)
        self.quadrant = scoring.quadrant(impact, feasibility)

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.waste == Waste.MUDA and not self.muda_kind:
            errors["muda_kind"] = _("Choose which of the eight kinds of Muda this is.")
        if self.muda_kind and self.waste != Waste.MUDA:
            errors["muda_kind"] = _("Only Muda has kinds; leave this empty for Mura and Muri.")
        if self.touchpoint_id and self.transition_id:
            errors["transition"] = _("Choose a touchpoint or a transition, not both.")
        for name, message in self.status_errors().items():
            errors.setdefault(name, message)
        if errors:
            raise ValidationError(errors)

    def status_errors(self) -> dict[str, StrOrPromise]:
        """What the item's status requires and it lacks: a planned item keeps its owner
        and due date, a checked one its measured effect, a rejected one its reason ...
        (the requirements of every move that led to the status, `REACHED_THROUGH`).
        Part of `clean`, so the web forms, the API and the admin refuse the same edits
        with the same words."""
        errors: dict[str, StrOrPromise] = {}
        for status in REACHED_THROUGH[self.status]:
            for name, message in self.move_errors(status).items():
                errors.setdefault(name, message)
        return errors

    @staticmethod
    def owner_choices(user, item: Item | None = None) -> QuerySet[User]:
        """The people `user` may make owner of an item: active people working in the units
        they coordinate (every unit for a superuser), and the item's present owner. The
        web forms, the API and the admin all offer and accept these."""
        units = Unit.objects.all() if user.is_superuser else coordinated_units(user)
        people = Q(is_active=True, profile__unit__in=units)
        if item is not None and item.owner_id:
            people |= Q(pk=item.owner_id)
        return User.objects.filter(people).order_by("first_name", "last_name", "username")

    def mention_choices(self, author) -> QuerySet[User]:
        """The people `author` may @mention in a comment on this item: active people of
        the part of the tree the author works in (`unit_neighbourhood`) and of the units
        they coordinate, and the item's submitter and owner. The form, the API and the
        autocomplete use this one rule."""
        if not author.is_authenticated:
            return User.objects.none()
        units = unit_neighbourhood(author) | coordinated_units(author)
        people = Q(profile__unit__in=units.values("pk"))
        for person_id in (self.submitted_by_id, self.owner_id):
            if person_id:
                people |= Q(pk=person_id)
        return User.objects.filter(people, is_active=True).distinct()

    # --- rules -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return bool(
            self.is_open and self.due_date and self.due_date < (today or timezone.localdate())
        )

    def can_manage(self, user) -> bool:
        """Triage, edit everything, assign, reject: a coordinator of the item's unit."""
        return coordinates_unit(user, self.unit)

    def can_edit_plan(self, user) -> bool:
        """Plan and effect fields: coordinators, and the owner while the item is open."""
        if self.can_manage(user):
            return True
        return bool(
            user.is_authenticated
            and self.owner_id == user.pk
            and may_write(user)
            and self.status in (Status.PLAN, Status.DO, Status.CHECK)
        )

    def can_comment(self, user) -> bool:
        if not may_write(user):
            return False
        return Item.objects.visible_to(user).filter(pk=self.pk).exists()

    def allowed_moves(self, user) -> list[str]:
        """The statuses this user may move the item to now (rules still apply)."""
        targets = TRANSITIONS[self.status]
        if self.can_manage(user):
            return list(targets)
        if self.can_edit_plan(user):
            return [target for target in targets if (self.status, target) in OWNER_MOVES]
        return []

    def move_errors(self, target: str) -> dict[str, StrOrPromise]:
        """What is missing before the item can enter `target` (empty when it can)."""
        errors: dict[str, StrOrPromise] = {}
        if target == Status.TRIAGED:
            if not self.waste:
                errors["waste"] = _("Classify the waste (Muda, Mura or Muri) before triage.")
            elif self.waste == Waste.MUDA and not self.muda_kind:
                errors["muda_kind"] = _("Choose which of the eight kinds of Muda this is.")
            for field in ("impact", "feasibility", "customer_value"):
                if getattr(self, field) is None:
                    errors[field] = _("Score it from 1 to 5 before triage.")
        elif target == Status.PLAN:
            if not self.owner_id:
                errors["owner"] = _("A plan needs an owner.")
            if not self.due_date:
                errors["due_date"] = _("A plan needs a due date.")
        elif target == Status.CHECK:
            if not self.measured_effect.strip() and self.measured_change is None:
                errors["measured_effect"] = _(
                    "Check needs the measured effect: what changed, in figures or in words."
                )
        elif target == Status.ACT:
            if self.spread is None:
                errors["spread"] = _(
                    "Say whether the new standard should be spread to other units."
                )
        elif target == Status.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = _("Give the reason for rejecting it.")
        return errors

    def move(self, target: str, by, note: str = "", **fields) -> StatusChange:
        """Move the item to `target`, setting `fields` first (e.g. owner and due date on
        the way to plan). Refuses moves the workflow or the user's role does not allow,
        and moves whose requirements are missing, with the reasons; nothing is saved then."""
        if target not in Status.values:
            raise ValidationError(
                {"status": _("“%(status)s” is not a status.") % {"status": target}}
            )
        if target == self.status:
            raise ValidationError({"status": _("The item already has this status.")})
        if target not in TRANSITIONS[self.status]:
            allowed = ", ".join(str(Status(t).label) for t in TRANSITIONS[self.status])
            raise ValidationError(
                {
                    "status": _("%(current)s cannot go to %(target)s. From here: %(allowed)s.")
                    % {
                        "current": Status(self.status).label,
                        "target": Status(target).label,
                        "allowed": allowed or _("nothing, the item is finished"),
                    }
                }
            )
        if target not in self.allowed_moves(by):
            raise ValidationError(
                {
                    "status": _(
                        "Only a Lean coordinator of the item's unit can move it to %(target)s."
                    )
                    % {"target": Status(target).label}
                }
            )
        before = {name: getattr(self, name) for name in fields}
        for name, value in fields.items():
            setattr(self, name, value)
        previous = self.status
        self.status = target  # `clean` checks what the new status requires
        try:
            if errors := self.move_errors(target):
                raise ValidationError(errors)
            self.full_clean(exclude=["unit", "submitted_by"])
        except ValidationError:
            self.status = previous  # a refused move leaves the item as it was
            for name, value in before.items():
                setattr(self, name, value)
            raise
        self.status_changed_at = timezone.now()
        with transaction.atomic():
            self.save()
            change = StatusChange.objects.create(
                item=self, from_status=previous, to_status=target, by=by, note=note
            )
            self.tell_submitter(change)
            return change

    def tell_submitter(self, change: StatusChange) -> None:
        """Whoever raised the improvement hears where it went (once per move)."""
        kind, params = {
            Status.TRIAGED: ("idea_triaged", {}),
            Status.REJECTED: ("idea_rejected", {"reason": self.rejection_reason}),
            Status.ACT: ("idea_standardised", {}),
        }.get(Status(change.to_status), ("idea_moved", {"status": Status(change.to_status).label}))
        notify(
            [self.submitted_by],
            kind,
            {"title": self.title, **params},
            actor=change.by,
            about=self,
            state=f"{change.to_status}:{change.pk}",
            url=self.link(),
        )


class StatusChange(models.Model):
    """Each move through the workflow: who moved the item, from what to what, when."""

    item = models.ForeignKey(
        Item, verbose_name=_("improvement"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Comment(models.Model):
    item = models.ForeignKey(
        Item, verbose_name=_("improvement"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            self.tell()

    def mentioned(self) -> list[User]:
        """The people this comment @mentions whom its author may mention."""
        if self.author is None:
            return []
        return resolve_mentions(self.text, self.item.mention_choices(self.author))[0]

    def tell(self) -> None:
        """The people it mentions hear of it, and the item's submitter (once each)."""
        mentioned = self.mentioned()
        facts = {"title": self.item.title, "text": Truncator(self.text).chars(300)}
        url = f"{self.item.link()}#comment-{self.pk}"
        notify(mentioned, "mentioned", facts, actor=self.author, about=self, url=url)
        already = {person.pk for person in mentioned}
        if self.item.submitted_by_id not in already:
            notify(
                [self.item.submitted_by], "commented", facts, actor=self.author, about=self, url=url
            )


def attachment_path(instance: Attachment, filename: str) -> str:
    return stored_name(f"improvements/{instance.item_id}", filename)


class Attachment(models.Model):
    item = models.ForeignKey(
        Item, verbose_name=_("improvement"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        max_length=255,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment_size],
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["item", "created_at", "pk"]

    def __str__(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]


def improvement_from_feedback(feedback: Feedback, by) -> tuple[Item, bool]:
    """Turn a piece of customer feedback into an idea in the backlog, keeping the link.
    Doing it twice returns the item made the first time. Returns (item, created)."""
    existing = Item.objects.filter(source_feedback=feedback).first()
    if existing is not None:
        return existing, False
    suggestion = feedback.what_to_improve.strip() or feedback.what_happened.strip()
    # The first line of the suggestion, without a sentence's closing full stop.
    title = Truncator(suggestion.splitlines()[0].rstrip(" .")).chars(200) if suggestion else ""
    title = title or str(feedback)
    parts = [
        (_("What happened?"), feedback.what_happened),
        (_("How did it feel?"), feedback.how_it_felt),
        (_("What can be improved?"), feedback.what_to_improve),
    ]
    description = "\n\n".join(
        f"{question}\n{answer.strip()}" for question, answer in parts if answer.strip()
    )
    with transaction.atomic():
        # Lock the feedback row so that two clicks at once make one item.
        Feedback.objects.select_for_update().filter(pk=feedback.pk).first()
        existing = Item.objects.filter(source_feedback=feedback).first()
        if existing is not None:
            return existing, False
        item = Item.objects.create(
            title=title,
            description=description,
            unit=feedback.unit,
            submitted_by=by,
            source=Source.VOC,
            touchpoint=feedback.touchpoint,
            source_feedback=feedback,
        )
    return item, True
