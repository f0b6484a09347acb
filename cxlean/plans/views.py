"""The rollout plan pages: list, create from the guide, follow, edit, history.

Who sees what is `Plan.objects.visible_to` (anything else is a 404); who changes what
is `Plan.can_edit` (coordinators of the plan's unit) and, for an activity's status,
`Activity.can_update_status` (its owner or a coordinator); otherwise a 403.
Validation is the forms' and models' (see forms.py): a bad form is shown again with
its errors and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.core.forms import error_messages
from cxlean.core.typed import AuthenticatedRequest, HtmxRequest, default_ordering
from cxlean.org.roles import is_coordinator
from cxlean.plans.changes import activity_changes, plan_changes
from cxlean.plans.forms import (
    ActivityForm,
    PhaseForm,
    PlanCreateForm,
    PlanFilterForm,
    PlanForm,
    RescheduleForm,
    StatusForm,
)
from cxlean.plans.models import Activity, Phase, Plan, PlanFigures, PlanQuerySet
from cxlean.plans.services import plan_create_from_guide
from cxlean.plans.timeline import timeline_for

PLANS_PER_PAGE = 25
HISTORY_LIMIT = 100
GET_POST = ["GET", "POST"]

# The detail page's activity filter: ?show=mine|late|blocked (anything else: all).
ACTIVITY_FILTERS = {
    "mine": lambda row: row.mine,
    "late": lambda row: row.late,
    "blocked": lambda row: row.activity.status == Activity.Status.BLOCKED,
}

# --- finding what the user may see or change ---------------------------------------------


def visible_plan(request: HttpRequest, pk: int, plans: PlanQuerySet | None = None) -> Plan:
    plans = Plan.objects.all() if plans is None else plans
    return get_object_or_404(plans.visible_to(request.user), pk=pk)


def editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = visible_plan(request, pk, Plan.objects.select_related("unit"))
    if not plan.can_edit(request.user):
        raise PermissionDenied(_("Only the Lean coordinators of this unit can change the plan."))
    return plan


def editable_activity(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("phase__plan__unit"), pk=pk
    )
    if not activity.can_edit(request.user):
        raise PermissionDenied(_("Only the Lean coordinators of this unit can change the plan."))
    return activity


def editable_phase(request: HttpRequest, pk: int) -> Phase:
    phase = get_object_or_404(
        Phase.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related(
            "plan__unit"
        ),
        pk=pk,
    )
    if not phase.plan.can_edit(request.user):
        raise PermissionDenied(_("Only the Lean coordinators of this unit can change the plan."))
    return phase


def require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only Lean coordinators can start a rollout plan."))


# --- list --------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user can see, with their figures; filtered by unit and period."""
    filters = PlanFilterForm(request.GET)
    plans = (
        Plan.objects.visible_to(request.user)
        .with_figures()
        .select_related("unit", "coordinator")
        .order_by(*default_ordering(Plan), "pk")
    )  # aggregating drops Meta.ordering
    plans = filters.filter(plans, timezone.localdate())
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(plan, PlanFigures.of(plan)) for plan in page]
    return render(
        request,
        "plans/plan_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "may_create": is_coordinator(request.user),
        },
    )


# --- create, edit, delete a plan ---------------------------------------------------------


@require_http_methods(GET_POST)
def plan_create(request: AuthenticatedRequest) -> HttpResponse:
    require_coordinator(request)
    form = PlanCreateForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        plan = create_plan(form)
        messages.success(request, created_message(plan))
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "creating": True})


def create_plan(form: PlanCreateForm) -> Plan:
    if form.cleaned_data["prefill_from_guide"]:
        return plan_create_from_guide(**form.plan_arguments())
    return form.save()


def created_message(plan: Plan) -> str:
    counts = plan.phases.aggregate(
        phases=Count("pk", distinct=True), activities=Count("activities")
    )
    if not counts["phases"]:
        return _("The rollout plan “%(name)s” is created. Add its phases and activities.") % {
            "name": plan.name
        }
    return _(
        "The rollout plan “%(name)s” is created with %(phases)d phases and %(activities)d "
        "activities from the guide. Give the activities owners and adjust their dates."
    ) % {"name": plan.name, **counts}


@require_http_methods(GET_POST)
def plan_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    form = PlanForm(
        request.POST if request.method == "POST" else None, instance=plan, user=request.user
    )
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("The rollout plan is saved."))
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@require_http_methods(GET_POST)
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    if request.method == "POST":
        name = plan.name
        plan.delete()
        messages.success(request, _("The rollout plan “%(name)s” is deleted.") % {"name": name})
        return redirect("plans:list")
    counts = plan.phases.aggregate(
        phases=Count("pk", distinct=True), activities=Count("activities")
    )
    return render(request, "plans/plan_confirm_delete.html", {"plan": plan, **counts})


