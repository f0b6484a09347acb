"""The pages of the Voice of the Customer and the customer journeys.

Who sees what is the model layer's: `Feedback.objects.visible_to` and
`Journey.objects.visible_to` (anything else is a 404). Who changes what is the model
layer's too: `Feedback.can_edit` and `Feedback.unit_choices` for feedback,
`may_change_journey` for a journey, its stages, touchpoints and transitions. Turning
feedback into an improvement is the backlog's page (`cxlean.backlog.views.feedback_improve`);
the feedback pages offer it where `may_log_feedback` holds, the same rule as the
backlog's `may_submit`. Visible but not allowed is a 403;
management reads everything and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cxlean.core.history import Change, object_changes
from cxlean.core.typed import HtmxRequest
from cxlean.journeys.forms import (
    FEEDBACK_FIELDS,
    FeedbackFilterForm,
    FeedbackForm,
    JourneyForm,
    StageFormSet,
    TouchpointFormSet,
    TransitionFormSet,
    units_for_feedback,
)
from cxlean.journeys.improvements import open_improvements_in_journey
from cxlean.journeys.journey_map import HOT_SPOT, PAIN_POINT, journey_map
from cxlean.journeys.models import (
    Feedback,
    Journey,
    Stage,
    Touchpoint,
    may_change_journey,
    may_log_feedback,
)
from cxlean.org.roles import coordinated_units

GET_POST = ["GET", "POST"]
FEEDBACK_PER_PAGE = 25
JOURNEYS_PER_PAGE = 50


# --- Voice of the Customer ---------------------------------------------------------------


def visible_feedback(request: HttpRequest, pk: int) -> Feedback:
    return get_object_or_404(
        Feedback.objects.visible_to(request.user).select_related(
            "unit", "touchpoint__stage__journey", "created_by", "improvement"
        ),
        pk=pk,
    )


def linked_improvement(feedback: Feedback):
    """The improvement made from the feedback (the backlog's item), if any."""
    try:
        return feedback.improvement
    except ObjectDoesNotExist:
        return None


@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    """Customer feedback the user can see, newest first, filtered."""
    filters = FeedbackFilterForm(request.GET)
    feedback = filters.filter(
        Feedback.objects.visible_to(request.user).select_related(
            "unit", "touchpoint__stage__journey", "improvement"
        )
    ).order_by("-received_on", "-pk")
    page = Paginator(feedback, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    # The units where the user may log feedback and submit improvements, in one query
    # (the same rule as `may_submit`, which the conversion itself asks again).
    open_units = set(units_for_feedback(request.user).values_list("pk", flat=True))
    return render(
        request,
        "journeys/feedback_list.html",
        {
            "filters": filters,
            "filtered": sum(1 for name, value in request.GET.items() if value and name != "page"),
            "page": page,
            "open_units": open_units,
            "may_log": bool(open_units),
        },
    )


@require_http_methods(GET_POST)
def feedback_new(request: HtmxRequest) -> HttpResponse:
    if not units_for_feedback(request.user).exists():
        raise PermissionDenied(_("Your role does not log customer feedback."))
    feedback = Feedback(created_by=request.user)
    return feedback_form(request, feedback, _("The feedback is logged."))


@require_http_methods(GET_POST)
def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = visible_feedback(request, pk)
    if not feedback.can_edit(request.user):
        raise PermissionDenied(
            _(
                "Only the person who logged the feedback or a Lean coordinator of its unit "
                "can change it."
            )
        )
    return feedback_form(request, feedback, _("The feedback is saved."))


def feedback_form(request: HttpRequest, feedback: Feedback, saved: str) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = FeedbackForm(data, instance=feedback, user=request.user)
    if data is not None and form.is_valid():
        feedback = form.save()
        messages.success(request, saved)
        return redirect("journeys:feedback_detail", pk=feedback.pk)
    return render(request, "journeys/feedback_form.html", {"form": form, "feedback": feedback})


@require_GET
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = visible_feedback(request, pk)
    improvement = linked_improvement(feedback)
    return render(
        request,
        "journeys/feedback_detail.html",
        {
            "feedback": feedback,
            "improvement": improvement,
            "may_edit": feedback.can_edit(request.user),
            # The backlog's `may_submit`, which the conversion asks again: the same rule.
            "may_improve": improvement is None and may_log_feedback(request.user, feedback.unit),
            "changes": feedback_changes(feedback),
        },
    )


# --- feedback history --------------------------------------------------------------------


def feedback_changes(feedback: Feedback, limit: int = 100) -> list[Change]:
    """Who changed what and when, newest first."""
    return object_changes(feedback, FEEDBACK_FIELDS, str(feedback), limit)


# --- journeys ----------------------------------------------------------------------------


def count_of(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) subquery (no GROUP BY, so it always gives one row)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def journeys_with_figures(user) -> QuerySet[Journey]:
    journey = OuterRef("pk")
    return (
        Journey.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            stage_count=count_of(Stage.objects.filter(journey=journey)),
            touchpoint_count=count_of(Touchpoint.objects.filter(stage__journey=journey)),
            open_items=open_improvements_in_journey(journey),
        )
        .order_by("name", "pk")
    )


@require_GET
def journey_list(request: HttpRequest) -> HttpResponse:
    journeys = journeys_with_figures(request.user)
    page = Paginator(journeys, JOURNEYS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "journeys/journey_list.html",
        {"page": page, "may_create": coordinated_units(request.user).exists()},
    )


def visible_journey(request: HttpRequest, pk: int) -> Journey:
    return get_object_or_404(Journey.objects.visible_to(request.user).select_related("unit"), pk=pk)


def changeable_journey(request: HttpRequest, pk: int) -> Journey:
    journey = visible_journey(request, pk)
    if not may_change_journey(request.user, journey):
        raise PermissionDenied(
            _("Only a Lean coordinator of the journey's unit can change the journey.")
        )
    return journey


@require_GET
def journey_map_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = visible_journey(request, pk)
    return render(
        request,
        "journeys/journey_map.html",
        {
            "journey": journey,
            "map": journey_map(journey),
            "may_change": may_change_journey(request.user, journey),
            "hot_spot": HOT_SPOT,
            "pain_point": PAIN_POINT,
        },
    )


@require_http_methods(GET_POST)
def journey_new(request: HttpRequest) -> HttpResponse:
    if not coordinated_units(request.user).exists():
        raise PermissionDenied(_("Only Lean coordinators create customer journeys."))
    return journey_form(request, Journey(), _("The journey “%(name)s” is created. Add its stages."))


@require_http_methods(GET_POST)
def journey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return journey_form(
        request, changeable_journey(request, pk), _("The journey “%(name)s” is saved.")
    )


def journey_form(request: HttpRequest, journey: Journey, saved: str) -> HttpResponse:
    created = journey.pk is None
    data = request.POST if request.method == "POST" else None
    form = JourneyForm(data, instance=journey, user=request.user)
    if data is not None and form.is_valid():
        journey = form.save()
        messages.success(request, saved % {"name": journey.name})
        return redirect("journeys:stages" if created else "journeys:map", pk=journey.pk)
    return render(request, "journeys/journey_form.html", {"form": form, "journey": journey})


# --- stages, touchpoints and transitions of a journey ------------------------------------

PARTS: dict[str, tuple[Callable[..., BaseModelFormSet[Any, Any]], str]] = {
    "stages": (StageFormSet, "journeys/stage_formset.html"),
    "touchpoints": (TouchpointFormSet, "journeys/touchpoint_formset.html"),
    "transitions": (TransitionFormSet, "journeys/transition_formset.html"),
}


def edit_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """One formset page: all stages, all touchpoints or all transitions of a journey,
    with empty rows to add new ones and a box to delete each."""
    journey = changeable_journey(request, pk)
    formset_class, template = PARTS[part]
    data = request.POST if request.method == "POST" else None
    if part == "stages":
        formset = formset_class(data, instance=journey, prefix=part)
    else:
        formset = formset_class(data, journey=journey, prefix=part)
    if data is not None and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, saved_message(part))
        return redirect(f"{reverse('journeys:map', args=[journey.pk])}#map")
    return render(request, template, {"journey": journey, "formset": formset, "part": part})


def saved_message(part: str) -> str:
    return {
        "stages": _("The stages are saved."),
        "touchpoints": _("The touchpoints are saved."),
        "transitions": _("The transitions are saved."),
    }[part]


@require_http_methods(GET_POST)
def journey_stages(request: HttpRequest, pk: int) -> HttpResponse:
    return edit_part(request, pk, "stages")


@require_http_methods(GET_POST)
def journey_touchpoints(request: HttpRequest, pk: int) -> HttpResponse:
    return edit_part(request, pk, "touchpoints")


@require_http_methods(GET_POST)
def journey_transitions(request: HttpRequest, pk: int) -> HttpResponse:
    return edit_part(request, pk, "transitions")
