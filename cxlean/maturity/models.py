"""The CX maturity assessment: a maturity model kept as data, and assessments of units.

The model (an organisation-wide catalogue, `fixtures/maturity.json`): five levels from
reactive (1) to proactive/strategic (5), each reached from a lower bound of the score;
dimensions that follow how CX is built; questions in each dimension, answered 1–5, with a
descriptor per level saying what one would see in the organisation at that level.

An assessment belongs to a unit and a date. Its assessors answer each question with a
level (and a comment); how the answers become scores and a level is
`cxlean.maturity.scoring`.

Who may do what (the same in the web UI, the API and the admin):
- everyone signed in sees the assessments of their part of the tree (their unit, the
  units above and below it) and those they assess; management sees all;
- coordinators of the assessment's unit create and edit it, choose the assessors,
  complete it and reopen it (`Assessment.can_manage`);
- the assessors answer, each their own answers, while it is in progress
  (`Assessment.may_answer`); a completed assessment is read-only until reopened;
- management reads everything and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_sane_date
from cxlean.core.events import notify
from cxlean.core.models import CatalogueQuestion, Created, Described
from cxlean.core.translation import Translated
from cxlean.org.models import Unit, UnitScopedQuerySet
from cxlean.org.roles import (
    coordinates_unit,
    is_read_only,
)

if TYPE_CHECKING:
    from cxlean.maturity.scoring import Scores

SCORES = range(1, 6)
SCORE_MESSAGE = _("Answer with a level from 1 to 5.")
SCORE_VALIDATORS = [
    MinValueValidator(1, message=SCORE_MESSAGE),
    MaxValueValidator(5, message=SCORE_MESSAGE),
]
LEVEL_MESSAGE = _("A level is a number from 1 to 5.")
LEVEL_VALIDATORS = [
    MinValueValidator(1, message=LEVEL_MESSAGE),
    MaxValueValidator(5, message=LEVEL_MESSAGE),
]
BOUND_MESSAGE = _("A lower bound is a score from 1.00 to 5.00.")


# --- the maturity model (catalogue) ------------------------------------------------------


class MaturityLevel(Described):
    """A level of the maturity scale. A score at or above `lower_bound` (and below the
    next level's) reaches the level; level 1 starts at 1.00 so every score has one."""

    number = models.PositiveSmallIntegerField(_("level"), unique=True, validators=LEVEL_VALIDATORS)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    lower_bound = models.DecimalField(
        _("lower bound"),
        max_digits=3,
        decimal_places=2,
        validators=[
            MinValueValidator(1, message=BOUND_MESSAGE),
            MaxValueValidator(5, message=BOUND_MESSAGE),
        ],
        help_text=_("The lowest score that reaches this level, e.g. 2.60."),
    )
    history = HistoricalRecords()

    name = Translated()

    class Meta:
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=5), name="maturity_level_number"
            ),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=1, lower_bound__lte=5),
                name="maturity_level_lower_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def clean(self) -> None:
        """Lower bounds rise strictly with the level, and level 1 starts at 1.00."""
        if self.number is None or self.lower_bound is None:
            return
        if self.number == 1 and self.lower_bound != 1:
            raise ValidationError({"lower_bound": _("Level 1 starts at 1.00.")})
        others = MaturityLevel.objects.exclude(pk=self.pk)
        below = others.filter(number__lt=self.number).order_by("-number").first()
        above = others.filter(number__gt=self.number).order_by("number").first()
        if below is not None and self.lower_bound <= below.lower_bound:
            raise ValidationError(
                {
                    "lower_bound": _(
                        "The lower bound must be above level %(number)s's (%(bound)s)."
                    )
                    % {"number": below.number, "bound": below.lower_bound}
                }
            )
        if above is not None and self.lower_bound >= above.lower_bound:
            raise ValidationError(
                {
                    "lower_bound": _(
                        "The lower bound must be below level %(number)s's (%(bound)s)."
                    )
                    % {"number": above.number, "bound": above.lower_bound}
                }
            )


class Dimension(Described):
    """One side of how CX is built, e.g. strategy and leadership."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive dimensions are not asked any more.")
    )
    history = HistoricalRecords()

    question_count: int  # set by the admin's dimension list

    name = Translated()

    class Meta:
        verbose_name = _("maturity dimension")
        verbose_name_plural = _("maturity dimensions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(models.QuerySet):
    def asked(self) -> QuestionQuerySet:
        """The questions an assessment asks: active, in an active dimension."""
        return self.filter(active=True, dimension__active=True)


class Question(CatalogueQuestion):
    dimension = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = QuestionQuerySet.as_manager()

    descriptor_count: int  # set by the admin's question list

    class Meta:
        verbose_name = _("maturity question")
        verbose_name_plural = _("maturity questions")
        ordering = ["dimension__order", "dimension_id", "order", "pk"]


class LevelDescriptor(models.Model):
    """What one sees in the organisation when the question's answer is this level."""

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="descriptors",
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    text_sv = models.TextField(_("descriptor (Swedish)"))
    text_en = models.TextField(_("descriptor (English)"))
    history = HistoricalRecords()

    text = Translated()

    class Meta:
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        ordering = ["question", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "level"], name="maturity_descriptor_once_per_level"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="maturity_descriptor_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.text}"


