"""The metrics API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.metrics.api import views

ROUTES: list[tuple] = [
    ("metrics", views.MetricViewSet, "metric"),
    ("metric-targets", views.TargetViewSet, "metric-target"),
    ("survey-answers", views.SurveyAnswerViewSet, "survey-answer"),
    ("metric-measurements", views.MeasurementViewSet, "metric-measurement"),
    ("metric-results", views.ResultViewSet, "metric-result"),
    ("survey-sources", views.SurveySourceViewSet, "survey-source"),
]
