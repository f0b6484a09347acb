"""The maturity API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.maturity.api import views

ROUTES: list[tuple] = [
    ("maturity-levels", views.MaturityLevelViewSet, "maturity-level"),
    ("maturity-dimensions", views.MaturityDimensionViewSet, "maturity-dimension"),
    ("maturity-questions", views.MaturityQuestionViewSet, "maturity-question"),
    ("assessments", views.AssessmentViewSet, "assessment"),
    ("assessment-answers", views.AssessmentAnswerViewSet, "assessment-answer"),
    ("maturity-scores", views.MaturityScoreViewSet, "maturity-score"),
]
