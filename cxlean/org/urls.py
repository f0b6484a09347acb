from django.urls import path

from cxlean.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_list, name="units"),
    path("roles/", views.role_list, name="roles"),
    path("<int:pk>/", views.unit_detail, name="unit"),
]
