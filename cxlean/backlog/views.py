"""The improvement backlog's pages: the list, the PDCA board, the impact-versus-
feasibility chart, submitting an idea, an item with its history, comments and
attachments, editing it and moving it through the workflow.

Who sees what and who changes what is the model layer's: `Item.objects.visible_to`
(anything else is a 404), `may_submit`, `item.can_manage`, `item.can_edit_plan`,
`item.can_comment`, `item.allowed_moves` (visible but not allowed is a 403), and
`item.move`, whose refusals come back as messages and change nothing. Management reads
everything and changes nothing. The list, board and chart run a constant number of
queries whatever the size of the backlog.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from cxlean.backlog.chart import build_chart
from cxlean.backlog.forms import (
    SORTS,
    AttachmentForm,
    CommentForm,
    ItemFilterForm,
    ItemForm,
    PlanForm,
    SubmitForm,
    move_form,
)
from cxlean.backlog.models import (
    TRANSITIONS,
    Attachment,
    Item,
    ItemQuerySet,
    Quadrant,
    ScoringSettings,
    Status,
    improvement_from_feedback,
    may_submit,
)
from cxlean.core.announce import announce_made
from cxlean.core.forms import add_model_errors, error_messages
from cxlean.core.history import Change, object_changes
from cxlean.core.mentions import matching
from cxlean.core.redirects import safe_next
from cxlean.core.typed import HtmxRequest
from cxlean.core.uploads import upload_response
from cxlean.journeys.models import Feedback
from cxlean.org.roles import home_unit_id, is_read_only

GET_POST = ["GET", "POST"]
ITEMS_PER_PAGE = 50
CARDS_PER_COLUMN = 50
TOP_PER_QUADRANT = 5
PDCA = (Status.IDEA, Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK, Status.ACT)


# --- who may see or change what ----------------------------------------------------------


def refuse_read_only(request: HttpRequest) -> None:
    if is_read_only(request.user):
        raise PermissionDenied(_("Management can read the backlog but not change it."))


def visible_items(user) -> ItemQuerySet:
    return Item.objects.visible_to(user)


def visible_item(request: HttpRequest, pk: int) -> Item:
    return get_object_or_404(
        visible_items(request.user).select_related(
            "unit",
            "owner",
            "submitted_by",
            "touchpoint__stage__journey",
            "transition__source__stage__journey",
            "transition__target",
            "source_feedback",
            "gemba_observation__walk__touchpoint",
            "game_presentation__team__session",
            "game_presentation__task_card",
        ),
        pk=pk,
    )


def detail_url(item: Item) -> str:
    return reverse("backlog:detail", args=[item.pk])


# --- the moves an item offers ------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    target: str
    text: str
    needs_form: bool  # the move asks for fields first (owner and due date, a reason …)
    kind: str  # forward, back or reject: how the button looks


def move_text(current: str, target: str) -> tuple[str, str]:
    if target == Status.REJECTED:
        return _("Reject"), "reject"
    if target == Status.IDEA:
        return _("Reopen as an idea"), "back"
    if PDCA.index(target) < PDCA.index(current):
        return _("Back to %(status)s") % {"status": Status(target).label}, "back"
    return str(Status(target).label), "forward"


def moves_for(item: Item, user) -> list[Move]:
    """What this user may do with the item now; no queries (item.unit is loaded)."""
    found = []
    for target in item.allowed_moves(user):
        text, kind = move_text(item.status, target)
        found.append(Move(target, text, bool(item.move_errors(target)), kind))
    return found


# --- the list ----------------------------------------------------------------------------


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    """The items the user can see, filtered and sorted (by priority unless chosen)."""
    user = request.user
    filters = ItemFilterForm(request.GET, viewer=user)
    items = filters.filter(visible_items(user).select_related("unit", "owner"))
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backlog/item_list.html",
        {
            "filters": filters,
            "page": page,
            "items": list(page),
            "today": timezone.localdate(),
            "may_submit": may_submit(user),
            "scoring": ScoringSettings.current(),
        },
    )


# --- the PDCA board ----------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    item: Item
    moves: list[Move]
    late: bool


@dataclass(frozen=True)
class Column:
    status: str
    label: str
    cards: list[Card]
    count: int
    more_url: str

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def top_by_priority(items: QuerySet[Item], field: str, limit: int) -> dict[str, list[Item]]:
    """The `limit` items of highest priority for each value of `field`, in one query."""
    ranked = (
        items.annotate(rank=Window(RowNumber(), partition_by=F(field), order_by=SORTS["priority"]))
        .filter(rank__lte=limit)
        .select_related("unit", "owner")
        .order_by()
    )
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(ranked, key=lambda item: item.rank):
        grouped[getattr(item, field)].append(item)
    return grouped


def board_context(request: HttpRequest) -> dict:
    user = request.user
    filters = ItemFilterForm(request.GET, viewer=user)
    items = filters.filter(visible_items(user), sort=False)
    counts = dict(items.order_by().values_list("status").annotate(n=Count("pk")))
    tops = top_by_priority(items.filter(status__in=PDCA), "status", CARDS_PER_COLUMN)
    today = timezone.localdate()
    list_url = reverse("backlog:list")
    columns = [
        Column(
            status=status,
            label=str(Status(status).label),
            cards=[
                Card(item, moves_for(item, user), item.is_overdue(today))
                for item in tops.get(status, [])
            ],
            count=counts.get(status, 0),
            more_url=f"{list_url}?{filters.query(status=status)}",
        )
        for status in PDCA
    ]
    return {
        "filters": filters,
        "columns": columns,
        "rejected_count": counts.get(Status.REJECTED, 0),
        "rejected_url": f"{list_url}?{filters.query(status=Status.REJECTED)}",
        "board_query": filters.query(),
        "board_url": f"{reverse('backlog:board')}?{filters.query()}",
        "cap": CARDS_PER_COLUMN,
    }


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "backlog/board.html", board_context(request))


# --- the impact-versus-feasibility chart -------------------------------------------------


@dataclass(frozen=True)
class QuadrantRow:
    quadrant: str
    label: str
    count: int
    top: list[Item]
    url: str


@require_GET
def chart(request: HttpRequest) -> HttpResponse:
    """Scored items in the 2×2, one bubble per score cell, with a table of the quadrants."""
    user = request.user
    filters = ItemFilterForm(request.GET, viewer=user)
    items = filters.filter(visible_items(user), sort=False)
    scoring = ScoringSettings.current()
    cells = list(
        items.filter(priority__isnull=False)
        .order_by()
        .values_list("impact", "feasibility")
        .annotate(n=Count("pk"), one=Min("pk"))
    )
    list_url = reverse("backlog:list")

    def link(impact: int, feasibility: int, only_item: int | None) -> str:
        if only_item:
            return reverse("backlog:detail", args=[only_item])
        return f"{list_url}?{filters.query(impact=impact, feasibility=feasibility)}"

    drawing = build_chart(cells, scoring, link)
    counts: dict[str, int] = defaultdict(int)
    for bubble in drawing.bubbles:
        counts[bubble.quadrant] += bubble.count
    tops = top_by_priority(items.exclude(quadrant=""), "quadrant", TOP_PER_QUADRANT)
    rows = [
        QuadrantRow(
            quadrant,
            str(label),
            counts[quadrant],
            tops.get(quadrant, []),
            f"{list_url}?{filters.query(quadrant=quadrant)}",
        )
        for quadrant, label in Quadrant.choices
    ]
    return render(
        request,
        "backlog/chart.html",
        {
            "filters": filters,
            "chart": drawing,
            "rows": rows,
            "scored": sum(counts.values()),
            "unscored": items.filter(priority__isnull=True).count(),
            "unscored_url": f"{list_url}?{filters.query(quadrant='none')}",
            "scoring": scoring,
        },
    )


# --- submit an idea ----------------------------------------------------------------------


@require_http_methods(GET_POST)
def item_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_submit(user):
        raise PermissionDenied(_("Management reads the backlog but does not submit ideas."))
    data = request.POST if request.method == "POST" else None
    form = SubmitForm(data, user=user, initial={"unit": home_unit_id(user)})
    if data is not None and form.is_valid():
        item = form.save(commit=False)
        if not may_submit(user, item.unit):  # the choices already keep to these units
            raise PermissionDenied(_("You cannot submit ideas for this unit."))
        item.submitted_by = user
        item.save()
        messages.success(
            request, _("Thank you: “%(title)s” is in the backlog.") % {"title": item.title}
        )
        return redirect(detail_url(item))
    return render(
        request,
        "backlog/item_form.html",
        {"form": form, "item": None, "scoring": ScoringSettings.current()},
    )


# --- one item ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    state: str  # done, current or todo


def pdca_steps(item: Item) -> list[Step]:
    if item.status == Status.REJECTED:
        return [Step(status, str(Status(status).label), "todo") for status in PDCA]
    reached = PDCA.index(item.status)
    return [
        Step(
            status,
            str(Status(status).label),
            "done" if n < reached else "current" if n == reached else "todo",
        )
        for n, status in enumerate(PDCA)
    ]


@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    return render_detail(request, item)


def render_detail(
    request: HttpRequest,
    item: Item,
    *,
    comment_form: CommentForm | None = None,
    attachment_form: AttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may_comment = not is_read_only(user) and item.can_comment(user)
    observation = getattr(item, "gemba_observation", None)
    context = {
        "item": item,
        # Where the item came from is linked only for those who may open it (an owner
        # from another unit sees the item, not the other unit's feedback or walk).
        "opens_feedback": item.source_feedback_id is not None
        and Feedback.objects.visible_to(user).filter(pk=item.source_feedback_id).exists(),
        # The observation is gemba's (gemba links to the backlog, not the other way).
        "opens_walk": observation is not None and observation.walk_visible_to(user),
        "steps": pdca_steps(item),
        "moves": moves_for(item, user),
        "may_edit": not is_read_only(user) and (item.can_manage(user) or item.can_edit_plan(user)),
        "may_comment": may_comment,
        "status_changes": item.status_changes.select_related("by"),
        "comments": item.comments.select_related("author"),
        "attachments": item.attachments.select_related("uploaded_by"),
        "changes": item_changes(item),
        "comment_form": comment_form or CommentForm(item=item, author=request.user),
        "attachment_form": attachment_form or AttachmentForm(),
        "today": timezone.localdate(),
        "scoring": ScoringSettings.current(),
    }
    return render(request, "backlog/item_detail.html", context, status=status)


@require_http_methods(GET_POST)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators of the item's unit edit everything; its owner the plan and effect."""
    refuse_read_only(request)
    item = visible_item(request, pk)
    user = request.user
    data = request.POST if request.method == "POST" else None
    form: ItemForm | PlanForm
    if item.can_manage(user):
        form = ItemForm(data, instance=item, user=user)
    elif item.can_edit_plan(user):
        form = PlanForm(data, instance=item)
    else:
        raise PermissionDenied(
            _("Only a Lean coordinator of the item's unit or its owner can change it.")
        )
    if data is not None and form.is_valid():
        form.save()
        messages.success(request, _("“%(title)s” is saved.") % {"title": item.title})
        return redirect(detail_url(item))
    return render(
        request,
        "backlog/item_form.html",
        {
            "form": form,
            "item": item,
            "plan_only": isinstance(form, PlanForm),
            "scoring": ScoringSettings.current(),
        },
    )


