from django.urls import include, path

from cxlean.plans import views

app_name = "plans"
plan_patterns = [
    path("", views.plan_detail, name="detail"),
    path("edit/", views.plan_edit, name="edit"),
    path("delete/", views.plan_delete, name="delete"),
    path("history/", views.plan_history, name="history"),
    path("phases/new/", views.phase_create, name="phase_create"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/reschedule/", views.activity_reschedule, name="activity_reschedule"),
]
phase_patterns = [
    path("edit/", views.phase_edit, name="phase_edit"),
    path("delete/", views.phase_delete, name="phase_delete"),
]
activity_patterns = [
    path("edit/", views.activity_edit, name="activity_edit"),
    path("delete/", views.activity_delete, name="activity_delete"),
    path("status/", views.activity_status, name="activity_status"),
]

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", include(plan_patterns)),
    path("phases/<int:pk>/", include(phase_patterns)),
    path("activities/<int:pk>/", include(activity_patterns)),
]
