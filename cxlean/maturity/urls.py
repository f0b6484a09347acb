from django.urls import path

from cxlean.maturity import views

app_name = "maturity"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("<int:pk>/answers/", views.answer, name="answer"),
    path("<int:pk>/complete/", views.assessment_complete, name="complete"),
    path("<int:pk>/reopen/", views.assessment_reopen, name="reopen"),
]
