"""Customer journeys (stages, touchpoints, the transitions between them) and the Voice
of the Customer (feedback entries answering the three loop questions).

Journeys are shared knowledge: everyone signed in reads every journey, coordinators of
the journey's unit change it. Feedback belongs to a unit: its people and coordinators
read it, coordinators and the people of the unit log it, management reads everything.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_not_future, validate_sane_date
from cxlean.core.models import optional_link
from cxlean.org.models import CXRole, Unit, UnitScopedQuerySet
from cxlean.org.roles import (
    contributing_units,
    coordinated_units,
    coordinates_unit,
    is_read_only,
)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    APP = "app", _("App")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    CHAT = "chat", _("Chat")
    STORE = "store", _("Store")
    PARTNER = "partner", _("Partner")
    LETTER = "letter", _("Letter")
    FIELD = "field", _("On site")
    OTHER = "other", pgettext_lazy("channel", "Other")


class Emotion(models.IntegerChoices):
    """How the customer feels at a touchpoint, from -2 (very negative) to +2."""

    VERY_NEGATIVE = -2, _("Very negative (−2)")
    NEGATIVE = -1, _("Negative (−1)")
    NEUTRAL = 0, _("Neutral (0)")
    POSITIVE = 1, _("Positive (+1)")
    VERY_POSITIVE = 2, _("Very positive (+2)")


EMOTION_VALIDATORS = [MinValueValidator(-2), MaxValueValidator(2)]


def may_change_journey(user, journey: Journey) -> bool:
    return coordinates_unit(user, journey.unit)


class JourneyQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        return self if user.is_authenticated else self.none()


class Journey(models.Model):
    name = models.CharField(_("name"), max_length=160)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="journeys",
        help_text=_("The unit that owns and maintains the journey map."),
    )
    persona = models.CharField(
        _("persona"),
        max_length=200,
        blank=True,
        help_text=_("Whose journey this is, e.g. “a household customer moving house”."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = JourneyQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer journey")
        verbose_name_plural = _("customer journeys")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["journey", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.journey} · {self.name}"


class Touchpoint(models.Model):
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=160)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    owner_role = optional_link(CXRole, _("owning CX role"), related_name="touchpoints")
    partner_controlled = models.BooleanField(
        _("controlled by a partner"),
        default=False,
        help_text=_("Tick when a partner, not the organisation, runs this touchpoint."),
    )
    emotion = models.SmallIntegerField(
        _("customer emotion"),
        choices=Emotion.choices,
        default=Emotion.NEUTRAL,
        validators=EMOTION_VALIDATORS,
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["stage__journey", "stage__order", "stage", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(emotion__gte=-2, emotion__lte=2), name="touchpoint_emotion_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage.journey} · {self.name}"

    @property
    def journey(self) -> Journey:
        return self.stage.journey


class Transition(models.Model):
    """The hand-over between two touchpoints of one journey, where friction often lives."""

    source = models.ForeignKey(
        Touchpoint,
        verbose_name=_("from touchpoint"),
        on_delete=models.CASCADE,
        related_name="transitions_out",
    )
    target = models.ForeignKey(
        Touchpoint,
        verbose_name=_("to touchpoint"),
        on_delete=models.CASCADE,
        related_name="transitions_in",
    )
    friction = models.TextField(
        _("friction notes"),
        blank=True,
        help_text=_("What the customer runs into in this hand-over."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["source__stage__journey", "source__stage__order", "source__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="transition_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="transition_between_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.target.name}"

    def clean(self) -> None:
        if self.source_id and self.target_id:
            if self.source_id == self.target_id:
                raise ValidationError(
                    {"target": _("A transition joins two different touchpoints.")}
                )
            if self.source.stage.journey_id != self.target.stage.journey_id:
                raise ValidationError(
                    {"target": _("Both touchpoints must belong to the same journey.")}
                )

    @property
    def journey(self) -> Journey:
        return self.source.stage.journey


class FeedbackSource(models.TextChoices):
    SURVEY = "survey", _("Survey")
    INTERVIEW = "interview", _("Interview")
    SUPPORT = "support", _("Support case")
    SOCIAL = "social", _("Social media")
    REVIEW = "review", _("Review site")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", pgettext_lazy("feedback source", "Other")


class Sentiment(models.IntegerChoices):
    NEGATIVE = -1, _("Negative")
    NEUTRAL = 0, _("Neutral")
    POSITIVE = 1, _("Positive")


class FeedbackQuerySet(UnitScopedQuerySet):
    def also_visible_to(self, user) -> Q:
        """What they logged."""
        return Q(created_by=user)


def may_log_feedback(user, unit: Unit | None) -> bool:
    """Feedback is logged for a unit of one's part of the tree (`contributing_units`):
    coordinators in their units, employees around their own; management never."""
    return unit is not None and contributing_units(user).filter(pk=unit.pk).exists()


class Feedback(models.Model):
    """One piece of Voice of the Customer, answering the feedback loop's three questions."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="feedback"
    )
    source = models.CharField(_("source"), max_length=12, choices=FeedbackSource.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    touchpoint = optional_link(Touchpoint, _("touchpoint"), related_name="feedback")
    received_on = models.DateField(
        _("date"),
        default=timezone.localdate,
        validators=[validate_sane_date, validate_not_future],
    )
    what_happened = models.TextField(_("What happened?"))
    how_it_felt = models.TextField(_("How did it feel?"), blank=True)
    what_to_improve = models.TextField(_("What can be improved?"), blank=True)
    sentiment = models.SmallIntegerField(
        _("sentiment"), choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    customer_reference = models.CharField(
        _("customer reference"),
        max_length=120,
        blank=True,
        help_text=_("A case or survey number; no personal data is needed."),
    )
    created_by = optional_link(settings.AUTH_USER_MODEL, _("logged by"), related_name="+")
    created_at = models.DateTimeField(_("logged"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer feedback")
        verbose_name_plural = _("customer feedback")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentiment__gte=-1, sentiment__lte=1), name="feedback_sentiment_range"
            )
        ]

    def __str__(self) -> str:
        text = self.what_happened.strip().splitlines()[0] if self.what_happened.strip() else ""
        return text[:80] or str(_("Feedback %(pk)s") % {"pk": self.pk})

    def can_edit(self, user) -> bool:
        """Who changes (and deletes) this feedback, on every surface: a coordinator of
        its unit; the person who logged it while its unit is in their part of the tree;
        superusers. Colleagues read it; management changes nothing."""
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        if is_read_only(user):
            return False
        if coordinates_unit(user, self.unit):
            return True
        return self.created_by_id == user.pk and may_log_feedback(user, self.unit)

    def unit_choices(self, user) -> QuerySet[Unit]:
        """The units `user` may log this feedback for or move it to: their part of the
        tree (`contributing_units`) for new feedback and feedback they logged; the units
        they coordinate for feedback someone else logged."""
        if self.pk is None or self.created_by_id == user.pk:
            return contributing_units(user).order_by("path")
        return coordinated_units(user).order_by("path")

    def may_place(self, user, unit: Unit | None) -> bool:
        return unit is not None and self.unit_choices(user).filter(pk=unit.pk).exists()