# --- assessments -------------------------------------------------------------------------


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class AssessmentQuerySet(UnitScopedQuerySet):
    def also_visible_to(self, user) -> Q:
        """The assessments they answer."""
        assessing = Assessment.assessors.through.objects.filter(user=user).values("assessment_id")
        return Q(pk__in=assessing)

    def completed(self) -> AssessmentQuerySet:
        return self.filter(status=Status.COMPLETED)

    def to_answer_by(self, user) -> AssessmentQuerySet:
        """The assessments `user` may answer now (`Assessment.may_answer`): in progress,
        with them among the assessors, never for management."""
        if not user.is_authenticated or is_read_only(user):
            return self.none()
        return self.filter(status=Status.IN_PROGRESS, assessors=user)


class Assessment(Created):
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="maturity_assessments",
    )
    assessed_on = models.DateField(_("assessed on"), validators=[validate_sane_date])
    title = models.CharField(_("title"), max_length=160)
    note = models.TextField(_("note"), blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessors"),
        related_name="maturity_assessments",
        help_text=_("The people who answer the questions, each on their own."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    history = HistoricalRecords(m2m_fields=[assessors])

    objects = AssessmentQuerySet.as_manager()

    def tell_invited(self, person_ids: list[int], actor) -> None:
        """The people added as assessors hear of the assessment (once per assessment)."""
        notify(
            User.objects.filter(pk__in=person_ids),
            "assessment_invited",
            {"title": self.title},
            actor=actor,
            about=self,
            state="assessor",
            url=reverse("maturity:detail", args=[self.pk]),
        )

    # Set on listed assessments by the list pages (scoring.scores_for).
    scores: Scores
    may_answer_now: bool

    class Meta:
        verbose_name = _("maturity assessment")
        verbose_name_plural = _("maturity assessments")
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "assessed_on"], name="maturity_unit_status_day")
        ]

    def __str__(self) -> str:
        when = date_format(self.assessed_on, "DATE_FORMAT") if self.assessed_on else ""
        return f"{self.title} · {when}" if when else self.title

    def clean(self) -> None:
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError(
                {"assessed_on": _("The assessment date cannot be in the future.")}
            )

    @property
    def is_completed(self) -> bool:
        return self.status == Status.COMPLETED

    def is_assessor(self, user) -> bool:
        if not user.is_authenticated:
            return False
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "assessors" in cache:
            return any(person.pk == user.pk for person in cache["assessors"])
        return self.assessors.filter(pk=user.pk).exists()

    def can_manage(self, user) -> bool:
        """Edit, choose assessors, complete and reopen: coordinators of the unit."""
        return not is_read_only(user) and coordinates_unit(user, self.unit)

    def can_edit(self, user) -> bool:
        """Change the assessment itself: its coordinators, while it is in progress."""
        return not self.is_completed and self.can_manage(user)

    def may_answer(self, user) -> bool:
        """Answer the questions: the assessors (never management), while in progress."""
        return not self.is_completed and not is_read_only(user) and self.is_assessor(user)

    def complete(self) -> None:
        """Close the assessment: its scores count from now on. It needs an answer."""
        if self.is_completed:
            raise ValidationError({"status": _("The assessment is already completed.")})
        if not self.answers.exists():
            raise ValidationError(
                {"status": _("Answer at least one question before completing the assessment.")}
            )
        self.status = Status.COMPLETED
        self.completed_at = timezone.now()
        self.save(update_fields=["status", "completed_at"])

    def reopen(self) -> None:
        """Open a completed assessment again, to correct or add answers."""
        if not self.is_completed:
            raise ValidationError({"status": _("The assessment is not completed.")})
        self.status = Status.IN_PROGRESS
        self.completed_at = None
        self.save(update_fields=["status", "completed_at"])


def completed_message():
    return _("The assessment is completed and read-only; a coordinator can reopen it.")


class AssessmentAnswer(models.Model):
    """One assessor's answer to one question: a level 1–5 and a comment."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="maturity_answers",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=SCORE_VALIDATORS, help_text=_("The level from 1 to 5.")
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment answer")
        verbose_name_plural = _("assessment answers")
        ordering = ["assessment", "question__dimension__order", "question__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question", "assessor"], name="maturity_answer_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="maturity_answer_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} · {self.score}"

    def clean(self) -> None:
        """Only the assessment's assessors answer, and only while it is in progress."""
        if not self.assessment_id:
            return
        if self.assessment.is_completed:
            raise ValidationError(completed_message())
        if self.assessor_id and not self.assessment.assessors.filter(pk=self.assessor_id).exists():
            raise ValidationError(
                {"assessor": _("Only the assessment's assessors answer its questions.")}
            )
