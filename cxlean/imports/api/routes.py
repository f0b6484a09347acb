"""The imports API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.imports.api.views import ImportJobViewSet, ImportTemplateViewSet

ROUTES: list[tuple] = [
    ("import-jobs", ImportJobViewSet, "import-job"),
    ("import-templates", ImportTemplateViewSet, "import-template"),
]
