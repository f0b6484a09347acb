"""The metric definitions of fixtures/metrics.json, loaded ADD-only by kind."""

import json

import pytest
from django.core.management import call_command

from cxlean.metrics.catalogue import METRICS_FIXTURE, create_missing_metrics
from cxlean.metrics.models import STANDARD_SCALES, Kind, Metric

pytestmark = pytest.mark.django_db


def test_the_fixture_defines_the_five_metrics_in_both_languages():
    assert create_missing_metrics() == (5, 0)
    assert list(Metric.objects.values_list("kind", flat=True)) == Kind.values
    for metric in Metric.objects.all():
        metric.full_clean()
        assert metric.name_sv and metric.name_en
        assert metric.description_sv and metric.description_en
        assert metric.active and metric.small_sample == 30
        assert metric.history.exists()
        if metric.is_survey:
            assert (metric.scale_min, metric.scale_max) == STANDARD_SCALES[metric.kind]
        else:
            assert metric.scale_min is None and metric.scale_max is None
    assert Metric.objects.get(kind="churn").higher_is_better is False
    assert Metric.objects.get(kind="ces").higher_is_better is True


def test_loading_again_adds_only_what_is_missing_and_keeps_edits():
    create_missing_metrics()
    Metric.objects.filter(kind="nps").update(name_en="Our NPS", small_sample=50)
    Metric.objects.filter(kind="clv").delete()
    assert create_missing_metrics() == (1, 4)
    nps = Metric.objects.get(kind="nps")
    assert (nps.name_en, nps.small_sample) == ("Our NPS", 50)
    assert Metric.objects.filter(kind="clv").exists()


def test_loaddata_reads_the_fixture_too():
    call_command("loaddata", str(METRICS_FIXTURE), verbosity=0)
    assert Metric.objects.count() == len(json.loads(METRICS_FIXTURE.read_text()))
