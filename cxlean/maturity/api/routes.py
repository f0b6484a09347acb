"""The maturity API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.maturity.api.views import (
    AssessmentAnswerViewSet,
    AssessmentViewSet,
    MaturityDimensionViewSet,
    MaturityLevelViewSet,
    MaturityQuestionViewSet,
    MaturityScoreViewSet,
)

ROUTES: list[tuple] = [
    ("maturity-levels", MaturityLevelViewSet, "maturity-level"),
    ("maturity-dimensions", MaturityDimensionViewSet, "maturity-dimension"),
    ("maturity-questions", MaturityQuestionViewSet, "maturity-question"),
    ("assessments", AssessmentViewSet, "assessment"),
    ("assessment-answers", AssessmentAnswerViewSet, "assessment-answer"),
    ("maturity-scores", MaturityScoreViewSet, "maturity-score"),
]