# --- moving an item through PDCA ---------------------------------------------------------


def require_mover(request: HttpRequest, item: Item) -> None:
    user = request.user
    if is_read_only(user) or not (item.can_manage(user) or item.can_edit_plan(user)):
        raise PermissionDenied(
            _("Only a Lean coordinator of the item's unit or its owner can move it.")
        )


@require_http_methods(GET_POST)
def item_move(request: HtmxRequest, pk: int) -> HttpResponse:
    """GET: the form a move needs (?to=plan). POST: make the move; with HTMX from the
    board the answer is the new board (or, refused, the reasons with status 422),
    without JavaScript a redirect back (or the form with the reasons). A card dropped
    on a column (`dropped` is sent) whose move needs more (an owner, the measured
    effect …) opens that move's form instead."""
    item = visible_item(request, pk)
    try:
        require_mover(request, item)
    except PermissionDenied as refused:
        if request.htmx and request.method == "POST":
            return refused_on_board(request, item, [str(refused)], status=403)
        raise
    if request.method == "GET":
        target = request.GET.get("to", "")
        if target not in TRANSITIONS[item.status]:
            messages.error(request, _("Choose one of the moves offered for this item."))
            return redirect(detail_url(item))
        return render_move_form(request, item, target, move_form(item, target, request.user))
    target = request.POST.get("to", "")
    form = move_form(item, target, request.user, request.POST)
    if form.is_valid():
        try:
            item.move(target, request.user, note=form.cleaned_data["note"], **form.move_fields())
        except ValidationError as error:
            add_model_errors(form, error)
    if form.errors:
        if (
            request.htmx
            and request.POST.get("dropped")
            and (gate := gate_form_url(request, item, target))
        ):
            return HttpResponseClientRedirect(gate)
        if request.htmx:
            return refused_on_board(request, item, error_messages(form), target=target)
        return render_move_form(request, item, target, form)
    moved = _("“%(title)s” is now at %(status)s.") % {
        "title": item.title,
        "status": Status(item.status).label,
    }
    if request.htmx:
        return moved_on_board(request, item, moved)
    messages.success(request, moved)
    return redirect(safe_next(request, detail_url(item)))


