"""Fixtures of the metrics tests: the shipped metric catalogue (`metrics`, by kind) and a
few answers. The named people (alice, bob, carol, maria, root) and units come from
tests/conftest.py: Kundservice (bob coordinates it, alice works in its Team Chatt) and
Försäljning (carol) under Företaget."""

import datetime as dt

import pytest

from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import Metric, SurveySource
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


@pytest.fixture
def source(service_unit, service_team, metrics) -> SurveySource:
    """A survey tool pushing answers to Kundservice and its teams, in its own shape:
    {"data": {"responses": [{"id", "survey", "unit", "answer": {"value"}, "submitted",
    "text"}]}}; its comments become customer feedback."""
    return SurveySource.objects.create(
        name="Enkätverktyget",
        slug="enkat",
        unit=service_unit,
        answers_path="data.responses",
        id_path="id",
        metric_path="survey",
        score_path="answer.value",
        unit_path="unit",
        answered_at_path="submitted",
        comment_path="text",
        value_maps={"metric": {"Recommend": "nps", "Happy": "csat"}},
        comments_to_feedback=True,
    )


def answers(metric, unit, day: dt.date, *scores: int, **fields) -> list:
    return [
        SurveyAnswerFactory(metric=metric, unit=unit, answered_on=day, score=score, **fields)
        for score in scores
    ]
