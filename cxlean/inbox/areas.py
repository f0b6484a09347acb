"""What each area puts in a person's inbox, read through that area's own querysets and
permission rules (who sees, who signs off, who triages are never restated here).

Each function takes the user and the `Context` and returns `Batch`es of `Row`s, in a
fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
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
from cxlean.gemba.models import Observation, Schedule, Walk, WalkStatus
from cxlean.gemba.queries import may_plan_walks, planning_units
from cxlean.imports.models import ImportJob
from cxlean.inbox.rows import NOTIFICATION, Batch, Context, Row, Urgency
from cxlean.insights.dashboard import figure, maturity_by_unit
from cxlean.maturity.models import Assessment, AssessmentAnswer, Question
from cxlean.metrics.reports import moved_since
from cxlean.notifications.models import Notification
from cxlean.org.models import CatalogueProposal, ProposalStatus, Unit
from cxlean.org.roles import is_coordinator, is_management, may_edit_catalogue
from cxlean.plans.models import Activity, Plan

UPCOMING_DAYS = 30  # walks and trainee goals further ahead are not news yet


def day(value: dt.date) -> str:
    return date_format(value, "j M")


def first(queryset, context: Context) -> tuple[list, int]:
    """The first `limit` rows of a list that can grow with the organisation, and how
    many there are: two queries."""
    return list(queryset[: context.limit]), queryset.count()


def listed(area: str, queryset, context: Context, row: Callable[[Any], Row], url: str) -> Batch:
    """A batch of the first rows of a long list (`first`), each made by `row`, with how
    many there are and `url`, the area's own list of them all."""
    shown, total = first(queryset, context)
    return Batch(area, [row(obj) for obj in shown], total, url)


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
    blocked = theirs.filter(status=Activity.Status.BLOCKED, due_date__gte=context.today)
    return [
        listed(
            "plans",
            activities,
            context,
            partial(activity_row, context=context, urgency=urgency),
            reverse("plans:list"),
        )
        for activities, urgency in (
            (theirs.late(context.today), Urgency.LATE),
            (blocked, Urgency.WAITING),
        )
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
    row = partial(walk_row, context=context, kind="walk_to_report")
    return [listed("gemba", walks, context, row, reverse("gemba:list"))]


def walks_to_plan(user, context: Context) -> list[Batch]:
    """Recurring walks in a coordinator's units that plan nothing: active schedules
    without a leader (a walk needs one, so none is created)."""
    if not may_plan_walks(user):
        return []
    schedules = (
        Schedule.objects.filter(unit__in=planning_units(user), active=True, leader__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=context.today))
        .select_related("unit")
        .order_by("starts_on", "pk")
    )

    def row(schedule: Schedule) -> Row:
        return Row(
            kind="walk_to_plan",
            area="gemba",
            title=str(_("Gemba walk: %(where)s") % {"where": schedule.title}),
            state=_("Recurring walk without a leader: no walks are planned · %(unit)s")
            % {"unit": schedule.unit.name},
            url=reverse("gemba:schedule_edit", args=[schedule.pk]),
            urgency=Urgency.WAITING,
        )

    return [listed("gemba", schedules, context, row, reverse("gemba:schedules"))]


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


def record_row(
    record: Record, kind: str, state: str, urgency: Urgency, *, act: bool = False
) -> Row:
    """A row about someone's competence record: its page, titled by its activity.
    `act`: the page signs it off on the row itself."""
    return Row(
        kind=kind,
        area="competence",
        title=str(record.activity),
        state=state,
        url=reverse("competence:record", args=[record.pk]),
        urgency=urgency,
        subject=record if act else None,
    )


