"""The competence matrix page, and signing off straight from one of its cells.

Who appears is `matrix.matrix_people` (a coordinator's units; everyone for management
and superusers); employees get 403 and use "My competence". A cell's sign-off form is
served to whoever `may_sign_off` allows, except management, who only reads. The form
works with HTMX (a dialog over the matrix; the answer is the new cell plus its Green
Card and coverage cells) and without JavaScript (a page of its own, then back to the
matrix). Record.sign_off / Record.reject keep the last word on the rules.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from cxlean.competence.forms import RejectForm, level_choices
from cxlean.competence.matrix import (
    CellWriter,
    Column,
    build_matrix,
    coverage_by_activity,
    filtered_people,
    matrix_people,
    may_act_in_matrix,
    may_view_matrix,
    person_best_card,
    single_cell,
)
from cxlean.competence.models import (
    LEVEL_LETTERS,
    LEVEL_SYMBOLS,
    Area,
    CompetenceActivity,
    Record,
    may_sign_off,
)
from cxlean.competence.views import signed_off_message
from cxlean.core.forms import UnitChoiceField
from cxlean.core.names import display_name
from cxlean.core.typed import HtmxRequest, form_field
from cxlean.org.forms import CXRoleChoiceField
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, sees_everything

# The query parameters of the matrix a cell link carries, so the way back keeps them.
MATRIX_PARAMS = ("unit", "role", "area", "page", "view")
SIGN_OFF, REJECT = "sign_off", "reject"


class MatrixFilterForm(forms.Form):
    """The matrix's filters. Invalid values are reported and ignored, never a 500."""

    unit = UnitChoiceField(
        label=gettext_lazy("Unit and its sub-units"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    role = CXRoleChoiceField(empty_label=gettext_lazy("All CX roles"))
    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=Area.objects.all(),
        required=False,
        empty_label=gettext_lazy("All areas"),
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.all() if sees_everything(viewer) else coordinated_units(viewer)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units.order_by("path")

    def chosen(self) -> dict:
        """The valid filters as keyword arguments of build_matrix."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return {name: self.cleaned_data.get(name) for name in ("unit", "role", "area")}


class CellSignOffForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("Level to sign off"),
        choices=level_choices(),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a level from I to O to sign off."),
            "invalid_choice": gettext_lazy("Choose a level from I to O to sign off."),
        },
    )


def require_matrix_viewer(request: HttpRequest) -> None:
    if not may_view_matrix(request.user):
        raise PermissionDenied(_("The competence matrix is for Lean coordinators and management."))


def matrix_query(request: HttpRequest) -> str:
    """The matrix's filters and page as a query string ("?unit=3&page=2", or "")."""
    params = QueryDict(mutable=True)
    for name in MATRIX_PARAMS:
        if request.GET.get(name):
            params[name] = request.GET[name]
    return f"?{params.urlencode()}" if params else ""


def view_query(request: HttpRequest) -> dict[str, str]:
    """The query strings of the two views (grid, per person) with the same filters."""
    params = request.GET.copy()
    params.pop("view", None)
    params.pop("page", None)
    grid = params.urlencode()
    params["view"] = "people"
    return {"grid": f"?{grid}" if grid else "", "people": f"?{params.urlencode()}"}


def cell_url(person_id: int, activity_id: int) -> str:
    return reverse("competence:matrix_cell", args=[person_id, activity_id])


# --- the matrix --------------------------------------------------------------------------


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    require_matrix_viewer(request)
    viewer = request.user
    filters = MatrixFilterForm(request.GET, viewer=viewer)
    grid = build_matrix(
        viewer=viewer, **filters.chosen(), today=timezone.localdate(), page=request.GET.get("page")
    )
    links = cell_url if may_act_in_matrix(viewer) else None
    writer = CellWriter(grid.columns, links, matrix_query(request))
    # The grid, or one list per person (readable on a phone): the same cells either way.
    per_person = request.GET.get("view") == "people"
    for row in grid.rows:
        row.html = writer.listing(row) if per_person else writer.row(row)
    return render(
        request,
        "competence/matrix.html",
        {
            "filters": filters,
            "matrix": grid,
            "page": grid.page,
            "may_act": may_act_in_matrix(viewer),
            "per_person": per_person,
            "view_query": view_query(request),
        },
    )


# --- one cell: sign off or reject --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cell(request: HtmxRequest, person: int, activity: int) -> HttpResponse:
    """GET: the sign-off form of one cell; POST: sign off or reject, then the new cell
    (HTMX) or back to the matrix."""
    require_matrix_viewer(request)
    viewer = request.user
    someone = get_object_or_404(matrix_people(viewer).select_related("profile__unit"), pk=person)
    task = get_object_or_404(CompetenceActivity.objects.select_related("area"), pk=activity)
    today = timezone.localdate()
    if not (may_act_in_matrix(viewer) and may_sign_off(viewer, someone, task, today)):
        raise PermissionDenied(_("You may not sign off this record."))
    record = Record.objects.filter(person=someone, activity=task).first()
    if request.method == "POST":
        return cell_post(request, someone, task, record)
    return render_cell_form(request, someone, task, record)


def cell_post(
    request: HtmxRequest,
    person: User,
    activity: CompetenceActivity,
    record: Record | None,
) -> HttpResponse:
    action = request.POST.get("action", SIGN_OFF)
    if action not in (SIGN_OFF, REJECT):
        return render_cell_form(
            request, person, activity, record, error=_("Unknown action."), status=400
        )
    form = RejectForm(request.POST) if action == REJECT else CellSignOffForm(request.POST)
    if form.is_valid():
        try:
            message = (
                reject_record(request.user, record, form.cleaned_data["rejection_comment"])
                if action == REJECT
                else sign_off_record(request.user, person, activity, form.cleaned_data["level"])
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        forms_ = {"reject_form" if action == REJECT else "sign_off_form": form}
        reasons = " ".join(map(str, form.non_field_errors()))
        return render_cell_form(
            request, person, activity, record, error=reasons, status=400, **forms_
        )
    if request.htmx:
        return saved_cell(request, person, activity, message)
    messages.success(request, message)
    return redirect(back_to_matrix(request, person.pk, activity.pk))


def sign_off_record(by, person: User, activity: CompetenceActivity, level: int) -> str:
    """Sign off, creating the record if the person has none yet. A refused sign-off
    leaves no new record behind (the savepoint rolls back)."""
    with transaction.atomic():
        record, _created = Record.objects.get_or_create(person=person, activity=activity)
        record.person, record.activity = person, activity  # already loaded
        record.sign_off(by, level)
    return signed_off_message(record)


def reject_record(by, record: Record | None, comment: str) -> str:
    if record is None:
        raise ValidationError(_("Nothing waits for a sign-off on this record."))
    record.reject(by, comment)
    return _("Rejected: %(person)s at %(level)s in “%(activity)s”. They see your comment.") % {
        "person": display_name(record.person),
        "activity": record.activity.title,
        "level": LEVEL_LETTERS[record.self_level],
    }


def back_to_matrix(request: HttpRequest, person_id: int, activity_id: int) -> str:
    return f"{reverse('competence:matrix')}{matrix_query(request)}#c-{person_id}-{activity_id}"


def render_cell_form(
    request: HtmxRequest,
    person: User,
    activity: CompetenceActivity,
    record: Record | None,
    *,
    sign_off_form: forms.Form | None = None,
    reject_form: forms.Form | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    cell = single_cell(person, activity, today)
    proposed = cell.self_level or cell.level or None
    context = {
        "person": person,
        "name": display_name(person),
        "activity": activity,
        "record": record,
        "cell": cell,
        "required_letter": LEVEL_LETTERS[cell.required] if cell.required else "",
        "levels": [
            (value, LEVEL_SYMBOLS[value], LEVEL_LETTERS[value], label)
            for value, label in level_choices()
        ],
        "sign_off_form": sign_off_form or CellSignOffForm(initial={"level": proposed}),
        "reject_form": reject_form or RejectForm(),
        "error": error,
        "action": cell_url(person.pk, activity.pk) + matrix_query(request),
        "back": back_to_matrix(request, person.pk, activity.pk),
        "in_dialog": bool(request.htmx),
    }
    if request.htmx:
        if status == 400:
            # 422 for HTMX: the matrix page swaps it into the dialog, while 400 is taken
            # over by django-htmx's debug error page in development.
            status = 422
        response = render(request, "competence/matrix_cell_form.html", context, status=status)
        if status != 200:  # show the errors in the dialog instead of replacing the cell
            retarget(response, "#matrix-dialog-body")
            reswap(response, "innerHTML")
        return response
    return render(request, "competence/matrix_cell.html", context, status=status)


def saved_cell(
    request: HttpRequest, person: User, activity: CompetenceActivity, message: str
) -> HttpResponse:
    """The new cell for HTMX, with the person's Green Card and the activity's coverage
    swapped out of band (both may have changed)."""
    today = timezone.localdate()
    viewer = request.user
    filters = MatrixFilterForm(request.GET, viewer=viewer).chosen()
    people = filtered_people(viewer, unit=filters["unit"], role=filters["role"])
    column = Column(
        activity, coverage_by_activity(people, [activity.pk], today).get(activity.pk, 0)
    )
    writer = CellWriter([column], cell_url, matrix_query(request))
    html = writer.cell(single_cell(person, activity, today), escape(display_name(person)), True)
    context = {
        "cell_html": mark_safe(html),  # written by CellWriter, which escapes
        "person": person,
        "card": person_best_card(person, today),
        "roles": person.profile.cx_roles.count(),
        "column": column,
    }
    response = render(request, "competence/matrix_cell_saved.html", context)
    return trigger_client_event(
        response,
        "matrixCellSaved",
        {"cell": f"c-{person.pk}-{activity.pk}", "message": message},
        after="settle",
    )