# --- follow a plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    """An activity as one person sees it in the plan's table."""

    activity: Activity
    may_update_status: bool
    mine: bool
    late: bool


def activity_row(activity: Activity, user) -> ActivityRow:
    return ActivityRow(
        activity=activity,
        may_update_status=activity.can_update_status(user),
        mine=activity.owner_id == user.pk,
        late=activity.is_late,
    )


@dataclass(frozen=True)
class PhaseSection:
    phase: Phase
    rows: list[ActivityRow]
    total: int


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who does what and when: figures, timeline, and the phases with their activities."""
    plan = visible_plan(request, pk, Plan.objects.for_detail())
    show = request.GET.get("show", "")
    show = show if show in ACTIVITY_FILTERS else ""
    context = plan_context(request, plan) | {"show": show}
    context["sections"] = phase_sections(context["phases"], request.user, show)
    context["shown_count"] = sum(len(section.rows) for section in context["sections"])
    context["mine_count"] = count_owned(context["phases"], request.user)
    return render(request, "plans/plan_detail.html", context)


def plan_context(request: HttpRequest, plan: Plan) -> dict:
    """What the figures and the timeline need (shared with the status update's answer)."""
    phases = list(plan.phases_with_activities())
    return {
        "plan": plan,
        "figures": PlanFigures.of(plan),
        "phases": phases,
        "timeline": timeline_for(plan, phases, timezone.localdate()),
        "may_edit": plan.can_edit(request.user),
        "status_choices": Activity.Status.choices,
    }


def phase_sections(phases: list[Phase], user, show: str) -> list[PhaseSection]:
    keep = ACTIVITY_FILTERS.get(show, lambda row: True)
    sections = []
    for phase in phases:
        rows = [activity_row(activity, user) for activity in phase.activities.all()]
        sections.append(PhaseSection(phase, [row for row in rows if keep(row)], len(rows)))
    return sections


def count_owned(phases: list[Phase], user) -> int:
    return sum(
        activity.owner_id == user.pk for phase in phases for activity in phase.activities.all()
    )


@require_POST
def activity_status(request: HtmxRequest, pk: int) -> HttpResponse:
    """The owner (or a coordinator) sets an activity's status. With HTMX the answer is
    the activity's new table row plus fresh figures and timeline (swapped out of band);
    without JavaScript a redirect back to the plan."""
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("phase__plan__unit", "owner"),
        pk=pk,
    )
    if not activity.can_update_status(request.user):
        raise PermissionDenied(
            _(
                "Only the owner of the activity or a Lean coordinator of this "
                "unit can change its status."
            )
        )
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render(
            request, "plans/status_invalid.html", {"activity": activity, "form": form}, status=400
        )
    activity.status = form.cleaned_data["status"]
    activity.save(update_fields=["status"])
    saved = _("“%(title)s” is now %(status)s.") % {
        "title": activity.title,
        "status": activity.get_status_display().lower(),
    }
    plan_url = reverse("plans:detail", args=[activity.phase.plan_id])
    if not request.htmx:
        messages.success(request, saved)
        return redirect(f"{plan_url}#activity-{activity.pk}")
    return status_updated(request, activity, saved)


def status_updated(request: HttpRequest, activity: Activity, saved: str) -> HttpResponse:
    plan = Plan.objects.for_detail().get(pk=activity.phase.plan_id)
    context = plan_context(request, plan)
    fresh = next(
        a for phase in context["phases"] for a in phase.activities.all() if a.pk == activity.pk
    )
    context |= {"row": activity_row(fresh, request.user), "saved": saved}
    return render(request, "plans/activity_status_response.html", context)


@require_POST
def activity_reschedule(request: HtmxRequest, pk: int) -> HttpResponse:
    """A coordinator moves an activity by whole days: a drag or the arrow keys on the
    timeline, or the small form beside it. The rules are the activity form's (see
    `RescheduleForm`); a refused move changes nothing. With HTMX the answer is the fresh
    timeline (status 422 when refused) with the activity's row and the figures out of
    band; without JavaScript a redirect back to the timeline with a message."""
    plan = editable_plan(request, pk)
    form = RescheduleForm(request.POST, plan=plan)
    moved = form.is_valid()
    if moved:
        activity = form.save()
        message = _("“%(title)s” now runs from %(start)s to %(due)s.") % {
            "title": activity.title,
            "start": date_format(activity.start_date),
            "due": date_format(activity.due_date),
        }
    else:
        message = " ".join(error_messages(form))
        if chosen := form.cleaned_data.get("activity"):
            message = " ".join([_("“%(title)s” was not moved.") % {"title": chosen.title}, message])
    if not request.htmx:
        (messages.success if moved else messages.error)(request, message)
        return redirect(f"{reverse('plans:detail', args=[plan.pk])}#timeline")
    return rescheduled(request, plan, form, message, moved)


