"""What each area puts in a person's inbox, read through that area's own querysets and
permission rules (who sees, who signs off, who triages are never restated here).

Each function takes the user and the `Context` and returns `Batch`es of `Row`s, in a
fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxlean.backlog.models import OPEN_STATUSES as OPEN_ITEM_STATUSES
from cxlean.backlog.models import Item
from cxlean.backlog.models import Status as ItemStatus
from cxlean.checklists.models import Assignment
from cxlean.checklists.progress import checklists_of, progress_rows
from cxlean.competence.models import (
    LEVEL_LETTERS,
    CardStatus,
    Goal,
    GreenCard,
    Record,
)
from cxlean.core.names import display_name
from cxlean.exports.models import ExportJob, JobStatus
from cxlean.gemba.models import Observation, Walk, WalkStatus
from cxlean.imports.models import ImportJob
from cxlean.inbox.rows import Batch, Context, Row, Urgency
from cxlean.insights.dashboard import figure
from cxlean.maturity.models import Assessment, AssessmentAnswer, Question
from cxlean.metrics.reports import latest_vs_target
from cxlean.metrics.views import trend_url
from cxlean.org.models import Unit
from cxlean.org.roles import is_coordinator, is_management
from cxlean.plans.models import Activity, Plan

UPCOMING_DAYS = 30  # walks and trainee goals further ahead are not news yet


def day(value: dt.date) -> str:
    return date_format(value, "j M")


def first(queryset, context: Context) -> tuple[list, int]:
    """The first `limit` rows of a list that can grow with the organisation, and how
    many there are: two queries."""
    return list(queryset[: context.limit]), queryset.count()


# --- rollout plans -------------------------------------------------------------------------


def activity_url(activity: Activity) -> str:
    return reverse("plans:detail", args=[activity.phase.plan_id]) + f"#activity-{activity.pk}"


def activity_row(activity: Activity, context: Context, urgency: Urgency | None = None) -> Row:
    late = activity.due_date < context.today
    if urgency is None:
        later = Urgency.WAITING if activity.status == Activity.Status.BLOCKED else Urgency.INFO
        urgency = context.by_date(activity.due_date, later)
    when = (_("late since %(day)s") if late else _("due %(day)s")) % {"day": day(activity.due_date)}
    state = f"{activity.phase.plan.name} · {activity.get_status_display()} · {when}"
    return Row(
        kind="activity",
        area="plans",
        title=activity.title,
        state=state,
        url=activity_url(activity),
        urgency=urgency,
        due=activity.due_date,
    )


def own_activities(user, context: Context) -> list[Batch]:
    activities = (
        Activity.objects.filter(owner=user, status__in=Activity.OPEN_STATUSES)
        .select_related("phase__plan")
        .order_by("due_date", "pk")
    )
    return [Batch("plans", [activity_row(activity, context) for activity in activities])]


def unit_activities(user, context: Context) -> list[Batch]:
    """A coordinator's units' late and blocked activities (others' than their own)."""
    theirs = (
        Activity.objects.filter(phase__plan__in=Plan.objects.editable_by(user))
        .exclude(owner=user)
        .select_related("phase__plan")
        .order_by("due_date", "pk")
    )
    late, late_count = first(theirs.late(context.today), context)
    blocked, blocked_count = first(
        theirs.filter(status=Activity.Status.BLOCKED, due_date__gte=context.today), context
    )
    plans_url = reverse("plans:list")
    return [
        Batch(
            "plans",
            [activity_row(activity, context, Urgency.LATE) for activity in late],
            late_count,
            plans_url,
        ),
        Batch(
            "plans",
            [activity_row(activity, context, Urgency.WAITING) for activity in blocked],
            blocked_count,
            plans_url,
        ),
    ]


# --- checklists ----------------------------------------------------------------------------


def own_checklists(user, context: Context) -> list[Batch]:
    rows = []
    for checklist in checklists_of(user, context.today):
        progress = checklist.progress
        if progress.complete:
            continue
        assignment = checklist.assignment
        state = _("%(done)d of %(total)d done · due %(day)s") % {
            "done": progress.done,
            "total": progress.total,
            "day": day(assignment.due_date),
        }
        rows.append(
            Row(
                kind="checklist",
                area="checklists",
                title=str(assignment.template),
                state=state,
                url=reverse("checklists:assignment", args=[assignment.pk]),
                urgency=context.by_date(assignment.due_date, Urgency.WAITING),
                due=assignment.due_date,
            )
        )
    return [Batch("checklists", rows, url=reverse("checklists:mine"))]


def unit_checklists(user, context: Context) -> list[Batch]:
    """Overdue checklists of the people a coordinator follows: one row per assignment."""
    overdue = Assignment.objects.visible_to(user).overdue_candidates(context.today)
    late: dict[int, list] = {}
    for row in progress_rows(overdue, viewer=user, today=context.today):
        if row.progress.overdue and row.person.pk != user.pk:
            late.setdefault(row.assignment.pk, []).append(row)
    rows = []
    for people in late.values():
        assignment = people[0].assignment
        state = ngettext(
            "%(count)d person has not finished · due %(day)s",
            "%(count)d people have not finished · due %(day)s",
            len(people),
        ) % {"count": len(people), "day": day(assignment.due_date)}
        rows.append(
            Row(
                kind="checklist_overdue",
                area="checklists",
                title=f"{assignment.template} · {assignment.target_name}",
                state=state,
                url=reverse("checklists:assignment", args=[assignment.pk]),
                urgency=Urgency.LATE,
                due=assignment.due_date,
            )
        )
    return [Batch("checklists", rows, url=reverse("checklists:progress") + "?overdue=on")]


# --- Gemba walks ---------------------------------------------------------------------------


def walk_row(walk: Walk, context: Context, kind: str = "walk") -> Row:
    start = timezone.localtime(walk.planned_start)
    overdue = walk.is_overdue
    if overdue:
        state = _("planned %(day)s, not yet reported") % {"day": day(start.date())}
        url = reverse("gemba:report", args=[walk.pk])
    else:
        state = _("%(day)s at %(time)s · %(unit)s") % {
            "day": day(start.date()),
            "time": date_format(start, "H:i"),
            "unit": walk.unit.name,
        }
        url = reverse("gemba:detail", args=[walk.pk])
    return Row(
        kind=kind,
        area="gemba",
        title=str(_("Gemba walk: %(where)s") % {"where": walk.where or walk.unit.name}),
        state=state,
        url=url,
        urgency=Urgency.LATE if overdue else context.by_date(start.date()),
        due=start.date(),
    )


def own_walks(user, context: Context) -> list[Batch]:
    horizon = context.now + dt.timedelta(days=UPCOMING_DAYS)
    walks = (
        Walk.objects.planned()
        .taken_part_in_by(user)
        .filter(planned_start__lte=horizon)
        .select_related("unit", "touchpoint")
        .order_by("planned_start", "pk")
    )
    rows = [walk_row(walk, context) for walk in walks]
    last = (
        Walk.objects.filter(status=WalkStatus.DONE)
        .taken_part_in_by(user)
        .select_related("unit", "touchpoint")
        .order_by("-planned_start", "-pk")
        .first()
    )
    if last is not None:
        open_count = Observation.objects.filter(
            walk=last, improvement__status__in=OPEN_ITEM_STATUSES
        ).count()
        if open_count:
            rows.append(
                Row(
                    kind="walk_follow_up",
                    area="gemba",
                    title=_("Follow-ups of the walk %(where)s")
                    % {"where": last.where or last.unit.name},
                    state=ngettext(
                        "%(count)d improvement from it is still open",
                        "%(count)d improvements from it are still open",
                        open_count,
                    )
                    % {"count": open_count},
                    url=reverse("gemba:detail", args=[last.pk]),
                    urgency=Urgency.INFO,
                )
            )
    return [Batch("gemba", rows, url=reverse("gemba:list"))]


def unit_walks(user, context: Context) -> list[Batch]:
    """Walks in a coordinator's units past their day and not reported (not their own)."""
    walks = (
        Walk.objects.overdue(context.now)
        .plannable_by(user)
        .exclude(Walk.objects.also_visible_to(user))
        .select_related("unit", "touchpoint")
        .order_by("planned_start", "pk")
    )
    shown, total = first(walks, context)
    rows = [walk_row(walk, context, "walk_to_report") for walk in shown]
    return [Batch("gemba", rows, total, reverse("gemba:list"))]


# --- maturity ------------------------------------------------------------------------------


def assessments_to_answer(user, context: Context) -> list[Batch]:
    assessments = list(Assessment.objects.to_answer_by(user).select_related("unit"))
    if not assessments:
        return []
    answered = dict(
        AssessmentAnswer.objects.filter(assessment__in=assessments, assessor=user)
        .order_by()
        .values_list("assessment")
        .annotate(n=Count("pk"))
    )
    questions = Question.objects.asked().count()
    rows = []
    for assessment in assessments:
        done = answered.get(assessment.pk, 0)
        if done >= questions:
            continue
        rows.append(
            Row(
                kind="assessment",
                area="maturity",
                title=assessment.title,
                state=_("You are an assessor: %(done)d of %(total)d answered · %(unit)s")
                % {"done": done, "total": questions, "unit": assessment.unit.name},
                url=reverse("maturity:detail", args=[assessment.pk]),
                urgency=Urgency.WAITING,
            )
        )
    return [Batch("maturity", rows, url=reverse("maturity:list"))]


# --- competence ----------------------------------------------------------------------------


def record_url(record: Record) -> str:
    return reverse("competence:record", args=[record.pk])


def own_competence(user, context: Context) -> list[Batch]:
    records = {
        record.activity_id: record
        for record in Record.objects.filter(person=user).select_related("activity")
    }
    rows = []
    for record in records.values():
        letter = LEVEL_LETTERS[record.self_level]
        if record.is_rejected:
            comment = record.rejection_comment
            rows.append(
                Row(
                    kind="level_rejected",
                    area="competence",
                    title=str(record.activity),
                    state=_("Level %(level)s was not signed off: %(comment)s")
                    % {"level": letter, "comment": comment},
                    url=record_url(record),
                    urgency=Urgency.WAITING,
                )
            )
        elif record.awaits_sign_off:
            rows.append(
                Row(
                    kind="level_waiting",
                    area="competence",
                    title=str(record.activity),
                    state=_("Level %(level)s waits for a sign-off") % {"level": letter},
                    url=record_url(record),
                    urgency=Urgency.INFO,
                )
            )
    horizon = context.today + dt.timedelta(days=UPCOMING_DAYS)
    goals = Goal.objects.filter(plan__person=user, due_date__lte=horizon).select_related("activity")
    for goal in goals:
        goal_record = records.get(goal.activity_id)
        if goal.is_reached(goal_record, context.today):
            continue
        rows.append(
            Row(
                kind="trainee_goal",
                area="competence",
                title=str(goal.activity),
                state=_("Trainee plan: reach %(level)s by %(day)s")
                % {"level": LEVEL_LETTERS[goal.target_level], "day": day(goal.due_date)},
                url=reverse("competence:mine"),
                urgency=context.by_date(goal.due_date),
                due=goal.due_date,
            )
        )
    return [Batch("competence", rows, url=reverse("competence:mine"))]


def sign_offs_waiting(user, context: Context) -> list[Batch]:
    waiting = (
        Record.objects.for_queue(user)
        .select_related("person", "activity")
        .order_by("updated_at", "pk")
    )
    shown, total = first(waiting, context)
    rows = [
        Row(
            kind="sign_off",
            area="competence",
            title=str(record.activity),
            state=_("%(person)s asks for a sign-off at level %(level)s")
            % {"person": display_name(record.person), "level": LEVEL_LETTERS[record.self_level]},
            url=record_url(record),
            urgency=Urgency.WAITING,
        )
        for record in shown
    ]
    return [Batch("competence", rows, total, reverse("competence:queue"))]


def expiring_cards(user, context: Context, *, units: bool) -> list[Batch]:
    """Green Cards about to expire: one's own; a coordinator's units' too."""
    cards = GreenCard.objects.current().with_date_status(CardStatus.EXPIRING, context.today)
    cards = cards.visible_to(user) if units else cards.filter(person=user)
    shown, total = first(
        cards.select_related("person", "role").order_by("expires_on", "pk"), context
    )
    rows = [
        Row(
            kind="green_card",
            area="competence",
            title=str(_("Green Card %(number)s") % {"number": card.number}),
            state=_("%(person)s · %(role)s · valid until %(day)s")
            % {
                "person": display_name(card.person),
                "role": card.role or _("Lean CX"),
                "day": day(card.expires_on),
            },
            url=reverse("competence:person", args=[card.person_id]),
            urgency=context.by_date(card.expires_on),
            due=card.expires_on,
        )
        for card in shown
    ]
    url = reverse("competence:matrix") if units else reverse("competence:mine")
    return [Batch("competence", rows, total if rows else None, url)]


# --- improvements --------------------------------------------------------------------------


def own_improvements(user, context: Context) -> list[Batch]:
    """The ideas they submitted and the improvements they own: where each is in PDCA."""
    items = (
        Item.objects.open()
        .filter(Q(submitted_by=user) | Q(owner=user))
        .select_related("unit")
        .order_by("-status_changed_at", "-pk")[:50]
    )
    rows = []
    for item in items:
        owned = item.owner_id == user.pk
        due = item.due_date if owned else None
        state = _("%(status)s · %(unit)s") % {
            "status": item.get_status_display(),
            "unit": item.unit.name,
        }
        if due:
            state += " · " + _("due %(day)s") % {"day": day(due)}
        rows.append(
            Row(
                kind="improvement" if owned else "idea",
                area="backlog",
                title=item.title,
                state=state,
                url=reverse("backlog:detail", args=[item.pk]),
                urgency=context.by_date(due) if due else Urgency.INFO,
                due=due,
            )
        )
    return [Batch("backlog", rows, url=reverse("backlog:list"))]


def ideas_to_triage(user, context: Context) -> list[Batch]:
    ideas = Item.objects.to_triage_by(user).select_related("unit").order_by("created_at", "pk")
    shown, total = first(ideas, context)
    rows = [
        Row(
            kind="triage",
            area="backlog",
            title=item.title,
            state=_("New idea to triage · %(unit)s") % {"unit": item.unit.name},
            url=reverse("backlog:detail", args=[item.pk]),
            urgency=Urgency.WAITING,
        )
        for item in shown
    ]
    url = reverse("backlog:list") + f"?status={ItemStatus.IDEA}"
    return [Batch("backlog", rows, total, url)]


# --- exports and imports -------------------------------------------------------------------


def finished_jobs(user, context: Context) -> list[Batch]:
    """Their own exports and imports finished since their last visit (or a week)."""
    since = max(context.since, context.now - dt.timedelta(days=7))
    exports = ExportJob.objects.visible_to(user).filter(requested_by=user, finished_at__gte=since)
    imports = ImportJob.objects.visible_to(user).filter(requested_by=user, finished_at__gte=since)
    rows = [
        Row(
            kind="export",
            area="exports",
            title=str(job),
            state=_("Ready to download") if job.status == JobStatus.DONE else _("Failed"),
            url=reverse("exports:detail", args=[job.pk]),
            urgency=Urgency.INFO,
        )
        for job in exports.order_by("-finished_at")[: context.limit]
    ]
    rows += [
        Row(
            kind="import",
            area="imports",
            title=job.original_name,
            state=job.get_status_display(),
            url=reverse("imports:detail", args=[job.pk]),
            urgency=Urgency.INFO,
        )
        for job in imports.order_by("-finished_at")[: context.limit]
    ]
    return [Batch("exports", rows)]


# --- management: what moved ----------------------------------------------------------------


def management_news(user, context: Context) -> list[Batch]:
    completed = (
        Assessment.objects.completed()
        .filter(completed_at__gte=context.since)
        .select_related("unit")
        .order_by("-completed_at", "-pk")
    )
    shown, total = first(completed, context)
    maturity = [
        Row(
            kind="assessment_completed",
            area="maturity",
            title=assessment.title,
            state=_("Completed %(day)s · %(unit)s")
            % {
                "day": day(timezone.localdate(assessment.completed_at)),
                "unit": assessment.unit.name,
            },
            url=reverse("maturity:detail", args=[assessment.pk]),
            urgency=Urgency.INFO,
        )
        for assessment in shown
    ]
    late_count = (
        Activity.objects.late(context.today)
        .filter(phase__plan=OuterRef("pk"))
        .order_by()
        .values("phase__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    behind = (
        Plan.objects.filter(end_date__gte=context.today)
        .annotate(late=Subquery(late_count))
        .filter(late__gt=0)
        .select_related("unit")
        .order_by("-late", "pk")
    )
    shown_plans, plans_total = first(behind, context)
    plans = [
        Row(
            kind="rollout_behind",
            area="plans",
            title=plan.name,
            state=ngettext(
                "%(count)d activity late · %(unit)s",
                "%(count)d activities late · %(unit)s",
                plan.late,
            )
            % {"count": plan.late, "unit": plan.unit.name},
            url=reverse("plans:detail", args=[plan.pk]),
            urgency=Urgency.INFO,
        )
        for plan in shown_plans
    ]
    return [
        Batch("maturity", maturity, total, reverse("maturity:list")),
        Batch("plans", plans, plans_total, reverse("plans:list")),
        Batch("metrics", metrics_off_target(context)),
    ]


def metrics_off_target(context: Context) -> list[Row]:
    """The latest figure against target of the organisation and its departments."""
    rows = []
    # Every unit is read: a unit's figure counts its sub-units' answers when they are there.
    for trend in latest_vs_target(Unit.objects.all(), context.today):
        latest = trend.latest
        if trend.unit.depth > 1 or latest is None or latest.meets_target is not False:
            continue
        rows.append(
            Row(
                kind="metric_off_target",
                area="metrics",
                title=f"{trend.metric} · {trend.unit.name}",
                state=_("%(value)s against the target %(target)s")
                % {"value": figure(latest.value), "target": figure(latest.target)},
                url=trend_url(trend.metric, trend.unit),
                urgency=Urgency.INFO,
            )
        )
    return rows[: context.limit]


# --- who gets what -------------------------------------------------------------------------

Contribution = Callable[..., list[Batch]]


def contributions(user, context: Context) -> list[Batch]:
    """Everyone: their own things. Coordinators: their units' too. Management: what
    moved since their last visit."""
    parts: list[Contribution] = [
        own_activities,
        own_checklists,
        own_walks,
        assessments_to_answer,
        own_competence,
        own_improvements,
        finished_jobs,
    ]
    coordinator = is_coordinator(user)
    if coordinator:
        parts += [unit_activities, unit_checklists, unit_walks, sign_offs_waiting, ideas_to_triage]
    if is_management(user) or user.is_superuser:
        parts.append(management_news)
    batches = [batch for part in parts for batch in part(user, context)]
    batches += expiring_cards(user, context, units=coordinator)
    return batches
