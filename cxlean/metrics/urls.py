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
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/secret/", views.source_rotate, name="source_rotate"),
    path("sources/<int:pk>/deactivate/", views.source_deactivate, name="source_deactivate"),
    path("sources/<int:pk>/preview/", views.source_preview, name="source_preview"),
    path("<slug:kind>/", views.trend, name="trend"),
]
