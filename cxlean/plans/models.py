from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_sane_date
from cxlean.core.events import RemembersLoaded, stored_value, tell_new_owner
from cxlean.core.models import optional_link
from cxlean.core.typed import default_ordering
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.models import Unit
from cxlean.org.roles import (
    coordinated_units,
    coordinates_unit,
    is_coordinator,
    may_write,
    sees_everything,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ZERO = Decimal("0.00")
money_validators = [MinValueValidator(ZERO, message=_("Amounts cannot be negative."))]


def money_field(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, default=ZERO, validators=money_validators
    )


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        """Management sees every plan; coordinators the plans of their units; everyone
        sees the plans they take part in (as responsible or as an activity owner)."""
        if sees_everything(user):
            return self
        if not user.is_authenticated:
            return self.none()
        takes_part = Exists(Activity.objects.filter(phase__plan=OuterRef("pk"), owner=user))
        condition = Q(coordinator=user) | Q(takes_part)
        if is_coordinator(user):
            condition |= Q(unit__in=coordinated_units(user))
        return self.filter(condition)

    def editable_by(self, user) -> PlanQuerySet:
        return self.filter(unit__in=coordinated_units(user))

    def with_figures(self) -> PlanQuerySet:
        """Counts and sums over a plan's activities, in the same query as the plans."""
        today = timezone.localdate()
        live = ~Q(phases__activities__status=Activity.Status.CANCELLED)
        return self.annotate(
            activity_count=Count("phases__activities", filter=live),
            done_count=Count(
                "phases__activities", filter=Q(phases__activities__status=Activity.Status.DONE)
            ),
            blocked_count=Count(
                "phases__activities", filter=Q(phases__activities__status=Activity.Status.BLOCKED)
            ),
            late_count=Count(
                "phases__activities",
                filter=Q(
                    phases__activities__due_date__lt=today,
                    phases__activities__status__in=Activity.OPEN_STATUSES,
                ),
            ),
            planned_total=Coalesce(
                Sum("phases__activities__planned_cost", filter=live),
                Value(ZERO),
                output_field=models.DecimalField(),
            ),
            actual_total=Coalesce(
                Sum("phases__activities__actual_cost"),
                Value(ZERO),
                output_field=models.DecimalField(),
            ),
        )

    def for_detail(self) -> PlanQuerySet:
        """A plan's page: its figures, unit (for `can_edit`) and responsible in one query."""
        return self.with_figures().select_related("unit", "coordinator")


class Plan(models.Model):
    """A dated, budgeted rollout of the guide for one unit."""

    name = models.CharField(_("name"), max_length=160)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="plans"
    )
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
    )
    start_date = models.DateField(_("start date"), validators=[validate_sane_date])
    end_date = models.DateField(_("end date"), validators=[validate_sane_date])
    budget = money_field(_("budget"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    # Set on plans read through PlanQuerySet.with_figures().
    activity_count: int
    done_count: int
    blocked_count: int
    late_count: int
    planned_total: Decimal
    actual_total: Decimal

    class Meta:
        verbose_name = _("rollout plan")
        verbose_name_plural = _("rollout plans")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="plan_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="plan_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.pk and self.start_date and self.end_date:
            self.validate_activities_inside()

    def validate_activities_inside(self) -> None:
        """New dates must still hold every activity of the plan (see `Activity.clean`):
        the coordinator moves those activities first, or picks dates that include them."""
        outside = self.activities().filter(
            Q(start_date__lt=self.start_date) | Q(due_date__gt=self.end_date)
        )
        count = outside.count()
        if not count:
            return
        first, last = self.start_date, self.end_date
        for start, due in outside.values_list("start_date", "due_date"):
            first, last = min(first, start), max(last, due)
        message = ngettext(
            "%(count)d activity lies outside these dates. Move it first, or choose dates "
            "that include it (from %(first)s to %(last)s).",
            "%(count)d activities lie outside these dates. Move them first, or choose dates "
            "that include them (from %(first)s to %(last)s).",
            count,
        ) % {"count": count, "first": date_format(first), "last": date_format(last)}
        field = "start_date" if first < self.start_date else "end_date"
        raise ValidationError({field: message})

    def can_edit(self, user) -> bool:
        return coordinates_unit(user, self.unit)

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def activities(self) -> ActivityQuerySet:
        return Activity.objects.filter(phase__plan=self)

    def phases_with_activities(self) -> models.QuerySet[Phase]:
        """Phases in order with their activities, owners and predecessors: three queries
        whatever the size of the plan. Each phase and activity knows its plan without
        another query, so `can_update_status` and `is_late` cost nothing per row."""
        activities = Activity.objects.select_related("owner").prefetch_related(
            Prefetch("depends_on", queryset=Activity.objects.only("pk", "title", "due_date"))
        )
        return self.phases.prefetch_related(Prefetch("activities", queryset=activities))


@dataclass(frozen=True)
class PlanFigures:
    """The numbers a plan is followed by, read from a plan annotated by `with_figures()`."""

    budget: Decimal
    planned: Decimal
    actual: Decimal
    activities: int
    done: int
    late: int
    blocked: int

    @classmethod
    def of(cls, plan: Plan) -> PlanFigures:
        return cls(
            budget=plan.budget,
            planned=plan.planned_total,
            actual=plan.actual_total,
            activities=plan.activity_count,
            done=plan.done_count,
            late=plan.late_count,
            blocked=plan.blocked_count,
        )

    @property
    def progress(self) -> int:
        return progress_percent(self.done, self.activities)

    @property
    def remaining(self) -> Decimal:
        """What is left of the budget after what has actually been spent."""
        return self.budget - self.actual

    @property
    def planned_over_budget(self) -> Decimal:
        return max(self.planned - self.budget, ZERO)

    @property
    def actual_over_budget(self) -> Decimal:
        return max(self.actual - self.budget, ZERO)


def progress_percent(done: int, total: int) -> int:
    """Share of live (not cancelled) activities that are done, in whole percent."""
    return round(100 * done / total) if total else 0


def with_progress(plans) -> list[Plan]:
    """Give plans annotated by `with_figures()` a `progress` percentage for the templates."""
    plans = list(plans)
    for plan in plans:
        plan.progress = progress_percent(plan.done_count, plan.activity_count)
    return plans


# The start page shows the most recent plans; the plan list has the rest.
HOME_PLAN_LIMIT = 10


def start_page_plans(user) -> tuple[list[Plan], bool]:
    """The rollouts the start page shows (at most HOME_PLAN_LIMIT, with their progress)
    and whether there are more: one query."""
    # One plan more than shown tells whether to offer "all plans" without a COUNT query.
    # with_figures() aggregates, and aggregating queries drop Meta.ordering: restate it.
    plans = with_progress(
        Plan.objects.visible_to(user)
        .with_figures()
        .select_related("unit")
        .order_by(*default_ordering(Plan))[: HOME_PLAN_LIMIT + 1]
    )
    return plans[:HOME_PLAN_LIMIT], len(plans) > HOME_PLAN_LIMIT


class Phase(models.Model):
    """A plan's part for one guide step (or a phase the coordinator adds)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("rollout plan"), on_delete=models.CASCADE, related_name="phases"
    )
    step = optional_link(GuideStep, _("guide step"), related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=160)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActivityQuerySet:
        return self.filter(phase__plan__in=Plan.objects.visible_to(user))

    def late(self, today: dt.date | None = None) -> ActivityQuerySet:
        return self.filter(
            due_date__lt=today or timezone.localdate(), status__in=Activity.OPEN_STATUSES
        )


class Activity(RemembersLoaded, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.BLOCKED)

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="activities"
    )
    guide_activity = optional_link(GuideActivity, _("from the guide"), related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = optional_link(settings.AUTH_USER_MODEL, _("owner"), related_name="plan_activities")
    start_date = models.DateField(_("start"), validators=[validate_sane_date])
    due_date = models.DateField(_("due"), validators=[validate_sane_date])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    planned_cost = money_field(_("planned cost"))
    actual_cost = money_field(_("actual cost"))
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("depends on"),
        symmetrical=False,
        blank=True,
        related_name="dependents",
        help_text=_("Finish-to-start: this activity starts when these have ended."),
    )
    history = HistoricalRecords(m2m_fields=[depends_on])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["phase__order", "order", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")),
                name="activity_due_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_cost__gte=0) & Q(actual_cost__gte=0),
                name="activity_costs_not_negative",
            ),
        ]

    remembered = ("owner_id",)

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        owner_before = stored_value(self, "owner_id")
        super().save(*args, **kwargs)
        tell_new_owner(
            self,
            "owner",
            owner_before,
            _("the activity"),
            self.title,
            lambda: reverse("plans:detail", args=[self.phase.plan_id]) + f"#activity-{self.pk}",
        )

    @property
    def is_late(self) -> bool:
        return self.is_late_on(timezone.localdate())

    def is_late_on(self, day: dt.date) -> bool:
        return self.status in self.OPEN_STATUSES and self.due_date < day

    def can_edit(self, user) -> bool:
        return self.phase.plan.can_edit(user)

    def can_update_status(self, user) -> bool:
        """The owner reports progress on their own activity; the plan's coordinators on
        any. Management reads and changes nothing, not even an activity they own."""
        owns = may_write(user) and self.owner_id == user.pk
        return owns or self.can_edit(user)

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": _("The due date cannot be before the start date.")})
        self.validate_inside_plan()
        if self.pk and self.due_date:
            for successor in self.dependents.all():
                if successor.start_date < self.due_date:
                    raise ValidationError(
                        {
                            "due_date": _(
                                "“%(successor)s” depends on this activity and starts %(start)s; "
                                "the due date cannot be later than that."
                            )
                            % {
                                "successor": successor.title,
                                "start": date_format(successor.start_date),
                            }
                        }
                    )

    def validate_inside_plan(self) -> None:
        """An activity lies within its plan's dates: the plan's period is what is
        budgeted and followed, and the timeline is drawn over it."""
        if not self.phase_id:
            return
        plan = self.phase.plan
        message = _(
            "The rollout plan runs from %(start)s to %(end)s: the activity must lie within "
            "those dates."
        ) % {"start": date_format(plan.start_date), "end": date_format(plan.end_date)}
        errors = {}
        if self.start_date and not plan.start_date <= self.start_date <= plan.end_date:
            errors["start_date"] = message
        if self.due_date and not plan.start_date <= self.due_date <= plan.end_date:
            errors["due_date"] = message
        if errors:
            raise ValidationError(errors)


def validate_dependencies(activity: Activity, predecessors) -> None:
    """Reject predecessors from another plan, ones the activity would start before,
    and any that would close a loop. Raises ValidationError keyed on `depends_on`."""
    plan_id = activity.phase.plan_id
    errors: list[str | StrPromise] = []
    for predecessor in predecessors:
        if activity.pk and predecessor.pk == activity.pk:
            errors.append(_("An activity cannot depend on itself."))
        elif predecessor.phase.plan_id != plan_id:
            errors.append(
                _("“%(title)s” belongs to another rollout plan.") % {"title": predecessor.title}
            )
        elif activity.start_date and activity.start_date < predecessor.due_date:
            errors.append(
                _("This activity starts %(start)s, before “%(title)s” ends on %(due)s.")
                % {
                    "start": date_format(activity.start_date),
                    "title": predecessor.title,
                    "due": date_format(predecessor.due_date),
                }
            )
    if not errors and activity.pk:
        cycle = _find_cycle(activity, predecessors)
        if cycle:
            errors.append(
                _("This would make a dependency loop: %(loop)s.") % {"loop": " → ".join(cycle)}
            )
    if errors:
        raise ValidationError({"depends_on": errors})


def _find_cycle(activity: Activity, predecessors) -> list[str] | None:
    """Follow "depends on" edges from each new predecessor; reaching the activity
    itself means the new edges would close a loop. One query for the plan's edges."""
    through = Activity.depends_on.through
    edges: dict[int, list[int]] = {}
    for successor_id, predecessor_id in (
        through.objects.filter(from_activity__phase__plan_id=activity.phase.plan_id)
        .exclude(from_activity_id=activity.pk)
        .values_list("from_activity_id", "to_activity_id")
    ):
        edges.setdefault(successor_id, []).append(predecessor_id)
    edges[activity.pk] = [p.pk for p in predecessors]
    titles = dict(
        Activity.objects.filter(phase__plan_id=activity.phase.plan_id).values_list("pk", "title")
    )

    parent: dict[int, int] = {}
    stack, seen = [activity.pk], {activity.pk}
    while stack:
        node = stack.pop()
        for nxt in edges.get(node, []):
            if nxt == activity.pk:
                loop = [node]
                while loop[-1] != activity.pk:
                    loop.append(parent[loop[-1]])
                loop.reverse()
                return [titles.get(pk, str(pk)) for pk in [*loop, activity.pk]]
            if nxt not in seen:
                seen.add(nxt)
                parent[nxt] = node
                stack.append(nxt)
    return None
