"""The Gemba pages: the walk list, planning a walk, the walk page used on the floor
(follow-ups of the previous walk, questions, observations, "make it an improvement"),
marking a walk done or cancelling it, the printable report, the recurring schedules and
the cadence of walks done against walks planned.

Who sees what and who changes what is the model layer's: `Walk.objects.visible_to`
(anything else is a 404), `walk.can_plan` (coordinators of the walk's unit),
`walk.may_observe` (leader, participants, coordinators), `walk.can_complete` (leader,
coordinators), `improvement_from_observation` (which asks `may_submit`). Visible but not
allowed is a 403; management reads everything and changes nothing. Photos are served
through `observation_photo`, which checks that the viewer sees the walk.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.backlog.models import may_submit
from cxlean.core.announce import announce_made
from cxlean.core.forms import add_model_errors
from cxlean.core.typed import HtmxRequest
from cxlean.gemba.forms import (
    AnswerForm,
    DoneForm,
    ObservationForm,
    ScheduleForm,
    WalkFilterForm,
    WalkForm,
)
from cxlean.gemba.models import (
    Answer,
    Observation,
    Question,
    Walk,
    WalkStatus,
    improvement_from_observation,
)
from cxlean.gemba.queries import (
    cadence_units,
    listed_walks,
    may_plan_walks,
    may_read_cadence,
    may_read_schedules,
    month_bounds,
    open_follow_ups,
    previous_walk,
    upcoming_first,
    visible_schedules,
    visible_walks,
)
from cxlean.gemba.recurrence import generate_for_schedule
from cxlean.gemba.reports import cadence, month_starts, months_back
from cxlean.org.roles import home_unit_id, is_read_only

GET_POST = ["GET", "POST"]
PLANNED_SHOWN = 25
DONE_SHOWN = 10
WALKS_PER_PAGE = 50
CADENCE_MONTHS = 6


def detail_url(walk: Walk) -> str:
    return reverse("gemba:detail", args=[walk.pk])


def observation_url(observation: Observation) -> str:
    return f"{reverse('gemba:detail', args=[observation.walk_id])}#observation-{observation.pk}"


def visible_walk(request: HttpRequest, pk: int) -> Walk:
    return get_object_or_404(
        visible_walks(request.user)
        .select_related("unit", "leader", "touchpoint__stage__journey", "question_set", "schedule")
        .prefetch_related("participants"),
        pk=pk,
    )


def require_planner(request: HttpRequest, walk: Walk) -> None:
    if is_read_only(request.user) or not walk.can_plan(request.user):
        raise PermissionDenied(_("Only a Lean coordinator of the walk's unit can change it."))


def require_observer(request: HttpRequest, walk: Walk) -> None:
    if not walk.may_observe(request.user):
        raise PermissionDenied(
            _("Only the leader, the participants and the unit's Lean coordinators log this walk.")
        )
    if walk.status == WalkStatus.CANCELLED:
        raise PermissionDenied(_("The walk is cancelled."))


def require_completer(request: HttpRequest, walk: Walk) -> None:
    if is_read_only(request.user) or not walk.can_complete(request.user):
        raise PermissionDenied(
            _("Only the walk's leader or a Lean coordinator of its unit can do this.")
        )


# --- the list ----------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    walks: list[Walk]
    more_url: str = ""
    empty: str = ""
    more_text: str = ""


@require_GET
def walk_list(request: HttpRequest) -> HttpResponse:
    """Planned walks (the viewer's own first, overdue ones flagged) and recent done
    ones; with a status filter, every walk of that status, a page at a time."""
    user = request.user
    filters = WalkFilterForm(request.GET)
    chosen = filters.chosen()
    walks = listed_walks(user)
    if "unit" in chosen:
        walks = walks.filter(unit__path__startswith=chosen["unit"].path)
    if "month" in chosen:
        start, end = month_bounds(chosen["month"])
        walks = walks.filter(planned_start__gte=start, planned_start__lt=end)
    page = None
    status = chosen.get("status")
    list_url = reverse("gemba:list")
    if status:
        ordered = walks.filter(status=status)
        ordered = (
            upcoming_first(ordered)
            if status == WalkStatus.PLANNED
            else ordered.order_by("-planned_start", "-pk")
        )
        page = Paginator(ordered, WALKS_PER_PAGE).get_page(request.GET.get("page"))
        sections = [
            Section(
                status,
                str(WalkStatus(status).label),
                list(page.object_list),
                empty=_("No walk matches these filters."),
            )
        ]
    else:
        planned = list(upcoming_first(walks.filter(status=WalkStatus.PLANNED))[: PLANNED_SHOWN + 1])
        done = list(
            walks.filter(status=WalkStatus.DONE).order_by("-planned_start", "-pk")[: DONE_SHOWN + 1]
        )
        sections = [
            Section(
                "planned",
                _("Planned walks"),
                planned[:PLANNED_SHOWN],
                f"{list_url}?{filters.query(status=WalkStatus.PLANNED)}"
                if len(planned) > PLANNED_SHOWN
                else "",
                _("No walk is planned."),
                _("All planned walks"),
            ),
            Section(
                "done",
                _("Recently done"),
                done[:DONE_SHOWN],
                f"{list_url}?{filters.query(status=WalkStatus.DONE)}"
                if len(done) > DONE_SHOWN
                else "",
                _("No walk is done yet."),
                _("All done walks"),
            ),
        ]
    return render(
        request,
        "gemba/walk_list.html",
        {
            "filters": filters,
            "sections": sections,
            "page": page,
            "may_plan": may_plan_walks(user),
            "may_read_schedules": may_read_schedules(user),
            "may_read_cadence": may_read_cadence(user),
        },
    )


# --- planning ----------------------------------------------------------------------------


@require_http_methods(GET_POST)
def walk_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_plan_walks(user):
        raise PermissionDenied(_("Lean coordinators plan Gemba walks."))
    data = request.POST if request.method == "POST" else None
    initial = {
        "unit": home_unit_id(user),
        "leader": user.pk,
        "day": timezone.localdate() + dt.timedelta(days=1),
        "time": dt.time(9, 0),
    }
    form = WalkForm(data, user=user, initial=initial)
    if data is not None and form.is_valid():
        walk = form.save(commit=False)
        walk.created_by = user
        walk.save()
        form.save_m2m()
        messages.success(request, _("The walk “%(where)s” is planned.") % {"where": walk.where})
        return redirect(detail_url(walk))
    return render(request, "gemba/walk_form.html", {"form": form, "walk": None})


@require_http_methods(GET_POST)
def walk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    walk = visible_walk(request, pk)
    require_planner(request, walk)
    data = request.POST if request.method == "POST" else None
    form = WalkForm(data, instance=walk, user=request.user)
    if data is not None and form.is_valid():
        form.save()
        messages.success(request, _("The walk “%(where)s” is saved.") % {"where": walk.where})
        return redirect(detail_url(walk))
    return render(request, "gemba/walk_form.html", {"form": form, "walk": walk})


# --- the walk page -----------------------------------------------------------------------


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    form: AnswerForm | None = None
    saved: str = ""


def question_rows(walk: Walk, *, with_forms: bool) -> list[QuestionRow]:
    """The walk's questions with their answers (and answers to questions of a set the
    walk no longer uses, so that nothing said is hidden)."""
    answers = {
        answer.question_id: answer
        for answer in walk.answers.select_related("question", "answered_by")
    }
    question_set = walk.question_set
    questions = list(question_set.questions.all()) if question_set is not None else []
    rows = [QuestionRow(question, answers.pop(question.pk, None)) for question in questions]
    rows += [QuestionRow(answer.question, answer) for answer in answers.values()]
    if with_forms:
        for row in rows:
            if row.question.question_set_id == walk.question_set_id:
                row.form = AnswerForm(
                    initial={"text": row.answer.text if row.answer else ""},
                    prefix=f"q{row.question.pk}",
                )
    return rows


def walk_observations(walk: Walk):
    return walk.observations.select_related("touchpoint", "improvement", "created_by").order_by(
        "created_at", "pk"
    )


def walk_context(request: HttpRequest, walk: Walk) -> dict:
    user = request.user
    may_observe = walk.may_observe(user) and walk.status != WalkStatus.CANCELLED
    previous = previous_walk(walk, user)
    return {
        "walk": walk,
        "participants": list(walk.participants.all()),
        "may_plan": not is_read_only(user) and walk.can_plan(user),
        "may_observe": may_observe,
        "may_improve": may_observe and may_submit(user, walk.unit),
        "may_complete": not is_read_only(user) and walk.can_complete(user),
        "previous": previous,
        "follow_ups": list(open_follow_ups(previous)) if previous else [],
        "questions": question_rows(walk, with_forms=may_observe),
        "observations": list(walk_observations(walk)),
    }


@require_GET
def walk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    walk = visible_walk(request, pk)
    return render(request, "gemba/walk_detail.html", walk_context(request, walk))


@require_GET
def walk_report(request: HttpRequest, pk: int) -> HttpResponse:
    walk = visible_walk(request, pk)
    context = walk_context(request, walk)
    context["questions"] = question_rows(walk, with_forms=False)
    return render(request, "gemba/walk_report.html", context)


@require_POST
def answer(request: HtmxRequest, pk: int, question_pk: int) -> HttpResponse:
    """Save one answer (an empty one removes it). With HTMX the answer is the question's
    form again, saying it is saved; without, a redirect back to the question."""
    walk = visible_walk(request, pk)
    require_observer(request, walk)
    question = get_object_or_404(Question, pk=question_pk, question_set_id=walk.question_set_id)
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    saved = ""
    found: Answer | None = walk.answers.filter(question=question).first()
    if form.is_valid():
        text = form.cleaned_data["text"].strip()
        if text:
            found, _created = Answer.objects.update_or_create(
                walk=walk, question=question, defaults={"text": text, "answered_by": request.user}
            )
            saved = _("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}
        else:
            if found is not None:
                found.delete()
                found = None
            saved = _("The answer is removed.")
    if request.htmx:
        row = QuestionRow(question, found, form, saved)
        status = 200 if form.is_valid() else 422
        return render(
            request, "gemba/includes/question.html", {"row": row, "walk": walk}, status=status
        )
    if form.is_valid():
        messages.success(request, saved)
    else:
        messages.error(
            request,
            _("The answer was not saved: %(reasons)s")
            % {"reasons": " ".join(map(str, form.errors.get("text", [])))},
        )
    return redirect(f"{detail_url(walk)}#question-{question.pk}")


def parse_token(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


@require_http_methods(GET_POST)
def observation_new(request: HtmxRequest, pk: int) -> HttpResponse:
    """Log an observation. The form carries a one-time token: posting it again (a double
    tap, a retry after the connection dropped) finds the first observation instead of
    making a second one."""
    walk = visible_walk(request, pk)
    require_observer(request, walk)
    if request.method == "GET":
        form = ObservationForm(walk=walk)
        return render(request, "gemba/observation_form.html", {"walk": walk, "form": form})
    data = request.POST.copy()
    token = parse_token(data.get("client_token"))
    if token is not None:
        earlier = Observation.objects.filter(client_token=token).first()
        if earlier is not None and earlier.walk_id == walk.pk:
            messages.info(request, _("This observation was already saved."))
            return redirect(observation_url(earlier))
        if earlier is not None:
            data["client_token"] = ""  # a token of another walk: not this form's
    form = ObservationForm(
        data, request.FILES, walk=walk, instance=Observation(walk=walk, created_by=request.user)
    )
    if form.is_valid():
        try:
            with transaction.atomic():
                observation = form.save()
        except IntegrityError:
            # The same form posted twice at the same moment: the first one won.
            observation = Observation.objects.filter(client_token=token).first()
            if observation is None:
                raise
            messages.info(request, _("This observation was already saved."))
            return redirect(observation_url(observation))
        messages.success(request, _("Your observation is saved."))
        return redirect(observation_url(observation))
    return render(request, "gemba/observation_form.html", {"walk": walk, "form": form})


def visible_observation(request: HttpRequest, pk: int) -> Observation:
    return get_object_or_404(
        Observation.objects.visible_to(request.user).select_related(
            "walk__unit", "improvement", "touchpoint"
        ),
        pk=pk,
    )


@require_POST
def observation_improve(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the observation an improvement idea in the backlog (the second time, the
    same one)."""
    observation = visible_observation(request, pk)
    walk = observation.walk
    if is_read_only(request.user) or not walk.may_observe(request.user):
        raise PermissionDenied(
            _("Only the leader, the participants and the unit's Lean coordinators do this.")
        )
    item, created = improvement_from_observation(observation, request.user)
    announce_made(
        request,
        item.title,
        created,
        made=_("The observation is now an improvement idea in the backlog: “%(title)s”."),
        already=_("This observation is already an improvement: “%(title)s”."),
    )
    return redirect(observation_url(observation))


