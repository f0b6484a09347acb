"""The gemba API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.gemba.api.views import (
    AnswerViewSet,
    CadenceViewSet,
    ObservationViewSet,
    QuestionSetViewSet,
    QuestionViewSet,
    ScheduleViewSet,
    WalkViewSet,
)

ROUTES: list[tuple] = [
    ("gemba-question-sets", QuestionSetViewSet, "gemba-question-set"),
    ("gemba-questions", QuestionViewSet, "gemba-question"),
    ("gemba-schedules", ScheduleViewSet, "gemba-schedule"),
    ("gemba-walks", WalkViewSet, "gemba-walk"),
    ("gemba-answers", AnswerViewSet, "gemba-answer"),
    ("gemba-observations", ObservationViewSet, "gemba-observation"),
    ("gemba-cadence", CadenceViewSet, "gemba-cadence"),
]
