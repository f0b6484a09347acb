"""CX metrics: the metric catalogue (NPS, CSAT, CES, churn rate, CLV), targets per unit,
raw survey answers and entered figures (measurements).

A figure for a unit and a period comes either from the survey answers recorded for
the unit (and its sub-units) or from a measurement entered for the unit itself; the
entered figure wins (`cxlean.metrics.reports`). The formulas are in
`cxlean.metrics.formulas`.

Who may do what (the same in the web UI, the API and the admin):
- everyone signed in reads the metric catalogue; the figures, targets and answers of
  their part of the tree (their unit, the units above and below it); management and
  superusers read everything;
- coordinators record answers, enter figures and set targets for the units they
  coordinate (`coordinates_unit`) and propose changes to the catalogue, which the CX
  owner makes (`may_edit_catalogue`);
- management reads and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_sane_date
from cxlean.core.json_paths import validate_path
from cxlean.core.models import Described
from cxlean.core.translation import Translated
from cxlean.journeys.models import Channel, Sentiment, Touchpoint
from cxlean.metrics import formulas
from cxlean.org.models import Unit, UnitScoped, UnitScopedQuerySet
from cxlean.org.roles import is_coordinator, sees_everything

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ALREADY_ENTERED = _(
    "A figure for this metric, unit, touchpoint and period is already entered: change that one."
)
PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Kind(models.TextChoices):
    """The same codes as `cxlean.backlog.models.Metric` (an improvement's expected
    effect points at one of them)."""

    NPS = "nps", "NPS"
    CSAT = "csat", "CSAT"
    CES = "ces", "CES"
    CHURN = "churn", _("Churn rate")
    CLV = "clv", "CLV"


SURVEY_KINDS = (Kind.NPS, Kind.CSAT, Kind.CES)
# The answer scale each survey metric is defined on; NPS is 0–10 by definition.
STANDARD_SCALES = {Kind.NPS: (0, 10), Kind.CSAT: (1, 5), Kind.CES: (1, 7)}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


def period_start(kind: str, day: dt.date) -> dt.date:
    """The first day of the month or quarter that holds `day`."""
    if kind == PeriodKind.QUARTER:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


# --- the catalogue -----------------------------------------------------------------------


class MetricQuerySet(models.QuerySet):
    def active(self) -> MetricQuerySet:
        return self.filter(active=True)


class Metric(Described):
    """A CX metric's definition (catalogue data the organisation may reword)."""

    kind = models.CharField(_("metric"), max_length=8, choices=Kind.choices, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    scale_min = models.SmallIntegerField(
        _("lowest answer"),
        null=True,
        blank=True,
        help_text=_("The answer scale of a survey metric (NPS 0–10, CSAT 1–5, CES 1–7)."),
    )
    scale_max = models.SmallIntegerField(_("highest answer"), null=True, blank=True)
    higher_is_better = models.BooleanField(
        _("higher is better"),
        default=True,
        help_text=_("Untick for metrics where lower is better, such as churn."),
    )
    small_sample = models.PositiveIntegerField(
        _("small sample below"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("Figures from fewer answers than this are flagged as a small sample."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = MetricQuerySet.as_manager()

    name = Translated()

    class Meta:
        verbose_name = _("CX metric")
        verbose_name_plural = _("CX metrics")
        ordering = ["order", "kind"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_survey(self) -> bool:
        return self.kind in SURVEY_KINDS

    @property
    def is_percentage(self) -> bool:
        return self.kind in (Kind.CSAT, Kind.CHURN)

    def clean(self) -> None:
        errors = {}
        if self.is_survey:
            if self.scale_min is None or self.scale_max is None:
                errors["scale_max"] = _("A survey metric needs its answer scale.")
            elif self.scale_max - self.scale_min < 2:
                errors["scale_max"] = _("The scale needs at least three answers.")
            elif self.kind == Kind.NPS and (self.scale_min, self.scale_max) != (0, 10):
                errors["scale_max"] = _("NPS is defined on answers from 0 to 10.")
        elif self.scale_min is not None or self.scale_max is not None:
            errors["scale_max"] = _(
                "Churn rate and CLV are not survey answers: leave the scale empty."
            )
        if errors:
            raise ValidationError(errors)

    def scale_message(self) -> str:
        return _("%(metric)s answers run from %(min)s to %(max)s.") % {
            "metric": self.get_kind_display(),
            "min": self.scale_min,
            "max": self.scale_max,
        }

    def sentiment_of(self, score: int) -> Sentiment:
        """How an answer felt, for feedback made from its comment: NPS detractors,
        passives and promoters; on the other scales the two lowest answers, the middle
        and the two highest."""
        if self.kind == Kind.NPS:
            low, high = formulas.DETRACTOR_MAX, formulas.PROMOTER_MIN
        else:
            low, high = (self.scale_min or 0) + 1, (self.scale_max or 0) - 1
        if score <= low:
            return Sentiment.NEGATIVE
        return Sentiment.POSITIVE if score >= high else Sentiment.NEUTRAL

    def value_errors(self, value: Decimal | None) -> str | StrPromise | None:
        """Why an entered figure or target is impossible for this metric, or None."""
        if value is None:
            return None
        if self.kind == Kind.NPS and not -100 <= value <= 100:
            return _("NPS runs from −100 to +100.")
        if self.is_percentage and not 0 <= value <= 100:
            return _("A percentage runs from 0 to 100.")
        low, high = self.scale_min, self.scale_max
        if (
            self.kind == Kind.CES
            and low is not None
            and high is not None
            and not low <= value <= high
        ):
            return _("CES is a mean answer from %(min)s to %(max)s.") % {
                "min": self.scale_min,
                "max": self.scale_max,
            }
        if self.kind == Kind.CLV and value < 0:
            return _("CLV cannot be negative.")
        return None


# --- targets -----------------------------------------------------------------------------


class Target(UnitScoped):
    """The value a unit aims for from a date on. A unit without a target of its own
    follows its nearest parent unit's (`reports.target_for`)."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="targets"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="metric_targets"
    )
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("valid from"), validators=[validate_sane_date])
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metric target")
        verbose_name_plural = _("metric targets")
        ordering = ["unit__path", "metric__order", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "unit", "valid_from"],
                name="metrics_target_once_per_day",
                violation_error_message=_(
                    "The unit already has a target for this metric from this day: change it."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit}: {self.value}"

    def clean(self) -> None:
        if self.metric_id and (message := self.metric.value_errors(self.value)):
            raise ValidationError({"value": message})


# --- survey answers ----------------------------------------------------------------------


class SurveyAnswerQuerySet(UnitScopedQuerySet):
    """Every way of writing answers in bulk keeps the roll-ups (`AnswerRollup`) exact in
    the same transaction: `bulk_create`, `update`, `bulk_update` and `delete` refresh the
    roll-ups of the (unit, metric, month, touchpoint) they touch. A single `save` or
    `delete` does the same through the signals below."""

    def bulk_create(self, objs, *args, **kwargs):
        from cxlean.metrics import rollups

        with rollups.batch():
            created: list[SurveyAnswer] = super().bulk_create(objs, *args, **kwargs)  # type: ignore[assignment]  # the queryset's own model
            if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
                rollups.touched(rollups.key_of(answer) for answer in created)
            else:
                rollups.added(created)
        return created

    def update(self, **kwargs) -> int:
        from cxlean.metrics import rollups

        with rollups.batch():
            pks = list(self.values_list("pk", flat=True))
            rollups.touched(rollups.keys_of(SurveyAnswer.objects.filter(pk__in=pks)))
            updated = super().update(**kwargs)
            rollups.touched(rollups.keys_of(SurveyAnswer.objects.filter(pk__in=pks)))
        return updated

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        from cxlean.metrics import rollups

        with rollups.batch():
            pks = [answer.pk for answer in objs]
            rollups.touched(rollups.keys_of(SurveyAnswer.objects.filter(pk__in=pks)))
            updated = super().bulk_update(objs, fields, *args, **kwargs)
            rollups.touched(rollups.key_of(answer) for answer in objs)
        return updated

    def delete(self):
        from cxlean.metrics import rollups

        with rollups.batch():  # post_delete of each answer adds its key
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class SurveyAnswer(UnitScoped):
    """One customer's answer to an NPS, CSAT or CES question."""

    objects = SurveyAnswerQuerySet.as_manager()  # type: ignore[misc]  # UnitScoped's, narrowed

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="answers"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="survey_answers"
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_answers",
    )
    answered_on = models.DateField(_("answered on"), validators=[validate_sane_date])
    score = models.SmallIntegerField(_("answer"))
    comment = models.TextField(_("comment"), blank=True)
    respondent = models.CharField(
        _("respondent"),
        max_length=120,
        blank=True,
        help_text=_("A reference to the customer or the survey response, not a name."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    source = models.CharField(
        _("source"),
        max_length=60,
        blank=True,
        editable=False,
        help_text=_("The system that sent the answer through bulk ingestion."),
    )
    source_id = models.CharField(
        _("source's answer id"),
        max_length=120,
        blank=True,
        editable=False,
        help_text=_("The answer's id in its source: the same id is never recorded twice."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="metrics_answer_source_id",
            )
        ]
        indexes = [
            models.Index(fields=["metric", "answered_on"], name="metrics_answer_metric_day"),
            models.Index(fields=["unit", "answered_on"], name="metrics_answer_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.score} · {self.answered_on}"

    def clean(self) -> None:
        errors = answer_errors(
            self.metric if self.metric_id else None, self.score, self.answered_on
        )
        if errors:
            raise ValidationError(errors)


def answer_errors(
    metric: Metric | None, score: int | None, answered_on: dt.date | None
) -> dict[str, str | StrPromise]:
    """A survey answer's own rules (`SurveyAnswer.clean`, and bulk ingestion without an
    instance per answer): a survey metric, the score within its scale, not from the
    future. Field -> message; empty when the answer keeps them."""
    errors: dict[str, str | StrPromise] = {}
    if metric is not None:
        if not metric.is_survey:
            errors["metric"] = _(
                "%(metric)s is not a survey answer: enter it as a figure for a period."
            ) % {"metric": metric.get_kind_display()}
        elif (
            score is not None
            and metric.scale_min is not None
            and metric.scale_max is not None
            and not metric.scale_min <= score <= metric.scale_max
        ):  # a survey metric has its scale (Metric.clean)
            errors["score"] = metric.scale_message()
    if answered_on and answered_on > timezone.localdate():
        errors["answered_on"] = _("An answer cannot be from the future.")
    return errors


class AnswerRollup(models.Model):
    """The survey answers of one unit, metric, calendar month and touchpoint (none for
    answers without one), summed up: what every report reads instead of the raw
    answers, so a page costs the same at 10,000 answers as at a million.

    A derived table, kept exact in the same transaction as every write of answers
    (`cxlean.metrics.rollups`) and rebuilt from them by `manage.py rebuild_rollups`:
    it has no history of its own (the answers have theirs) and is never edited.
    `scores` is the distribution (score -> number of answers), from which every formula
    (NPS, CSAT on any scale, CES) is computed; `count`, the promoters, passives and
    detractors (the NPS thresholds) and `score_sum` are its totals."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(editable=False, help_text="The first day of the month.")
    touchpoint = models.ForeignKey(
        Touchpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)
    passives = models.PositiveIntegerField(default=0)
    detractors = models.PositiveIntegerField(default=0)
    score_sum = models.BigIntegerField(default=0)
    scores = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("survey answer roll-up")
        verbose_name_plural = _("survey answer roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "metric", "month", "touchpoint"],
                condition=Q(touchpoint__isnull=False),
                name="metrics_rollup_key",
            ),
            models.UniqueConstraint(
                fields=["unit", "metric", "month"],
                condition=Q(touchpoint__isnull=True),
                name="metrics_rollup_key_no_touchpoint",
            ),
        ]
        indexes = [models.Index(fields=["metric", "month"], name="metrics_rollup_metric_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.metric_id} {self.month:%Y-%m} {self.touchpoint_id}"

    def counts(self) -> dict[int, int]:
        return {int(score): n for score, n in self.scores.items()}


class IngestToken(models.Model):
    """A key for `POST /api/v1/survey-answers/bulk/` and nothing else (its only scope is
    ingestion): sent as `Authorization: Ingest <key>`, which no other endpoint accepts.
    The answers are recorded as `user` (they must be a coordinator of the answers'
    units) with `source` as their source."""

    key = models.CharField(_("key"), max_length=40, unique=True, editable=False)
    source = models.SlugField(
        _("source"), max_length=60, help_text=_("The system sending answers, e.g. survey-tool.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("records as"),
        on_delete=models.CASCADE,
        related_name="ingest_tokens",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ingestion token")
        verbose_name_plural = _("ingestion tokens")

    def __str__(self) -> str:
        return self.source

    def save(self, *args, **kwargs) -> None:
        if not self.key:
            self.key = secrets.token_hex(20)
        super().save(*args, **kwargs)


# --- survey sources (webhooks) ------------------------------------------------------------


def new_secret() -> str:
    return secrets.token_hex(32)


def may_see_survey_sources(user) -> bool:
    """Survey sources are integration settings: coordinators (of the sources' units),
    management and superusers see them; nobody else, on any surface."""
    return user.is_authenticated and (is_coordinator(user) or sees_everything(user))


def path_field(label, help_text, *, blank: bool = True) -> models.CharField:
    """A survey source's path into a tool's JSON payload (cxlean/core/json_paths.py)."""
    return models.CharField(
        label, max_length=200, blank=blank, validators=[validate_path], help_text=help_text
    )


class SurveySourceQuerySet(UnitScopedQuerySet):
    def visible_to(self, user) -> SurveySourceQuerySet:
        if not may_see_survey_sources(user):
            return self.none()
        return super().visible_to(user)


# A source's field mapping: where its answers are, a path per cxlean field (or a fixed
# metric) and the value maps, in the order the admin and the API show them.
MAPPING_FIELDS = [
    "answers_path",
    "id_path",
    "metric_path",
    "metric",
    "score_path",
    "unit_path",
    "touchpoint_path",
    "answered_at_path",
    "comment_path",
    "value_maps",
]
MAPPED_VALUES = ("metric", "unit", "touchpoint")  # the fields a value map may translate


class SurveySource(UnitScoped):
    """A survey tool that pushes answers to `POST /api/v1/survey-sources/<id or
    slug>/webhook/` (`cxlean.metrics.webhooks`), signed with the source's secret.

    The answers may go to `unit` and its sub-units; an answer that names no unit lands
    in `default_unit` (else `unit`). Each answer is found in the tool's JSON by the
    paths below and recorded by the same rules as bulk ingestion, with the slug as the
    answers' `source` (so the tool's own answer id is never recorded twice).

    The secret is kept as it is (the signature is checked with it) but never shown
    again after it is made or rotated, and kept out of the history."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_(
            "In the webhook's address and as the answers' source. It cannot be changed "
            "later: the tool's answer ids are remembered under it."
        ),
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="survey_sources",
        help_text=_("Answers may go to this unit and its sub-units."),
    )
    default_unit = models.ForeignKey(
        Unit,
        verbose_name=_("default unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Answers that name no unit land here; empty: in the unit above."),
    )
    secret = models.CharField(_("secret"), max_length=64, default=new_secret, editable=False)
    secret_rotated_at = models.DateTimeField(_("secret made"), default=timezone.now, editable=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive source's webhooks are refused.")
    )
    answers_path = path_field(
        _("path to the answers"),
        _(
            "Where the list of answers is in the payload, e.g. data.responses. Empty: the "
            "payload is one answer, or a list of answers."
        ),
    )
    id_path = path_field(
        _("answer id"),
        _("The path to the answer's own id in the tool, e.g. response.id."),
        blank=False,
    )
    metric_path = path_field(
        _("metric"),
        _("The path to the metric (nps, csat or ces, or a value mapped below)."),
    )
    metric = models.ForeignKey(
        Metric,
        verbose_name=_("fixed metric"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Every answer is of this metric (instead of a path to it)."),
    )
    score_path = path_field(
        _("score"),
        _("The path to the answer's score, e.g. response.nps.score."),
        blank=False,
    )
    unit_path = path_field(
        _("unit"),
        _("The path to the unit's code or id. Empty: the default unit."),
    )
    touchpoint_path = path_field(
        _("touchpoint"),
        _("The path to the touchpoint's id (or a value mapped below)."),
    )
    answered_at_path = path_field(
        _("answered at"),
        _(
            "The path to when the customer answered: a date, a date and time, or Unix "
            "seconds. Empty: the day the answer arrives."
        ),
    )
    comment_path = path_field(
        _("comment"),
        _("The path to the customer's free-text comment."),
    )
    value_maps = models.JSONField(
        _("value maps"),
        default=dict,
        blank=True,
        help_text=_(
            "The tool's values translated to cxlean's, per field (metric, unit, "
            'touchpoint), e.g. {"metric": {"Recommend": "nps"}, "unit": {"cc-north": "chat"}}.'
        ),
    )
    comments_to_feedback = models.BooleanField(
        _("comments become customer feedback"),
        default=False,
        help_text=_("Each new answer with a comment is also logged as customer feedback."),
    )
    feedback_channel = models.CharField(
        _("feedback channel"),
        max_length=12,
        choices=Channel.choices,
        default=Channel.OTHER,
        help_text=_("The channel of feedback from an answer without a touchpoint."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Kept by each accepted delivery (`delivered`), so the list of sources reads them
    # from the source instead of counting millions of answers.
    answers_received = models.PositiveBigIntegerField(
        _("answers received"), default=0, editable=False
    )
    last_delivery_at = models.DateTimeField(
        _("last delivery"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(excluded_fields=["secret", "answers_received", "last_delivery_at"])

    objects = SurveySourceQuerySet.as_manager()  # type: ignore[misc]  # UnitScoped's, narrowed

    class Meta:
        verbose_name = _("survey source")
        verbose_name_plural = _("survey sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str | StrPromise] = {}
        if self.value_maps is None:  # an emptied box in a form: no values to translate
            self.value_maps = {}
        if not self.metric_path and not self.metric_id:
            errors["metric_path"] = _("Give the path to the metric, or a fixed metric.")
        if self.metric is not None and not self.metric.is_survey:
            errors["metric"] = _("Only NPS, CSAT and CES are survey answers.")
        default = self.default_unit
        if default is not None and self.unit_id and not default.is_within(self.unit):
            errors["default_unit"] = _("The default unit must be the unit or one below it.")
        if message := self.value_map_errors():
            errors["value_maps"] = message
        if errors:
            raise ValidationError(errors)

    def value_map_errors(self) -> str | StrPromise | None:
        maps = self.value_maps
        if not isinstance(maps, dict) or not all(
            field in MAPPED_VALUES and isinstance(values, dict) for field, values in maps.items()
        ):
            return _(
                "Write an object of the fields metric, unit or touchpoint, each an object "
                "from the tool's value to cxlean's."
            )
        for values in maps.values():
            if not all(
                isinstance(v, str | int) and not isinstance(v, bool) for v in values.values()
            ):
                return _("Each value maps to a text or a whole number.")
        return None

    def webhook_url(self) -> str:
        path = reverse("survey-source-webhook", args=[self.slug])
        return settings.SITE_URL.rstrip("/") + path

    @property
    def landing_unit(self) -> Unit:
        return self.default_unit or self.unit

    def rotate_secret(self) -> str:
        """A new secret (the old one stops working at once), returned to show once."""
        self.secret = new_secret()
        self.secret_rotated_at = timezone.now()
        self.save(update_fields=["secret", "secret_rotated_at"])
        return self.secret

    def delivered(self, created: int) -> None:
        """Counts an accepted delivery and its new answers, inside its transaction; with
        F() so that deliveries arriving at once on several machines all count, and with
        update() so no history row is written per delivery."""
        SurveySource.objects.filter(pk=self.pk).update(
            answers_received=F("answers_received") + created, last_delivery_at=timezone.now()
        )

    def signature(self, timestamp: str, body: bytes) -> str:
        """The hex HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
        message = timestamp.encode() + b"." + body
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def signed(self, timestamp: str, body: bytes, signature: str) -> bool:
        """Whether `signature` (the header's hex, after "sha256=") is ours, compared in
        constant time."""
        expected = self.signature(timestamp, body).encode()
        return hmac.compare_digest(expected, signature.encode(errors="replace"))


class WebhookDelivery(models.Model):
    """A webhook delivery accepted, remembered by its signature while its timestamp is
    within the tolerance, so the same delivery sent again is refused as a replay. A log,
    pruned as deliveries arrive (`cxlean.metrics.webhooks`): no history of its own."""

    source = models.ForeignKey(SurveySource, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "signature"], name="metrics_webhook_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.received_at:%Y-%m-%d %H:%M:%S}"


# --- entered figures ---------------------------------------------------------------------


class Measurement(UnitScoped):
    """A figure entered for a unit and a month or quarter, optionally for one
    touchpoint: a survey result from another tool (with its sample size), the churn
    (given as customers at the start and lost, or as a rate) or the CLV (given, or
    computed from average revenue, margin and churn)."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="measurements"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="metric_measurements"
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="metric_measurements",
    )
    period_kind = models.CharField(
        _("period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    period_start = models.DateField(
        _("period start"),
        help_text=_("The first day of the month or quarter."),
        validators=[validate_sane_date],
    )
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for churn and CLV to compute it from the figures below."),
    )
    sample_size = models.PositiveIntegerField(
        _("sample size"),
        null=True,
        blank=True,
        help_text=_("How many answers (or customers) the figure rests on."),
    )
    customers_at_start = models.PositiveIntegerField(
        _("customers at the start"), null=True, blank=True
    )
    customers_lost = models.PositiveIntegerField(
        _("customers lost"), null=True, blank=True, help_text=_("During the period.")
    )
    average_revenue = models.DecimalField(
        _("average revenue per customer"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Per customer and period (month or quarter), for CLV."),
    )
    margin_percent = models.DecimalField(
        _("margin %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
        help_text=_("For CLV, 0 to 100."),
    )
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["unit__path", "metric__order", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "unit", "touchpoint", "period_kind", "period_start"],
                name="metrics_measurement_once_per_touchpoint",
                violation_error_message=ALREADY_ENTERED,
            ),
            # A NULL touchpoint is never equal to another in SQL: one unit-wide figure.
            models.UniqueConstraint(
                fields=["metric", "unit", "period_kind", "period_start"],
                condition=Q(touchpoint__isnull=True),
                name="metrics_measurement_once_per_unit",
                violation_error_message=ALREADY_ENTERED,
            ),
            models.CheckConstraint(
                violation_error_message=_(
                    "More customers cannot be lost than there were at the start."
                ),
                condition=Q(customers_lost__isnull=True)
                | Q(customers_at_start__isnull=True)
                | Q(customers_lost__lte=models.F("customers_at_start")),
                name="metrics_measurement_lost_within_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.unit} {self.period_start:%Y-%m}"

    def clean(self) -> None:
        if self.period_start and self.period_kind in PeriodKind.values:
            self.period_start = period_start(self.period_kind, self.period_start)
        errors: dict[str, str | StrPromise] = {}
        if self.period_start and self.period_start > timezone.localdate():
            errors["period_start"] = _("A figure cannot be for a period that has not begun.")
        self.check_customers(errors)
        if self.metric_id and not errors:
            self.fill_value(errors)
        message = self.metric.value_errors(self.value) if self.metric_id else None
        if message and "value" not in errors:
            errors["value"] = message
        if errors:
            raise ValidationError(errors)

    def check_customers(self, errors: dict) -> None:
        start, lost = self.customers_at_start, self.customers_lost
        if start is not None and start <= 0 and lost is not None:
            errors["customers_at_start"] = _("The period must start with at least one customer.")
        elif start is not None and lost is not None and lost > start:
            errors["customers_lost"] = _(
                "More customers cannot be lost than there were at the start."
            )
        elif (start is None) != (lost is None):
            field = "customers_lost" if lost is None else "customers_at_start"
            errors[field] = _("Give both the customers at the start and the customers lost.")

    def fill_value(self, errors: dict) -> None:
        """Compute the value of churn and CLV when it is not given; survey results
        entered from another tool need their value and sample size."""
        kind = self.metric.kind
        if kind in SURVEY_KINDS:
            if self.value is None:
                errors["value"] = _("Enter the figure.")
            if self.sample_size is None:
                errors["sample_size"] = _("Say how many answers the figure rests on.")
        elif kind == Kind.CHURN and self.value is None:
            self.value = formulas.churn_rate(self.customers_lost, self.customers_at_start)
            if self.value is None:
                errors["value"] = _(
                    "Enter the churn rate, or the customers at the start and the customers lost."
                )
        elif kind == Kind.CLV and self.value is None:
            self.value = formulas.clv(
                self.average_revenue, self.margin_percent, self.churn_for_clv()
            )
            if self.value is None:
                errors["value"] = _(
                    "Enter the CLV, or the average revenue, the margin and a churn above 0 "
                    "(customers at the start and lost here, or a churn figure entered for "
                    "the same unit and period)."
                )

    def churn_for_clv(self) -> Decimal | None:
        """The churn of the period: from this row's customers, else the churn figure
        entered for the same unit, touchpoint and period."""
        own = formulas.churn_rate(self.customers_lost, self.customers_at_start)
        if own is not None or not self.unit_id:
            return own
        churn = (
            Measurement.objects.filter(
                metric__kind=Kind.CHURN,
                unit_id=self.unit_id,
                touchpoint_id=self.touchpoint_id,  # type: ignore[misc]  # None: IS NULL; stubs refuse None
                period_kind=self.period_kind,
                period_start=self.period_start,
            )
            .values_list("value", flat=True)
            .first()
        )
        return churn

    @property
    def period_end(self) -> dt.date:
        from cxlean.metrics.reports import Period

        return Period(self.period_kind, self.period_start).end
