"""The personal competence pages: my competence, a person's competence, the sign-off
queue, a record with its history, the Green Card certificate and the trainee plan.

Who sees what is the model layer's: `Record.objects.visible_to`, `GreenCard.objects.
visible_to` and `visible_person` below (anything else is a 404). Who changes what is
the model layer's too: `Record.sign_off` / `Record.reject` check `may_sign_off` and
`green_card_issue` checks the coordinator; their ValidationErrors come back as form
errors or messages, never as a server error. Management reads everything and changes
nothing: every POST from a management-only account answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.competence.changes import record_changes
from cxlean.competence.forms import (
    AssessForm,
    EvidenceForm,
    GoalFormSet,
    IssueCardForm,
    RejectForm,
    SignOffForm,
    TraineePlanForm,
    level_choices,
)
from cxlean.competence.models import (
    LEVEL_LETTERS,
    CompetenceActivity,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
    green_card_issue,
    may_sign_off,
    people_visible_to,
    requirements_by_role,
)
from cxlean.competence.overview import (
    ActivityRow,
    activity_row,
    card_rows,
    issuable,
    person_overview,
    person_records,
    person_roles,
)
from cxlean.core.names import display_name
from cxlean.core.redirects import safe_next
from cxlean.core.typed import HtmxRequest
from cxlean.core.uploads import upload_response
from cxlean.org.roles import coordinates_unit, is_read_only, sees_everything

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GET_POST = ["GET", "POST"]
QUEUE_PER_PAGE = 50


# --- who may see or change what ----------------------------------------------------------


def refuse_read_only(request: HttpRequest) -> None:
    if is_read_only(request.user):
        raise PermissionDenied(_("Management can read competence but not change it."))


def visible_person(request: HttpRequest, pk: int) -> User:
    """Someone whose competence the viewer sees (`people_visible_to`), else a 404."""
    return get_object_or_404(people_visible_to(request.user).select_related("profile__unit"), pk=pk)


def coordinates_person(user, person) -> bool:
    """A coordinator of the person's unit acts on their competence (never their own)."""
    profile = getattr(person, "profile", None)
    return user.pk != person.pk and profile is not None and coordinates_unit(user, profile.unit)


def visible_record(request: HttpRequest, pk: int) -> Record:
    return get_object_or_404(
        Record.objects.visible_to(request.user).select_related(
            "person__profile__unit", "activity__area", "signed_off_by", "rejected_by"
        ),
        pk=pk,
    )


def level_name(level: int) -> str:
    return str(Level(level).label)


# --- my competence and a person's competence ---------------------------------------------


@require_GET
def my_competence(request: HttpRequest) -> HttpResponse:
    """The signed-in person's activities, Green Card progress and trainee plan."""
    user = request.user
    overview = person_overview(user, timezone.localdate())
    queue_count = Record.objects.for_queue(user).count()
    return render(
        request,
        "competence/mine.html",
        {
            "overview": overview,
            "cards": [(progress, False) for progress in overview.cards],
            "own": True,
            "may_assess": not is_read_only(user),
            "may_act": False,
            "queue_count": queue_count,
            "back": reverse("competence:mine"),
        },
    )


@require_GET
def person_competence(request: HttpRequest, pk: int) -> HttpResponse:
    """Someone else's competence, for their coordinators and management."""
    if pk == request.user.pk:
        return redirect("competence:mine")
    person = visible_person(request, pk)
    return render(request, "competence/person.html", person_context(request, person))


def person_context(request: HttpRequest, person: User) -> dict:
    overview = person_overview(person, timezone.localdate())
    may_act = coordinates_person(request.user, person)
    return {
        "overview": overview,
        "cards": [(progress, may_act and issuable(progress)) for progress in overview.cards],
        "person": person,
        "own": False,
        "may_assess": False,
        "may_act": may_act,
        "back": reverse("competence:person", args=[person.pk]),
    }


# --- the person's own changes: self-assessment and evidence ------------------------------


def own_record(user, activity: CompetenceActivity) -> Record:
    """The user's record in the activity, or a new unsaved one."""
    record = Record.objects.filter(person=user, activity=activity).first()
    return record or Record(person=user, activity=activity)