def own_competence(user, context: Context) -> list[Batch]:
    records = {
        record.activity_id: record
        for record in Record.objects.filter(person=user).select_related("activity")
    }
    rows = []
    for record in records.values():
        letter = LEVEL_LETTERS[record.self_level]
        if record.is_rejected:
            state = _("Level %(level)s was not signed off: %(comment)s") % {
                "level": letter,
                "comment": record.rejection_comment,
            }
            rows.append(record_row(record, "level_rejected", state, Urgency.WAITING))
        elif record.awaits_sign_off:
            state = _("Level %(level)s waits for a sign-off") % {"level": letter}
            rows.append(record_row(record, "level_waiting", state, Urgency.INFO))
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

    def row(record: Record) -> Row:
        state = _("%(person)s asks for a sign-off at level %(level)s") % {
            "person": display_name(record.person),
            "level": LEVEL_LETTERS[record.self_level],
        }
        return record_row(record, "sign_off", state, Urgency.WAITING, act=True)

    return [listed("competence", waiting, context, row, reverse("competence:queue"))]


def expiring_cards(user, context: Context, *, units: bool) -> list[Batch]:
    """Green Cards about to expire: one's own; a coordinator's units' too."""
    cards = GreenCard.objects.current().with_date_status(CardStatus.EXPIRING, context.today)
    cards = cards.visible_to(user) if units else cards.filter(person=user)
    cards = cards.select_related("person", "role").order_by("expires_on", "pk")

    def row(card: GreenCard) -> Row:
        return Row(
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

    url = reverse("competence:matrix") if units else reverse("competence:mine")
    return [listed("competence", cards, context, row, url)]


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

    def row(item: Item) -> Row:
        return Row(
            kind="triage",
            area="backlog",
            title=item.title,
            state=_("New idea to triage · %(unit)s") % {"unit": item.unit.name},
            url=reverse("backlog:detail", args=[item.pk]),
            urgency=Urgency.WAITING,
        )

    url = reverse("backlog:list") + f"?status={ItemStatus.IDEA}"
    return [listed("backlog", ideas, context, row, url)]


# --- catalogues ----------------------------------------------------------------------------


def proposals_to_decide(user, context: Context) -> list[Batch]:
    """The CX owner (and superusers): coordinators' open proposals to change a catalogue,
    longest waiting first."""
    if not may_edit_catalogue(user):
        return []
    proposals = (
        CatalogueProposal.objects.visible_to(user)
        .filter(status=ProposalStatus.OPEN)
        .select_related("unit")
        .order_by("created_at", "pk")
    )

    def row(proposal: CatalogueProposal) -> Row:
        return Row(
            kind="proposal",
            area="catalogues",
            title=proposal.title,
            state=_("%(catalogue)s · from %(unit)s, waiting for your decision")
            % {"catalogue": proposal.get_catalogue_display(), "unit": proposal.unit.name},
            url=reverse("org:proposal", args=[proposal.pk]),
            urgency=Urgency.WAITING,
        )

    url = reverse("org:proposals") + f"?status={ProposalStatus.OPEN}"
    return [listed("catalogues", proposals, context, row, url)]


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


# --- notifications -------------------------------------------------------------------------


def unread_notifications(user, context: Context) -> list[Batch]:
    """What happened to their things and they have not read yet ("your level was
    signed off"), newest first, in their language; opening one marks it read."""
    unread = Notification.objects.of(user).unread().order_by("-created_at", "-pk")

    def row(notification: Notification) -> Row:
        return Row(
            kind=NOTIFICATION,
            area="notifications",
            title=notification.title,
            state=notification.body,
            url=reverse("notifications:open", args=[notification.pk]),
            urgency=Urgency.INFO,
        )

    return [listed("notifications", unread, context, row, reverse("notifications:list"))]


# --- management: what moved ----------------------------------------------------------------


def moved(before: str, now: str) -> str:
    return _("%(before)s → %(now)s") % {"before": before, "now": now}


def unit_dashboard(unit_id: int, section: str) -> str:
    """A section ("history", "plans", "metrics") of the unit's page of the admin
    dashboard."""
    return reverse("admin:insights_unit", args=[unit_id]) + f"#{section}-title"


def management_news(user, context: Context) -> list[Batch]:
    """What moved since management's last visit (`Context.since`), each row linking
    into the admin dashboard: the maturity of units assessed since, metrics with a newer
    figure against their target, and rollouts whose late activities changed."""
    return [maturity_moved(context), rollouts_moved(context), metrics_moved(context)]


def maturity_moved(context: Context) -> Batch:
    """Units with an assessment completed since: their overall score before → now."""
    assessed = Assessment.objects.completed().filter(completed_at__gte=context.since)
    units = Unit.objects.filter(pk__in=assessed.values("unit")).order_by("path")
    shown, total = first(units, context)
    maturity, _dimensions = maturity_by_unit(shown)
    rows = []
    for unit in shown:
        found = maturity[unit.pk]
        before = found.previous_scores.overall if found.previous_scores else None
        level = found.level
        state = moved(figure(before), figure(found.overall))
        if level is not None:
            state += " · " + _("level %(number)s %(name)s") % {
                "number": level.number,
                "name": level.name,
            }
        rows.append(
            Row(
                kind="maturity_moved",
                area="maturity",
                title=str(_("Maturity · %(unit)s") % {"unit": unit.name}),
                state=state,
                url=unit_dashboard(unit.pk, "history"),
                urgency=Urgency.INFO,
            )
        )
    return Batch("maturity", rows, total, reverse("admin:index"))


def rollouts_moved(context: Context) -> Batch:
    """Running plans whose number of late activities changed since: before → now. "Then"
    is read from the activities' history (their status as it was at the last visit)."""
    since_day = timezone.localdate(context.since)
    status_then = (
        Activity.history.filter(id=OuterRef("pk"), history_date__lte=context.since)
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    late_then = (
        Activity.objects.filter(phase__plan=OuterRef("pk"), due_date__lt=since_day)
        .annotate(status_then=Subquery(status_then))
        .filter(status_then__in=Activity.OPEN_STATUSES)
    )
    late_now = Activity.objects.late(context.today).filter(phase__plan=OuterRef("pk"))
    plans = (
        Plan.objects.filter(end_date__gte=since_day)
        .annotate(late=count_of(late_now), late_before=count_of(late_then))
        .exclude(late=F("late_before"))
        .select_related("unit")
        .order_by("-late", "pk")
    )

    def row(plan: Any) -> Row:  # a Plan annotated with late and late_before
        return Row(
            kind="rollout_behind",
            area="plans",
            title=plan.name,
            state=_("Late activities %(moved)s · %(unit)s")
            % {"moved": moved(str(plan.late_before), str(plan.late)), "unit": plan.unit.name},
            url=unit_dashboard(plan.unit_id, "plans"),
            urgency=Urgency.INFO,
        )

    return listed("plans", plans, context, row, reverse("admin:index"))


def count_of(activities) -> Coalesce:
    """The number of `activities` (a queryset with an OuterRef to the plan), as a column."""
    counted = activities.order_by().values("phase__plan").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def metrics_moved(context: Context) -> Batch:
    """The metrics of the organisation and its departments with a figure newer than at
    the last visit: "NPS · Kundservice 32 → 41 (target 40)"."""
    rows = []
    since_day = timezone.localdate(context.since)
    # Every unit is read: a unit's figure counts its sub-units' answers when they are there.
    for move in moved_since(Unit.objects.all(), since_day, context.today):
        if move.unit.depth > 1:
            continue
        now = move.now
        change = moved(figure(move.before.value if move.before else None), figure(now.value))
        if now.target is not None:
            change = _("%(change)s (target %(target)s)") % {
                "change": change,
                "target": figure(now.target),
            }
        rows.append(
            Row(
                kind="metric_moved",
                area="metrics",
                title=f"{move.metric} · {move.unit.name}",
                state=change,
                url=unit_dashboard(move.unit.pk, "metrics"),
                urgency=Urgency.INFO,
            )
        )
    return Batch("metrics", rows[: context.limit], len(rows), reverse("admin:index"))


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
        unread_notifications,
        proposals_to_decide,
    ]
    coordinator = is_coordinator(user)
    if coordinator:
        parts += [
            unit_activities,
            unit_checklists,
            unit_walks,
            walks_to_plan,
            sign_offs_waiting,
            ideas_to_triage,
        ]
    if is_management(user) or user.is_superuser:
        parts.append(management_news)
    batches = [batch for part in parts for batch in part(user, context)]
    batches += expiring_cards(user, context, units=coordinator)
    return batches
