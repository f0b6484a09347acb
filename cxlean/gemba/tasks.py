"""Gemba background work: beat plans the walks of every active schedule each night."""

from celery import shared_task
from django.utils import timezone

from cxlean.gemba.recurrence import DEFAULT_HORIZON_DAYS, generate_walks


@shared_task(name="cxlean.sweeps.gemba_plan")
def gemba_plan(days: int = DEFAULT_HORIZON_DAYS) -> int:
    """Idempotent: walks already planned are neither duplicated nor changed."""
    return generate_walks(timezone.localdate(), days)
