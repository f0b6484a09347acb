from django.urls import include, path

from cxlean.core.routes import actions
from cxlean.plans import views

app_name = "plans"
plan_patterns = [
    *actions(views, "detail", "edit", "delete", "history", noun="plan"),
    path("phases/new/", views.phase_create, name="phase_create"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/reschedule/", views.activity_reschedule, name="activity_reschedule"),
]

urlpatterns = [
    *actions(views, "list", noun="plan"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", include(plan_patterns)),
    path(
        "phases/<int:pk>/", include(actions(views, "edit", "delete", noun="phase", qualified=True))
    ),
    path(
        "activities/<int:pk>/",
        include(actions(views, "edit", "delete", "status", noun="activity", qualified=True)),
    ),
]