def gate_form_url(request: HttpRequest, item: Item, target: str) -> str:
    """The form of a move this user may make but that needs more than the item has (with
    the way back to the board), or "" when that is not why the move was refused."""
    if target not in item.allowed_moves(request.user) or not item.move_errors(target):
        return ""
    back = urlencode({"to": target, "next": safe_next(request, reverse("backlog:board"))})
    return f"{reverse('backlog:move', args=[item.pk])}?{back}"


def render_move_form(request: HttpRequest, item: Item, target: str, form) -> HttpResponse:
    valid_target = target in Status.values
    return render(
        request,
        "backlog/move_form.html",
        {
            "item": item,
            "target": target,
            "target_label": Status(target).label if valid_target else target,
            "form": form,
            "next": safe_next(request, ""),
        },
    )


def refused_on_board(
    request: HttpRequest, item: Item, reasons: list[str], *, target: str = "", status: int = 422
) -> HttpResponse:
    """The reasons a move was refused, for the board's alert region."""
    form_url = ""
    if target in TRANSITIONS.get(item.status, ()) and target in item.allowed_moves(request.user):
        form_url = f"{reverse('backlog:move', args=[item.pk])}?to={target}"
    response = render(
        request,
        "backlog/includes/move_refused.html",
        {"item": item, "reasons": reasons, "form_url": form_url},
        status=status,
    )
    retarget(response, "#board-alert")
    return reswap(response, "innerHTML")


