"""The timeline game's API routes, registered by cxlean/api_urls.py: (prefix, viewset,
basename), all under /api/v1/games/."""

from cxlean.games.api import views

ROUTES: list[tuple] = [
    ("games/decks", views.DeckViewSet, "game-deck"),
    ("games/slots", views.SlotViewSet, "game-slot"),
    ("games/cards", views.CardViewSet, "game-card"),
    ("games/task-cards", views.TaskCardViewSet, "game-task-card"),
    ("games/sessions", views.GameSessionViewSet, "game-session"),
    ("games/teams", views.TeamViewSet, "game-team"),
    ("games/placements", views.PlacementViewSet, "game-placement"),
    ("games/submissions", views.SubmissionViewSet, "game-submission"),
    ("games/presentations", views.PresentationViewSet, "game-presentation"),
    ("games/presentation-scores", views.PresentationScoreViewSet, "game-presentation-score"),
    ("games/results", views.GameResultViewSet, "game-result"),
]
