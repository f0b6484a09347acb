"""The checklists API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.checklists.api import views

ROUTES: list[tuple] = [
    ("checklist-templates", views.TemplateViewSet, "checklist-template"),
    ("checklist-template-items", views.TemplateItemViewSet, "checklist-template-item"),
    ("checklist-assignments", views.AssignmentViewSet, "checklist-assignment"),
    ("checklist-completions", views.CompletionViewSet, "checklist-completion"),
    ("checklist-progress", views.ProgressViewSet, "checklist-progress"),
]
