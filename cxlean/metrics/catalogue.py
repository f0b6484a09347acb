"""The metric definitions shipped in fixtures/metrics.json, loaded ADD-only.

A metric is matched by its kind (nps, csat, ces, churn, clv): a missing one is created,
an existing one is left exactly as the organisation has edited it. Ids are left to the
database. The file is in Django's fixture format, so `loaddata` reads it as well.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cxlean.core.catalogue import FIXTURES, fixture_rows, without_pk
from cxlean.metrics.models import Metric

METRICS_FIXTURE = FIXTURES / "metrics.json"


@transaction.atomic
def create_missing_metrics(path: Path = METRICS_FIXTURE) -> tuple[int, int]:
    """Create the metrics whose kind is not in the database. Returns (created,
    already there)."""
    metrics = [without_pk(row) for row in fixture_rows(path, "metrics.metric")]
    existing = set(Metric.objects.values_list("kind", flat=True))
    missing = [fields for fields in metrics if fields["kind"] not in existing]
    for fields in missing:
        Metric.objects.create(**fields)
    return len(missing), len(metrics) - len(missing)
