"""The checklist pages: my checklists (tick items off, with HTMX), an assignment with
its people's progress, a note and evidence on an item, assigning a template, changing
or removing an assignment, the progress overview and the templates.

Who sees what is the model layer's: `Assignment.objects.visible_to` (anything else is
a 404), `Completion.objects.visible_to`, and `cxlean.checklists.progress.row_filter`
for whose progress shows. Who changes what too: `may_assign`, `Assignment.can_manage`,
`Assignment.may_tick` (only the assignee ticks; visible but not allowed is a 403),
and `tick`, whose refusals come back as messages and change nothing. Management reads
everything and changes nothing. My checklists and the progress page run a constant
number of queries whatever the number of people, assignments and items.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.checklists.forms import AssignForm, AssignmentForm, CompletionForm, ProgressFilterForm
from cxlean.checklists.models import (
    Assignment,
    Completion,
    TemplateItem,
    completion_for,
    may_assign,
    tick,
)
from cxlean.checklists.progress import (
    Checklist,
    checklist_of,
    checklists_of,
    in_units,
    overall,
    progress_rows,
    summarise,
    templates_with_items,
)
from cxlean.core.forms import add_model_errors
from cxlean.core.history import object_changes
from cxlean.core.redirects import safe_next
from cxlean.core.typed import HtmxRequest
from cxlean.core.uploads import upload_response
from cxlean.org.roles import is_coordinator, is_read_only, sees_everything

GET_POST = ["GET", "POST"]
ROWS_PER_PAGE = 100
ASSIGNMENT_HISTORY_FIELDS = ["template", "unit", "person", "role", "due_date"]


# --- who may see or change what ----------------------------------------------------------


def may_follow(user) -> bool:
    """The progress overview: coordinators (their units) and management (everything)."""
    return sees_everything(user) or is_coordinator(user)


def visible_assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "template__role", "template__step", "unit", "role", "person", "assigned_by"
        ),
        pk=pk,
    )


def checklist_item(assignment: Assignment, item_pk: int) -> TemplateItem:
    items = TemplateItem.objects.filter(template=assignment.template_id)
    return get_object_or_404(items, pk=item_pk)


def require_ticker(request: HttpRequest, assignment: Assignment) -> None:
    if not assignment.may_tick(request.user):
        raise PermissionDenied(_("Only the person the checklist is assigned to ticks it off."))


def require_manager(request: HttpRequest, assignment: Assignment) -> None:
    if not assignment.can_manage(request.user):
        raise PermissionDenied(_("Only a Lean coordinator of the assignment's unit can change it."))


def detail_url(assignment: Assignment) -> str:
    return reverse("checklists:assignment", args=[assignment.pk])


def item_anchor(assignment: Assignment, item: TemplateItem) -> str:
    return f"item-{assignment.pk}-{item.pk}"


# --- my checklists -----------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's checklists: open ones first, by due date."""
    user = request.user
    checklists = checklists_of(user, timezone.localdate())
    return render(
        request,
        "checklists/mine.html",
        {
            "checklists": checklists,
            "open_count": sum(not checklist.progress.complete for checklist in checklists),
            "overdue_count": sum(checklist.progress.overdue for checklist in checklists),
            "may_tick": not is_read_only(user),
            "may_assign": may_assign(user) and not is_read_only(user),
            "may_follow": may_follow(user),
        },
    )


def own_checklist(user, assignment: Assignment) -> Checklist:
    return checklists_of(user, timezone.localdate(), Assignment.objects.filter(pk=assignment.pk))[0]


@require_POST
def tick_item(request: HtmxRequest, pk: int, item_pk: int) -> HttpResponse:
    """Tick an item off (done=1) or untick it (done=0). With HTMX the answer is the
    item's new row and the checklist's progress; without JavaScript a redirect back."""
    assignment = visible_assignment(request, pk)
    item = checklist_item(assignment, item_pk)
    require_ticker(request, assignment)
    done = request.POST.get("done") == "1"
    error = ""
    try:
        tick(assignment, item, request.user, done=done)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    message = error or ticked_message(item, done)
    if request.htmx:  # also when refused: HTMX swaps only successful answers
        return ticked_row(request, assignment, item, message, error)
    (messages.error if error else messages.success)(request, message)
    default = f"{reverse('checklists:mine')}#{item_anchor(assignment, item)}"
    return redirect(safe_next(request, default))


