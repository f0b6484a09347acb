"""The maturity API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

ROUTES: list[tuple] = []
