from django.urls import include, path

from cxlean.core.routes import actions
from cxlean.gemba import views

app_name = "gemba"
walk_patterns = [
    *actions(views, "detail", "edit", "report", "done", "cancel", noun="walk"),
    path("answers/<int:question_pk>/", views.answer, name="answer"),
    path("observations/new/", views.observation_new, name="observe"),
]
schedule_patterns = [
    path("", views.schedule_list, name="schedules"),
    path("new/", views.schedule_new, name="schedule_new"),
    path("<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
]
observation_patterns = [
    path("improvement/", views.observation_improve, name="improve"),
    *actions(views, "photo", noun="observation"),
]

urlpatterns = [
    *actions(views, "list", "new", noun="walk"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("schedules/", include(schedule_patterns)),
    path("<int:pk>/", include(walk_patterns)),
    path("observations/<int:pk>/", include(observation_patterns)),
]