@require_POST
def assess(request: HtmxRequest, pk: int) -> HttpResponse:
    """Set one's own self-assessment (the one-click raise). With HTMX the answer is the
    activity's new row plus fresh Green Card progress; without JavaScript a redirect."""
    refuse_read_only(request)
    activity = get_object_or_404(CompetenceActivity.objects.select_related("area"), pk=pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        record = own_record(request.user, activity)
        record.assess(form.cleaned_data["level"])
        record.save()
        message, ok = assessed_message(record), True
    else:
        message, ok = _("The self-assessment was not changed: choose a level from the list."), False
    if request.htmx:  # also when invalid: HTMX swaps only successful answers
        return assessed_row(request, activity, message)
    (messages.success if ok else messages.error)(request, message)
    return redirect(f"{reverse('competence:mine')}#activity-{activity.pk}")


def assessed_message(record: Record) -> str:
    values = {"activity": record.activity.title, "level": LEVEL_LETTERS[record.self_level]}
    if record.awaits_sign_off:
        return (
            _("You rate yourself at %(level)s in “%(activity)s”. It now waits for a sign-off.")
            % values
        )
    return _("You rate yourself at %(level)s in “%(activity)s”.") % values


def assessed_row(request: HttpRequest, activity: CompetenceActivity, message: str) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    roles = person_roles(user)
    cards = card_rows(user, roles, requirements_by_role(roles), person_records(user), today)
    context = {
        "row": activity_row(user, activity, today),
        "overview": {"person": user},
        "cards": [(progress, False) for progress in cards],
        "own": True,
        "may_assess": True,
        "may_act": False,
        "back": reverse("competence:mine"),
        "announcement": message,
    }
    return render(request, "competence/assess_response.html", context)


@require_http_methods(GET_POST)
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change the evidence on one's own record (text, link, file)."""
    refuse_read_only(request)
    activity = get_object_or_404(CompetenceActivity.objects.select_related("area"), pk=pk)
    record = own_record(request.user, activity)
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None, request.FILES if posted else None, instance=record
    )
    if posted and form.is_valid():
        form.save()
        messages.success(
            request, _("The evidence for “%(activity)s” is saved.") % {"activity": activity.title}
        )
        return redirect(f"{reverse('competence:mine')}#activity-{activity.pk}")
    return render(
        request,
        "competence/evidence_form.html",
        {"form": form, "activity": activity, "record": record},
    )


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded evidence, to whoever may see the record (files are not public)."""
    record = visible_record(request, pk)
    if not record.evidence_file:
        raise Http404
    try:
        handle = record.evidence_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return upload_response(handle, (record.evidence_file.name or "").rsplit("/", 1)[-1])


# --- sign-off and rejection --------------------------------------------------------------


@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = visible_record(request, pk)
    return render_record(request, record)


def render_record(
    request: HttpRequest,
    record: Record,
    sign_off_form: SignOffForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    user = request.user
    may_act = (
        not is_read_only(user)
        and record.self_level > Level.NOT_STARTED
        and may_sign_off(user, record.person, record.activity, today)
    )
    required = requirements_by_role(person_roles(record.person))[None].get(record.activity_id)
    context = {
        "record": record,
        "row": ActivityRow(record.activity, record, required, today),
        "changes": record_changes(record),
        "may_act": may_act,
        "may_change_evidence": user.pk == record.person_id and not is_read_only(user),
        "sign_off_form": sign_off_form or SignOffForm(record=record),
        "reject_form": reject_form or RejectForm(),
        "next": safe_next(request, ""),
        "person_visible": user.pk == record.person_id
        or sees_everything(user)
        or coordinates_person(user, record.person),
    }
    return render(request, "competence/record_detail.html", context, status=status)


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_read_only(request)
    record = visible_record(request, pk)
    form = SignOffForm(request.POST, record=record)
    if form.is_valid():
        try:
            record.sign_off(request.user, form.cleaned_data["level"])
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return render_record(request, record, sign_off_form=form, status=400)
    messages.success(request, signed_off_message(record))
    return redirect(safe_next(request, reverse("competence:record", args=[record.pk])))


def signed_off_message(record: Record) -> str:
    values = {
        "person": display_name(record.person),
        "activity": record.activity.title,
        "level": LEVEL_LETTERS[record.level],
    }
    if record.expires_on:
        values["until"] = date_format(record.expires_on)
        return (
            _("Signed off: %(person)s at %(level)s in “%(activity)s”, valid until %(until)s.")
            % values
        )
    return _("Signed off: %(person)s at %(level)s in “%(activity)s”.") % values


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_read_only(request)
    record = visible_record(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            record.reject(request.user, form.cleaned_data["rejection_comment"])
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return render_record(request, record, reject_form=form, status=400)
    messages.success(
        request,
        _("Rejected: %(person)s at %(level)s in “%(activity)s”. They see your comment.")
        % {
            "person": display_name(record.person),
            "activity": record.activity.title,
            "level": LEVEL_LETTERS[record.self_level],
        },
    )
    return redirect(safe_next(request, reverse("competence:record", args=[record.pk])))


# --- the sign-off queue ------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    record: Record
    expired: bool
    levels: list[tuple[int, StrOrPromise]]  # what may be signed off: I up to the requested level


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """What waits for this user's sign-off, longest waiting first. Management sees every
    waiting record, without the actions."""
    user = request.user
    records = (
        Record.objects.visible_to(user).awaiting_sign_off()
        if is_read_only(user)
        else Record.objects.for_queue(user)
    )
    records = records.select_related("person__profile__unit", "activity__area").order_by(
        "updated_at", "pk"
    )
    page = Paginator(records, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        QueueRow(record, record.is_expired(today), level_choices(highest=record.self_level))
        for record in page
    ]
    return render(
        request,
        "competence/queue.html",
        {"page": page, "rows": rows, "may_act": not is_read_only(user)},
    )


# --- Green Card --------------------------------------------------------------------------


@require_POST
def issue_card(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator issues (or renews) a Green Card; green_card_issue checks it all."""
    refuse_read_only(request)
    person = visible_person(request, pk)
    if not (request.user.is_superuser or coordinates_person(request.user, person)):
        raise PermissionDenied(
            _("Only a Lean coordinator of the person's unit issues Green Cards.")
        )
    form = IssueCardForm(request.POST, roles=person_roles(person))
    if not form.is_valid():
        messages.error(request, _("Choose which Green Card to issue."))
        return redirect("competence:person", pk=person.pk)
    try:
        card = green_card_issue(person=person, role=form.chosen_role(), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('competence:person', args=[person.pk])}#green-cards")
    messages.success(
        request,
        _("Green Card %(number)s issued to %(person)s, valid until %(until)s.")
        % {
            "number": card.number,
            "person": display_name(person),
            "until": date_format(card.expires_on),
        },
    )
    return redirect("competence:certificate", pk=card.pk)


