"""The imports API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.imports.api import views

ROUTES: list[tuple] = [
    ("import-jobs", views.ImportJobViewSet, "import-job"),
    ("import-templates", views.ImportTemplateViewSet, "import-template"),
]