def rescheduled(
    request: HttpRequest, plan: Plan, form: RescheduleForm, message: str, moved: bool
) -> HttpResponse:
    """The timeline drawn afresh, with the outcome; the moved activity's row and focus."""
    context = plan_context(request, Plan.objects.for_detail().get(pk=plan.pk))
    chosen = form.cleaned_data.get("activity")
    fresh = next(
        (a for phase in context["phases"] for a in phase.activities.all() if a == chosen), None
    )
    context |= {
        "row": activity_row(fresh, request.user) if fresh else None,
        "timeline_message": message,
        "timeline_refused": not moved,
        "focus_activity": chosen.pk if chosen else "",
    }
    return render(
        request, "plans/activity_reschedule_response.html", context, status=200 if moved else 422
    )


# --- phases and activities ---------------------------------------------------------------


@require_http_methods(GET_POST)
def phase_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    return phase_form_page(request, plan, PhaseForm(form_data(request), plan=plan))


@require_http_methods(GET_POST)
def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phase = editable_phase(request, pk)
    form = PhaseForm(form_data(request), instance=phase, plan=phase.plan)
    return phase_form_page(request, phase.plan, form)


@require_http_methods(GET_POST)
def phase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    phase = editable_phase(request, pk)
    plan = phase.plan
    if request.method == "POST":
        title = phase.title
        phase.delete()
        messages.success(request, _("The phase “%(title)s” is deleted.") % {"title": title})
        return redirect("plans:detail", pk=plan.pk)
    # Activities in other phases that wait for this phase's activities stop waiting.
    dependents = (
        Activity.objects.filter(depends_on__phase=phase)
        .exclude(phase=phase)
        .distinct()
        .order_by("start_date", "pk")
    )
    return render(
        request,
        "plans/phase_confirm_delete.html",
        {
            "phase": phase,
            "plan": plan,
            "activity_count": phase.activities.count(),
            "dependents": dependents,
        },
    )


def phase_form_page(request: HttpRequest, plan: Plan, form: PhaseForm) -> HttpResponse:
    if form.is_bound and form.is_valid():
        phase = form.save()
        messages.success(request, _("The phase “%(title)s” is saved.") % {"title": phase.title})
        return redirect(f"{reverse('plans:detail', args=[plan.pk])}#phase-{phase.pk}")
    return render(request, "plans/phase_form.html", {"form": form, "plan": plan})


@require_http_methods(GET_POST)
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    if not plan.phases.exists():
        messages.info(request, _("Add a phase first: every activity belongs to a phase."))
        return redirect("plans:phase_create", pk=plan.pk)
    form = ActivityForm(
        form_data(request), plan=plan, initial={"phase": request.GET.get("phase", "")}
    )
    return activity_form_page(request, plan, form)


@require_http_methods(GET_POST)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = editable_activity(request, pk)
    plan = activity.phase.plan
    form = ActivityForm(form_data(request), instance=activity, plan=plan)
    return activity_form_page(request, plan, form, changes=activity_changes(activity))


def activity_form_page(
    request: HttpRequest, plan: Plan, form: ActivityForm, changes: list | None = None
) -> HttpResponse:
    if form.is_bound and form.is_valid():
        activity = form.save()
        messages.success(
            request, _("The activity “%(title)s” is saved.") % {"title": activity.title}
        )
        return redirect(f"{reverse('plans:detail', args=[plan.pk])}#activity-{activity.pk}")
    return render(
        request,
        "plans/activity_form.html",
        {"form": form, "plan": plan, "activity": form.instance, "changes": changes},
    )


@require_http_methods(GET_POST)
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = editable_activity(request, pk)
    plan = activity.phase.plan
    if request.method == "POST":
        title = activity.title
        activity.delete()
        messages.success(request, _("The activity “%(title)s” is deleted.") % {"title": title})
        return redirect("plans:detail", pk=plan.pk)
    dependents = activity.dependents.order_by("start_date")
    return render(
        request,
        "plans/activity_confirm_delete.html",
        {"activity": activity, "plan": plan, "dependents": dependents},
    )


def form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- history -----------------------------------------------------------------------------


@require_GET
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what and when in the plan, its phases and its activities."""
    plan = visible_plan(request, pk, Plan.objects.select_related("unit"))
    changes = plan_changes(plan, limit=HISTORY_LIMIT)
    return render(
        request,
        "plans/plan_history.html",
        {
            "plan": plan,
            "changes": changes,
            "limit": HISTORY_LIMIT,
            "may_edit": plan.can_edit(request.user),
        },
    )
