"""The checklists API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.checklists.api.views import (
    AssignmentViewSet,
    CompletionViewSet,
    ProgressViewSet,
    TemplateItemViewSet,
    TemplateViewSet,
)

ROUTES: list[tuple] = [
    ("checklist-templates", TemplateViewSet, "checklist-template"),
    ("checklist-template-items", TemplateItemViewSet, "checklist-template-item"),
    ("checklist-assignments", AssignmentViewSet, "checklist-assignment"),
    ("checklist-completions", CompletionViewSet, "checklist-completion"),
    ("checklist-progress", ProgressViewSet, "checklist-progress"),
]
