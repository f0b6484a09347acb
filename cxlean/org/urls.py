from django.urls import path

from cxlean.org import views

app_name = "org"
urlpatterns = [
    path("", views.unit_list, name="units"),
    path("roles/", views.role_list, name="roles"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
]