@require_GET
def observation_photo(request: HttpRequest, pk: int) -> FileResponse:
    """An observation's photo (the display copy; `?original=1` for the upload), to
    whoever sees its walk. Photos are never public media."""
    observation = visible_observation(request, pk)
    original = request.GET.get("original") == "1"
    photo = observation.photo if original or not observation.photo_display else None
    photo = photo or observation.photo_display
    if not photo:
        raise Http404
    try:
        handle = photo.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, filename=posixpath.basename(photo.name or ""))
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- done or cancelled -------------------------------------------------------------------


@require_http_methods(GET_POST)
def walk_done(request: HttpRequest, pk: int) -> HttpResponse:
    walk = visible_walk(request, pk)
    require_completer(request, walk)
    if request.method == "POST":
        form = DoneForm(request.POST)
        if form.is_valid():
            try:
                walk.complete(form.cleaned_data["actual_minutes"], form.cleaned_data["summary"])
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, _("The walk is marked as done. Thank you!"))
                return redirect(detail_url(walk))
    else:
        form = DoneForm(
            initial={
                "actual_minutes": walk.actual_minutes or walk.duration_minutes,
                "summary": walk.summary,
            }
        )
    return render(request, "gemba/walk_done.html", {"walk": walk, "form": form})


@require_http_methods(GET_POST)
def walk_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    walk = visible_walk(request, pk)
    require_completer(request, walk)
    if request.method == "GET":
        return render(request, "gemba/walk_cancel.html", {"walk": walk})
    try:
        walk.cancel()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The walk is cancelled."))
    return redirect(detail_url(walk))


