"""The maturity pages: the list of assessments, creating and editing one, the
questionnaire an assessor fills in, the assessment page (scores, levels, the radar
chart, the questions with their spread and comments, the evidence the system measures
itself), completing and reopening, and the comparisons over time and side by side.

Who sees what and who changes what is the model layer's: `Assessment.objects.visible_to`
(anything else is a 404), `assessment.can_manage` (coordinators of the unit: edit,
complete, reopen), `assessment.may_answer` (the assessors, while it is in progress).
Visible but not allowed is a 403; management reads everything and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.core.typed import AuthenticatedRequest
from cxlean.maturity import charts
from cxlean.maturity.evidence import unit_evidence
from cxlean.maturity.forms import AssessmentForm, CompareForm, FilterForm, QuestionnaireForm
from cxlean.maturity.models import Assessment, AssessmentAnswer, completed_message
from cxlean.maturity.queries import (
    SIDE_BY_SIDE_CHART,
    answers_of,
    asked_questions,
    assessor_progress,
    compared_units,
    dimension_rows,
    listed_assessments,
    may_create,
    over_time,
    previous_assessment,
    scores_of,
    side_by_side,
    twelve_months_before,
    visible_assessments,
)
from cxlean.maturity.scoring import load_model, scores_for
from cxlean.org.roles import home_unit_id, is_read_only

GET_POST = ["GET", "POST"]
PER_PAGE = 50


def detail_url(assessment: Assessment) -> str:
    return reverse("maturity:detail", args=[assessment.pk])


def visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        visible_assessments(request.user)
        .select_related("unit", "created_by")
        .prefetch_related("assessors"),
        pk=pk,
    )


def require_manager(request: HttpRequest, assessment: Assessment) -> None:
    if not assessment.can_manage(request.user):
        raise PermissionDenied(_("Only a Lean coordinator of the assessment's unit can do this."))


# --- the list ----------------------------------------------------------------------------


@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = FilterForm(request.GET)
    unit = filters.chosen_unit()
    assessments = listed_assessments(user)
    if unit is not None:
        assessments = assessments.filter(unit__path__startswith=unit.path)
    page = Paginator(assessments, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    scores = scores_for(rows)
    for assessment in rows:
        assessment.scores = scores[assessment.pk]
        # django-stubs drops listed_assessments()' annotations in the Paginator's page.
        mine = assessment.mine  # type: ignore[attr-defined]
        assessment.may_answer_now = mine and not assessment.is_completed
    return render(
        request,
        "maturity/assessment_list.html",
        {
            "filters": filters,
            "page": page,
            "assessments": rows,
            "may_create": may_create(user),
            "read_only": is_read_only(user),
        },
    )


# --- creating and editing ----------------------------------------------------------------


@require_http_methods(GET_POST)
def assessment_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not may_create(user):
        raise PermissionDenied(_("Lean coordinators start maturity assessments."))
    data = request.POST if request.method == "POST" else None
    initial = {
        "unit": home_unit_id(user),
        "assessed_on": timezone.localdate(),
        "assessors": [user.pk],
    }
    form = AssessmentForm(data, user=user, initial=initial)
    if data is not None and form.is_valid():
        assessment = form.save(commit=False)
        assessment.created_by = user
        assessment.save()
        form.save_m2m()
        messages.success(
            request, _("The assessment “%(title)s” is started.") % {"title": assessment.title}
        )
        return redirect(detail_url(assessment))
    return render(request, "maturity/assessment_form.html", {"form": form, "assessment": None})


@require_http_methods(GET_POST)
def assessment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request, pk)
    require_manager(request, assessment)
    if assessment.is_completed:
        raise PermissionDenied(completed_message())
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, instance=assessment, user=request.user)
    if data is not None and form.is_valid():
        form.save()
        messages.success(
            request, _("The assessment “%(title)s” is saved.") % {"title": assessment.title}
        )
        return redirect(detail_url(assessment))
    return render(
        request, "maturity/assessment_form.html", {"form": form, "assessment": assessment}
    )


# --- the questionnaire -------------------------------------------------------------------


@require_http_methods(GET_POST)
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The current user's answers, as one of the assessors. Saving keeps what is
    answered; a level can be taken back with "Not answered yet". Any error saves
    nothing."""
    assessment = visible_assessment(request, pk)
    user = request.user
    if not assessment.may_answer(user):
        if assessment.is_completed:
            raise PermissionDenied(completed_message())
        raise PermissionDenied(_("Only the assessment's assessors answer its questions."))
    questions = asked_questions(assessment, user)
    mine = {
        answer.question_id: answer
        for answer in AssessmentAnswer.objects.filter(assessment=assessment, assessor=user)
    }
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireForm(data, questions=questions, answers=mine)
    if data is not None and form.is_valid():
        saved = save_answers(assessment, user, form.answers(), mine)
        messages.success(
            request,
            _("Your answers are saved: %(answered)s of %(total)s questions answered.")
            % {"answered": saved, "total": len(questions)},
        )
        if "finish" in request.POST:
            return redirect(detail_url(assessment))
        return redirect(reverse("maturity:answer", args=[assessment.pk]))
    answered = sum(1 for q in questions if form[f"q{q.pk}"].value() not in (None, ""))
    return render(
        request,
        "maturity/questionnaire.html",
        {
            "assessment": assessment,
            "form": form,
            "sections": questionnaire_sections(form, questions),
            "answered": answered,
            "total": len(questions),
        },
    )


