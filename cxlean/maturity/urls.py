from django.urls import include, path

from cxlean.maturity import views

app_name = "maturity"
assessment_patterns = [
    path("", views.assessment_detail, name="detail"),
    path("edit/", views.assessment_edit, name="edit"),
    path("answers/", views.answer, name="answer"),
    path("complete/", views.assessment_complete, name="complete"),
    path("reopen/", views.assessment_reopen, name="reopen"),
]

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", include(assessment_patterns)),
]
