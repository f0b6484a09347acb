"""Request types for view annotations.

`HttpRequest` knows neither `request.htmx` (set by django-htmx's middleware) nor that
`request.user` is a signed-in user in every view but the `login_not_required` ones
(`LoginRequiredMiddleware`). Views annotate their request with these instead:

    def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        if request.htmx: ...
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request through `HtmxMiddleware`."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request of a signed-in user, through `HtmxMiddleware`."""

    user: User
