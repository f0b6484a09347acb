"""Single saves and deletes of answers (and of touchpoints) keep the roll-ups exact; see
`cxlean.metrics.rollups`. Connected in `MetricsConfig.ready`."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from cxlean.journeys.models import Touchpoint
from cxlean.metrics import rollups
from cxlean.metrics.models import AnswerRollup, SurveyAnswer

_OLD_KEY = "_rollup_key_before"
_TOUCHPOINT_KEYS = "_rollup_keys_without_touchpoint"


@receiver(pre_save, sender=SurveyAnswer, dispatch_uid="rollups_answer_pre_save")
def remember_key(sender, instance: SurveyAnswer, raw=False, **kwargs) -> None:
    if instance.pk is not None and not instance._state.adding:
        setattr(instance, _OLD_KEY, rollups.keys_of(SurveyAnswer.objects.filter(pk=instance.pk)))


@receiver(post_save, sender=SurveyAnswer, dispatch_uid="rollups_answer_saved")
def answer_saved(sender, instance: SurveyAnswer, created=False, raw=False, **kwargs) -> None:
    if created:
        rollups.added([instance])
        return
    rollups.touched({rollups.key_of(instance), *getattr(instance, _OLD_KEY, ())})
    if hasattr(instance, _OLD_KEY):
        delattr(instance, _OLD_KEY)


@receiver(post_delete, sender=SurveyAnswer, dispatch_uid="rollups_answer_deleted")
def answer_deleted(sender, instance: SurveyAnswer, **kwargs) -> None:
    rollups.touched([rollups.key_of(instance)])


@receiver(pre_delete, sender=Touchpoint, dispatch_uid="rollups_touchpoint_pre_delete")
def remember_touchpoint_keys(sender, instance: Touchpoint, **kwargs) -> None:
    rows = (
        AnswerRollup.objects.filter(touchpoint=instance)
        .values_list("unit", "metric", "month")
        .distinct()
    )
    setattr(
        instance, _TOUCHPOINT_KEYS, {(unit, metric, month, None) for unit, metric, month in rows}
    )


@receiver(post_delete, sender=Touchpoint, dispatch_uid="rollups_touchpoint_deleted")
def touchpoint_deleted(sender, instance: Touchpoint, **kwargs) -> None:
    rollups.touched(getattr(instance, _TOUCHPOINT_KEYS, ()))