def questionnaire_sections(form: QuestionnaireForm, questions) -> list[dict]:
    sections: list[dict] = []
    for question in questions:
        if not sections or sections[-1]["dimension"].pk != question.dimension_id:
            sections.append({"dimension": question.dimension, "questions": []})
        sections[-1]["questions"].append(
            {
                "question": question,
                "level": form.level_field(question),
                "comment": form.comment_field(question),
            }
        )
    return sections


@transaction.atomic
def save_answers(assessment: Assessment, user, answers: dict, mine: dict) -> int:
    """Write the assessor's answers; returns how many questions they have answered."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_completed:
        raise PermissionDenied(completed_message())
    for question_id, (score, comment) in answers.items():
        existing = mine.get(question_id)
        if score is None:
            if existing is not None:
                existing.delete()
            continue
        if existing is None:
            answer = AssessmentAnswer(
                assessment=assessment,
                question_id=question_id,
                assessor=user,
                score=score,
                comment=comment,
            )
            answer.full_clean(exclude=["question", "assessment", "assessor"])
            answer.save()
        elif (existing.score, existing.comment) != (score, comment):
            existing.score, existing.comment = score, comment
            existing.full_clean(exclude=["question", "assessment", "assessor"])
            existing.save(update_fields=["score", "comment", "answered_at"])
    return sum(1 for score, _comment in answers.values() if score is not None)


# --- the assessment page -----------------------------------------------------------------


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request, pk)
    user = request.user
    model = load_model()
    previous = previous_assessment(assessment, user)
    all_scores = scores_for([assessment, *([previous] if previous else [])], model)
    scores = all_scores[assessment.pk]
    before = all_scores.get(previous.pk) if previous else None
    rows = dimension_rows(scores, model, before, answers_of(assessment))
    labels = [str(row.dimension.name) for row in rows]
    radar = charts.radar(
        labels,
        [row.score for row in rows],
        [row.previous for row in rows] if previous else None,
    )
    today = timezone.localdate()
    evidence_start = twelve_months_before(assessment.assessed_on)
    return render(
        request,
        "maturity/assessment_detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "previous": previous,
            "previous_scores": before,
            "rows": rows,
            "radar": radar,
            "levels": model.levels,
            "assessors": assessor_progress(assessment),
            "may_manage": assessment.can_manage(user),
            "may_answer": assessment.may_answer(user),
            "evidence": unit_evidence(
                assessment.unit, evidence_start, assessment.assessed_on, today
            ),
            "evidence_start": evidence_start,
        },
    )


def change_state(
    request: HttpRequest, pk: int, change: Callable[[Assessment], None], done: str
) -> HttpResponse:
    """Complete or reopen an assessment (`change` is the model method): the model's
    refusal becomes an error message, success the `done` message."""
    assessment = visible_assessment(request, pk)
    require_manager(request, assessment)
    try:
        change(assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(detail_url(assessment))


@require_POST
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return change_state(
        request, pk, Assessment.complete, _("The assessment is completed. Its scores now count.")
    )


@require_POST
def assessment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return change_state(
        request, pk, Assessment.reopen, _("The assessment is open again for answers.")
    )


# --- comparisons -------------------------------------------------------------------------


def figure_columns(model, scores_by_id, assessments):
    """Rows of a comparison: per dimension (and the overall score) one value per
    assessment, with its level."""
    dimensions = [
        dimension
        for dimension in model.dimensions
        if any(dimension.pk in scores_by_id[a.pk].dimensions for a in assessments)
    ]
    rows = []
    for dimension in dimensions:
        cells = [
            (
                scores_by_id[a.pk].dimensions.get(dimension.pk),
                scores_by_id[a.pk].dimension_levels.get(dimension.pk),
            )
            for a in assessments
        ]
        rows.append({"name": str(dimension.name), "code": dimension.code, "cells": cells})
    overall = [(scores_by_id[a.pk].overall, scores_by_id[a.pk].level) for a in assessments]
    rows.append({"name": _("Overall"), "code": "overall", "cells": overall, "overall": True})
    return rows


def bar_chart(rows, series: list[str], assessments: list[Assessment]):
    """Each bar links to its assessment: the dimension's questions, or its result."""
    urls = [
        [
            detail_url(assessment)
            + ("#result-heading" if row.get("overall") else f"#questions-{row['code']}")
            for assessment in assessments
        ]
        for row in rows
    ]
    groups = [(row["name"], [cell[0] for cell in row["cells"]]) for row in rows]
    return charts.bars(groups, series, urls)


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """A unit over time (its completed assessments) and units side by side (the latest
    completed assessment of each unit in scope)."""
    user = request.user
    units = compared_units(user)
    model = load_model()
    if request.GET.get("over-unit"):
        over_form = CompareForm(request.GET, units=units, prefix="over")
        unit = over_form.chosen_unit()
    else:  # by default the viewer's own unit, else the first one with assessments
        home = home_unit_id(user)
        unit = units.filter(pk=home).first() if home else None
        unit = unit or units.first()
        over_form = CompareForm(units=units, prefix="over", initial={"unit": unit})
    within_form = CompareForm(request.GET, units=units, prefix="within")
    history = over_time(unit, user) if unit is not None else []

    within = within_form.chosen_unit()
    latest = side_by_side(user, within)

    scores = scores_of([*history, *latest], model)
    history_rows = figure_columns(model, scores, history) if history else []
    latest_rows = figure_columns(model, scores, latest) if latest else []
    dates = [date_format(a.assessed_on, "SHORT_DATE_FORMAT") for a in history]
    return render(
        request,
        "maturity/compare.html",
        {
            "over_form": over_form,
            "within_form": within_form,
            "unit": unit,
            "history": history,
            "history_rows": history_rows,
            "history_chart": bar_chart(history_rows, dates, history) if history else None,
            "within": within,
            "latest": latest,
            "latest_rows": latest_rows,
            "latest_chart": bar_chart(latest_rows, [a.unit.name for a in latest], latest)
            if latest and len(latest) <= SIDE_BY_SIDE_CHART
            else None,
            "chart_limit": SIDE_BY_SIDE_CHART,
        },
    )
