"""The gemba API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.gemba.api import views

ROUTES: list[tuple] = [
    ("gemba-question-sets", views.QuestionSetViewSet, "gemba-question-set"),
    ("gemba-questions", views.QuestionViewSet, "gemba-question"),
    ("gemba-schedules", views.ScheduleViewSet, "gemba-schedule"),
    ("gemba-walks", views.WalkViewSet, "gemba-walk"),
    ("gemba-answers", views.AnswerViewSet, "gemba-answer"),
    ("gemba-observations", views.ObservationViewSet, "gemba-observation"),
    ("gemba-cadence", views.CadenceViewSet, "gemba-cadence"),
]
