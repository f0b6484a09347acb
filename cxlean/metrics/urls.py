from django.urls import path

from cxlean.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("answers/new/", views.answer_new, name="answer_new"),
    path("answers/several/", views.answers_bulk, name="answers_bulk"),
    path("measurements/new/", views.measurement_new, name="measurement_new"),
    path("measurements/<int:pk>/edit/", views.measurement_edit, name="measurement_edit"),
    path("targets/", views.targets, name="targets"),
    path("<slug:kind>/", views.trend, name="trend"),
]
