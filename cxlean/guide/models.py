from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.models import Described
from cxlean.core.translation import Translated


class GuideStep(Described):
    """One of the steps of the Lean CX rollout method, stored as editable data."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1)]
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    weight = models.PositiveSmallIntegerField(
        _("share of the plan"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Relative share of a rollout's duration this step gets when a plan is created."
        ),
    )
    history = HistoricalRecords()

    activity_count: int  # annotated by the admin's list

    title = Translated()

    class Meta:
        verbose_name = _("guide step")
        verbose_name_plural = _("guide steps")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class GuideActivity(Described):
    """An activity the guide recommends for a step; copied into new rollout plans."""

    step = models.ForeignKey(
        GuideStep, verbose_name=_("guide step"), on_delete=models.CASCADE, related_name="activities"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    history = HistoricalRecords()

    title = Translated()

    class Meta:
        verbose_name = _("recommended activity")
        verbose_name_plural = _("recommended activities")
        ordering = ["step__number", "order", "pk"]

    def __str__(self) -> str:
        return self.title