def ticked_message(item: TemplateItem, done: bool) -> str:
    if done:
        return _("“%(item)s” is ticked off.") % {"item": item.text}
    return _("“%(item)s” is no longer ticked off.") % {"item": item.text}


def ticked_row(
    request: HttpRequest, assignment: Assignment, item: TemplateItem, message: str, error: str
) -> HttpResponse:
    checklist = own_checklist(request.user, assignment)
    state = next(state for state in checklist.items if state.item.pk == item.pk)
    context = {
        "checklist": checklist,
        "state": state,
        "may_tick": True,
        "error": error,
        "announcement": message,
        "next": safe_next(request, ""),
    }
    return render(request, "checklists/tick_response.html", context)


@require_http_methods(GET_POST)
def item_note(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The note and the evidence file on one item of one's own checklist; "Save and
    tick off" does both at once (an item that needs evidence gets its file here)."""
    assignment = visible_assignment(request, pk)
    item = checklist_item(assignment, item_pk)
    require_ticker(request, assignment)
    completion = completion_for(assignment, item, request.user)
    posted = request.method == "POST"
    # The form works on a copy: a refused upload must not show as the saved evidence.
    form = CompletionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=completion_for(assignment, item, request.user),
    )
    if posted and form.is_valid():
        done = True if "tick" in request.POST else None
        try:
            tick(
                assignment,
                item,
                request.user,
                done=done,
                note=form.cleaned_data["note"],
                evidence=evidence_change(form),
            )
        except ValidationError as refused:
            add_model_errors(form, refused)
        else:
            saved = (
                _("“%(item)s” is saved and ticked off.")
                if done
                else _("Your note and evidence for “%(item)s” are saved.")
            )
            messages.success(request, saved % {"item": item.text})
            default = f"{reverse('checklists:mine')}#{item_anchor(assignment, item)}"
            return redirect(safe_next(request, default))
    return render(
        request,
        "checklists/item_note.html",
        {
            "assignment": assignment,
            "item": item,
            "completion": completion,
            "form": form,
            "next": safe_next(request, ""),
        },
    )


def evidence_change(form: CompletionForm):
    """The new file, False to remove the file ("clear"), None to keep it."""
    evidence = form.cleaned_data.get("evidence")
    if evidence is False:
        return ""
    return evidence if "evidence" in form.changed_data else None


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to whoever may see the tick (files are not public)."""
    completion = get_object_or_404(Completion.objects.visible_to(request.user), pk=pk)
    if not completion.evidence:
        raise Http404
    try:
        handle = completion.evidence.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return upload_response(handle, completion.evidence_name)


# --- one assignment ----------------------------------------------------------------------


@require_GET
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist as assigned: your own ticks if it reaches you, and for those who
    follow progress each person's (`?person=<id>` shows one person's items)."""
    assignment = visible_assignment(request, pk)
    user = request.user
    today = timezone.localdate()
    rows = progress_rows(Assignment.objects.filter(pk=assignment.pk), viewer=user, today=today)
    own = next((row for row in rows if row.person.pk == user.pk), None)
    shown = own and own_checklist(user, assignment)
    person = chosen_person(request, rows)
    if person is not None and person.pk != user.pk:
        shown = person_checklist(person, assignment, today)
    own_view = shown is not None and (person is None or person.pk == user.pk)
    return render(
        request,
        "checklists/assignment_detail.html",
        {
            "assignment": assignment,
            "rows": [row for row in rows if may_follow(user) or row.person.pk == user.pk],
            "summary": overall(rows),
            "checklist": shown,
            "person": person,
            "own": own_view,
            "may_tick": own_view and assignment.may_tick(user),
            "may_manage": assignment.can_manage(user),
            "may_follow": may_follow(user),
            "items": list(assignment.template.items.all()),
            "changes": object_changes(
                assignment, ASSIGNMENT_HISTORY_FIELDS, str(assignment.template)
            ),
        },
    )


