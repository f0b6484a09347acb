from django.urls import path

from cxlean.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_new, name="new"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
]
