from django.urls import include, path

from cxlean.core.routes import actions
from cxlean.maturity import views

app_name = "maturity"
assessment_patterns = [
    *actions(views, "detail", "edit", noun="assessment"),
    path("answers/", views.answer, name="answer"),
    *actions(views, "complete", "reopen", noun="assessment"),
]

urlpatterns = [
    *actions(views, "list", "new", noun="assessment"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", include(assessment_patterns)),
]