# --- schedules ---------------------------------------------------------------------------


@require_GET
def schedule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_read_schedules(user):
        raise PermissionDenied(_("Lean coordinators and management see the schedules."))
    today = timezone.localdate()
    schedules = list(visible_schedules(user))
    for schedule in schedules:
        upcoming = schedule.occurrences(today, today + dt.timedelta(days=400))
        schedule.next_day = upcoming[0] if upcoming and schedule.active else None
        schedule.may_edit = not is_read_only(user) and schedule.can_edit(user)
        schedule.rule = schedule.rule_text()
    return render(
        request,
        "gemba/schedule_list.html",
        {"schedules": schedules, "may_plan": may_plan_walks(user)},
    )


def save_schedule(request: HttpRequest, form: ScheduleForm) -> HttpResponse:
    schedule = form.save(commit=False)
    if schedule.created_by_id is None:
        schedule.created_by = request.user
    schedule.save()
    planned = generate_for_schedule(schedule, timezone.localdate())
    messages.success(
        request,
        ngettext(
            "The schedule “%(title)s” is saved; %(count)s new walk is planned.",
            "The schedule “%(title)s” is saved; %(count)s new walks are planned.",
            planned,
        )
        % {"title": schedule.title, "count": planned},
    )
    return redirect("gemba:schedules")


