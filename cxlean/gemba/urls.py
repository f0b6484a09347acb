from django.urls import path

from cxlean.gemba import views

app_name = "gemba"
urlpatterns = [
    path("", views.walk_list, name="list"),
    path("new/", views.walk_new, name="new"),
    path("cadence/", views.cadence_page, name="cadence"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/new/", views.schedule_new, name="schedule_new"),
    path("schedules/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("<int:pk>/", views.walk_detail, name="detail"),
    path("<int:pk>/edit/", views.walk_edit, name="edit"),
    path("<int:pk>/report/", views.walk_report, name="report"),
    path("<int:pk>/done/", views.walk_done, name="done"),
    path("<int:pk>/cancel/", views.walk_cancel, name="cancel"),
    path("<int:pk>/answers/<int:question_pk>/", views.answer, name="answer"),
    path("<int:pk>/observations/new/", views.observation_new, name="observe"),
    path("observations/<int:pk>/improvement/", views.observation_improve, name="improve"),
    path("observations/<int:pk>/photo/", views.observation_photo, name="photo"),
]
