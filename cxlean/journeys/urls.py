from django.urls import path

from cxlean.journeys import views

app_name = "journeys"
urlpatterns = [
    path("journeys/", views.journey_list, name="list"),
    path("journeys/new/", views.journey_new, name="new"),
    path("journeys/<int:pk>/", views.journey_map_view, name="map"),
    path("journeys/<int:pk>/edit/", views.journey_edit, name="edit"),
    path("journeys/<int:pk>/stages/", views.journey_stages, name="stages"),
    path("journeys/<int:pk>/touchpoints/", views.journey_touchpoints, name="touchpoints"),
    path("journeys/<int:pk>/transitions/", views.journey_transitions, name="transitions"),
    path("voice/", views.feedback_list, name="feedback_list"),
    path("voice/new/", views.feedback_new, name="feedback_new"),
    path("voice/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("voice/<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
]