@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable Green Card with the activities and levels it stands on."""
    card = get_object_or_404(
        GreenCard.objects.visible_to(request.user).select_related(
            "person__profile__unit", "role", "issued_by"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    newer = (
        GreenCard.objects.filter(person=card.person_id, role=card.role_id, pk__gt=card.pk)
        .order_by("-issued_on", "-pk")
        .first()
    )
    return render(
        request,
        "competence/certificate.html",
        {
            "card": card,
            "basis": card_basis(card, today),
            "expired": card.is_expired(today),
            "newer": newer,
        },
    )


@dataclass(frozen=True)
class BasisRow:
    activity: CompetenceActivity
    required: int
    record: Record | None
    expired: bool


def card_basis(card: GreenCard, today) -> list[BasisRow]:
    """The activities the card's role requires (all roles' for the concept card) and
    where the person stands in each."""
    if card.role_id:
        wanted = dict(
            Requirement.objects.filter(role=card.role_id).values_list("activity_id", "level")
        )
    else:
        wanted = requirements_by_role(person_roles(card.person))[None]
    activities = CompetenceActivity.objects.filter(pk__in=wanted).select_related("area")
    records = {
        record.activity_id: record
        for record in Record.objects.filter(
            person=card.person_id, activity__in=wanted
        ).select_related("signed_off_by")
    }
    return [
        BasisRow(
            activity,
            wanted[activity.pk],
            records.get(activity.pk),
            bool(records.get(activity.pk) and records[activity.pk].is_expired(today)),
        )
        for activity in activities
    ]


# --- trainee plan ------------------------------------------------------------------------


@require_http_methods(GET_POST)
def trainee_plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator of the person's unit creates or edits their trainee plan."""
    person = visible_person(request, pk)
    if not coordinates_person(request.user, person):
        raise PermissionDenied(
            _("Only a Lean coordinator of the person's unit can change their trainee plan.")
        )
    plan = TraineePlan.objects.filter(person=person).first() or TraineePlan(person=person)
    data = request.POST if request.method == "POST" else None
    form = TraineePlanForm(data, instance=plan)
    plan_valid = data is not None and form.is_valid()  # also moves the new dates onto `plan`
    goals = GoalFormSet(data, instance=plan, start_date=plan.start_date)
    if plan_valid and goals.is_valid():
        with transaction.atomic():
            form.save()
            goals.save()
        messages.success(
            request,
            _("The trainee plan for %(person)s is saved.") % {"person": display_name(person)},
        )
        return redirect(f"{reverse('competence:person', args=[person.pk])}#trainee-plan")
    return render(
        request,
        "competence/trainee_plan_form.html",
        {"form": form, "goals": goals, "person": person, "plan": plan},
    )


@require_POST
def trainee_plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    person = visible_person(request, pk)
    if not coordinates_person(request.user, person):
        raise PermissionDenied(
            _("Only a Lean coordinator of the person's unit can change their trainee plan.")
        )
    deleted, _rows = TraineePlan.objects.filter(person=person).delete()
    if deleted:
        messages.success(
            request,
            _("The trainee plan for %(person)s is deleted.") % {"person": display_name(person)},
        )
    return redirect("competence:person", pk=person.pk)
