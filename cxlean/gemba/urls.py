from django.urls import include, path

from cxlean.gemba import views

app_name = "gemba"
walk_patterns = [
    path("", views.walk_detail, name="detail"),
    path("edit/", views.walk_edit, name="edit"),
    path("report/", views.walk_report, name="report"),
    path("done/", views.walk_done, name="done"),
    path("cancel/", views.walk_cancel, name="cancel"),
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
    path("photo/", views.observation_photo, name="photo"),
]

urlpatterns = [
    path("", views.walk_list, name="list"),
    path("new/", views.walk_new, name="new"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("schedules/", include(schedule_patterns)),
    path("<int:pk>/", include(walk_patterns)),
    path("observations/<int:pk>/", include(observation_patterns)),
]