def chosen_person(request: HttpRequest, rows) -> User | None:
    """`?person=` among the rows the viewer may see; any other id is a 404."""
    wanted = request.GET.get("person", "")
    if not wanted:
        return None
    row = next((row for row in rows if str(row.person.pk) == wanted), None)
    if row is None or not (may_follow(request.user) or row.person.pk == request.user.pk):
        raise Http404
    return row.person


def person_checklist(person: User, assignment: Assignment, today) -> Checklist:
    completions = {
        (completion.assignment_id, completion.item_id): completion
        for completion in Completion.objects.filter(assignment=assignment, person=person)
    }
    return checklist_of(assignment, list(assignment.template.items.all()), completions, today)


# --- assigning ---------------------------------------------------------------------------


@require_http_methods(GET_POST)
def assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_read_only(user) or not may_assign(user):
        raise PermissionDenied(_("Only Lean coordinators assign checklists."))
    data = request.POST if request.method == "POST" else None
    form = AssignForm(data, user=user, initial={"template": request.GET.get("template")})
    if data is not None and form.is_valid() and (made := form.save()):
        messages.success(request, assigned_message(made))
        return redirect(detail_url(made[0]) if len(made) == 1 else reverse("checklists:progress"))
    return render(request, "checklists/assign.html", {"form": form})


def assigned_message(made: list[Assignment]) -> str:
    first = made[0]
    if len(made) == 1:
        return _("“%(template)s” is assigned to %(target)s.") % {
            "template": first.template,
            "target": first.target_name,
        }
    return ngettext(
        "“%(template)s” is assigned to %(count)d person.",
        "“%(template)s” is assigned to %(count)d people.",
        len(made),
    ) % {"template": first.template, "count": len(made)}


@require_http_methods(GET_POST)
def assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request, pk)
    require_manager(request, assignment)
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, instance=assignment)
    if data is not None and form.is_valid():
        form.save()
        messages.success(request, _("The due date is changed."))
        return redirect(detail_url(assignment))
    return render(
        request, "checklists/assignment_form.html", {"form": form, "assignment": assignment}
    )


@require_http_methods(GET_POST)
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request, pk)
    require_manager(request, assignment)
    if request.method == "POST":
        name = str(assignment)
        assignment.delete()
        messages.success(request, _("“%(assignment)s” is removed.") % {"assignment": name})
        return redirect("checklists:progress")
    return render(request, "checklists/assignment_delete.html", {"assignment": assignment})


# --- progress ----------------------------------------------------------------------------


@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """Progress per unit, role and person, and every person × assignment, for
    coordinators (the people of their units) and management (everyone)."""
    user = request.user
    if not may_follow(user):
        raise PermissionDenied(_("The progress overview is for Lean coordinators and management."))
    filters = ProgressFilterForm(request.GET, viewer=user)
    chosen = filters.chosen()
    rows = filtered_rows(user, chosen)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "checklists/progress.html",
        {
            "filters": filters,
            "rows": list(page),
            "page": page,
            "by_unit": summarise(rows, "unit"),
            "by_role": summarise(rows, "role"),
            "by_person": summarise(rows, "person"),
            "overdue_count": sum(row.progress.overdue for row in rows),
            "people_count": len({row.person.pk for row in rows}),
            "may_assign": may_assign(user) and not is_read_only(user),
        },
    )


def filtered_rows(user, chosen: dict) -> list:
    assignments: QuerySet[Assignment] = Assignment.objects.visible_to(user)
    if "template" in chosen:
        assignments = assignments.filter(template=chosen["template"])
    unit = chosen.get("unit")
    if unit is not None:
        assignments = in_units(assignments, unit)
    rows = progress_rows(assignments, viewer=user, today=timezone.localdate())
    if unit is not None:
        rows = [row for row in rows if row.unit is not None and row.unit.is_within(unit)]
    if "role" in chosen:
        rows = [row for row in rows if row.role.pk == chosen["role"].pk]
    if chosen.get("overdue"):
        rows = [row for row in rows if row.progress.overdue]
    return rows


# --- the templates -----------------------------------------------------------------------


@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    """Every checklist template with its items, by CX role."""
    user = request.user
    return render(
        request,
        "checklists/templates.html",
        {
            "templates": list(templates_with_items()),
            "may_assign": may_assign(user) and not is_read_only(user),
        },
    )
