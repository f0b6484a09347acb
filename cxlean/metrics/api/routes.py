"""The metrics API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.metrics.api.views import (
    MeasurementViewSet,
    MetricViewSet,
    ResultViewSet,
    SurveyAnswerViewSet,
    TargetViewSet,
)

ROUTES: list[tuple] = [
    ("metrics", MetricViewSet, "metric"),
    ("metric-targets", TargetViewSet, "metric-target"),
    ("survey-answers", SurveyAnswerViewSet, "survey-answer"),
    ("metric-measurements", MeasurementViewSet, "metric-measurement"),
    ("metric-results", ResultViewSet, "metric-result"),
]