def moved_on_board(request: HttpRequest, item: Item, moved: str) -> HttpResponse:
    context = board_context(request) | {"moved": moved}
    response = render(request, "backlog/includes/board_moved.html", context)
    return trigger_client_event(
        response, "backlogMoved", {"card": f"card-{item.pk}", "message": moved}, after="settle"
    )


# --- comments and attachments ------------------------------------------------------------


def require_commenter(request: HttpRequest, item: Item) -> None:
    if is_read_only(request.user) or not item.can_comment(request.user):
        raise PermissionDenied(_("You cannot comment on this item."))


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    require_commenter(request, item)
    form = CommentForm(request.POST, item=item, author=request.user)
    if not form.is_valid():
        return render_detail(request, item, comment_form=form)
    added = form.save(commit=False)
    added.item, added.author = item, request.user
    added.save()
    messages.success(request, _("Your comment is added."))
    return redirect(f"{detail_url(item)}#comment-{added.pk}")


@require_GET
def mentions(request: HttpRequest, pk: int) -> JsonResponse:
    """Autocomplete for @mentions in a comment: the people the user may mention on this
    item whose user name or name starts with `?q=` (at most 8)."""
    item = visible_item(request, pk)
    require_commenter(request, item)
    people = matching(item.mention_choices(request.user), request.GET.get("q", ""))
    return JsonResponse({"people": people})


@require_POST
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = visible_item(request, pk)
    require_commenter(request, item)
    form = AttachmentForm(request.POST, request.FILES, instance=Attachment(item=item))
    if not form.is_valid():
        return render_detail(request, item, attachment_form=form)
    added = form.save(commit=False)
    added.uploaded_by = request.user
    added.save()
    messages.success(request, _("“%(name)s” is attached.") % {"name": str(added)})
    return redirect(f"{detail_url(item)}#attachments")


@require_GET
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attached file, to whoever may see its item (files are not public)."""
    found = get_object_or_404(
        Attachment.objects.filter(item__in=visible_items(request.user)), pk=pk
    )
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return upload_response(handle, posixpath.basename(found.file.name or ""))


# --- history -----------------------------------------------------------------------------

HISTORY_FIELDS = [
    "title",
    "description",
    "unit",
    "owner",
    "due_date",
    "source",
    "touchpoint",
    "transition",
    "waste",
    "muda_kind",
    "impact",
    "feasibility",
    "customer_value",
    "priority",
    "quadrant",
    "status",
    "rejection_reason",
    "expected_metric",
    "expected_change",
    "expected_effect",
    "measured_change",
    "measured_effect",
    "spread",
    "spread_note",
]


def item_changes(item: Item) -> list[Change]:
    """Who changed what and when, newest first."""
    return object_changes(item, HISTORY_FIELDS, item.title)


# --- customer feedback becomes an improvement ---------------------------------------------


@require_POST
def feedback_improve(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn customer feedback the user can see into an idea in the backlog; the second
    time, the same item. Needs `may_submit` for the feedback's unit."""
    feedback = get_object_or_404(
        Feedback.objects.visible_to(request.user).select_related("unit", "touchpoint"), pk=pk
    )
    if not may_submit(request.user, feedback.unit):
        raise PermissionDenied(_("Your role does not submit improvements for this unit."))
    item, created = improvement_from_feedback(feedback, request.user)
    announce_made(
        request,
        item.title,
        created,
        made=_("The feedback is now an improvement idea in the backlog: “%(title)s”."),
        already=_("This feedback is already an improvement: “%(title)s”."),
    )
    return redirect("backlog:detail", item.pk)
