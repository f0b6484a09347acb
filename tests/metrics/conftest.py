"""Fixtures of the metrics tests: the shipped metric catalogue (`metrics`, by kind) and a
few answers. The named people (alice, bob, carol, maria, root) and units come from
tests/conftest.py: Kundservice (bob coordinates it, alice works in its Team Chatt) and
Försäljning (carol) under Företaget."""

import datetime as dt

import pytest

from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import Metric
from tests.metrics.factories import SurveyAnswerFactory


@pytest.fixture
def metrics(db) -> dict[str, Metric]:
    create_missing_metrics()
    return {metric.kind: metric for metric in Metric.objects.all()}


@pytest.fixture
def nps(metrics) -> Metric:
    return metrics["nps"]


@pytest.fixture
def csat(metrics) -> Metric:
    return metrics["csat"]


def answers(metric, unit, day: dt.date, *scores: int, **fields) -> list:
    return [
        SurveyAnswerFactory(metric=metric, unit=unit, answered_on=day, score=score, **fields)
        for score in scores
    ]
