from django.urls import URLPattern, URLResolver, include, path

from cxlean.games import views

app_name = "games"
team_patterns = [
    path("", views.team_page, name="team"),
    path("board/", views.team_board, name="board"),
    path("place/", views.place_card, name="place"),
    path("remove/", views.remove_card, name="remove"),
    path("submit/", views.submit_timeline, name="submit"),
]
presentation_patterns = [
    path("score/", views.presentation_score, name="score"),
    path("idea/", views.presentation_idea, name="idea"),
    path("backlog/", views.presentation_backlog, name="backlog"),
]
session_patterns: list[URLPattern | URLResolver] = [
    path("", views.session_detail, name="detail"),
    path("play/", views.my_team, name="play"),
    path("teams/<int:team_pk>/", include(team_patterns)),
    path("teams/new/", views.team_add, name="team_add"),
    path("control/", views.control, name="control"),
    path("control/teams/", views.control_teams, name="control_teams"),
    path("control/<slug:action>/", views.control_action, name="act"),
    path("screen/", views.screen, name="screen"),
    path("screen/live/", views.screen_live, name="screen_live"),
    path("presentations/", views.presentations, name="presentations"),
    path("presentations/<int:presentation_pk>/", include(presentation_patterns)),
    path("results/", views.results, name="results"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.session_new, name="new"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.invite, name="invite"),
    path("<int:pk>/", include(session_patterns)),
]