@require_http_methods(GET_POST)
def schedule_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_plan_walks(user):
        raise PermissionDenied(_("Lean coordinators plan Gemba walks."))
    data = request.POST if request.method == "POST" else None
    initial = {
        "unit": home_unit_id(user),
        "leader": user.pk,
        "start_time": dt.time(9, 0),
        "starts_on": timezone.localdate(),
        "interval": 2,
    }
    form = ScheduleForm(data, user=user, initial=initial)
    if data is not None and form.is_valid():
        return save_schedule(request, form)
    return render(request, "gemba/schedule_form.html", {"form": form, "schedule": None})


@require_http_methods(GET_POST)
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    schedule = get_object_or_404(visible_schedules(user), pk=pk)
    if is_read_only(user) or not schedule.can_edit(user):
        raise PermissionDenied(_("Only a Lean coordinator of the schedule's unit can change it."))
    data = request.POST if request.method == "POST" else None
    form = ScheduleForm(data, instance=schedule, user=user)
    if data is not None and form.is_valid():
        return save_schedule(request, form)
    return render(request, "gemba/schedule_form.html", {"form": form, "schedule": schedule})


# --- cadence -----------------------------------------------------------------------------


@require_GET
def cadence_page(request: HttpRequest) -> HttpResponse:
    """Walks done against walks planned per unit and month, the last six months."""
    user = request.user
    if not may_read_cadence(user):
        raise PermissionDenied(_("Lean coordinators and management see the cadence of walks."))
    start = months_back(timezone.localdate(), CADENCE_MONTHS)
    rows = cadence(cadence_units(user), start, CADENCE_MONTHS)
    return render(
        request,
        "gemba/cadence.html",
        {"rows": rows, "months": month_starts(start, CADENCE_MONTHS)},
    )
