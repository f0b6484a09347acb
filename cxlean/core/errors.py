"""Error pages: JSON for the API, HTML for the web app.

Django's own 400/403/404/500 views answer HTML. An API client that asks for an unknown
address, or meets an unexpected error, gets `{"detail": ...}` instead, with the same
words a DRF error would use and nothing of the error itself (it is logged by Django).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework.exceptions import MethodNotAllowed

API_PREFIX = "/api/"

NUL_MESSAGE = gettext_lazy("The address holds a NUL character, which cannot be read; remove it.")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if is_api(request):
        return api_error(_("The request could not be read."), 400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name=defaults.ERROR_403_TEMPLATE_NAME):
    if is_api(request):
        return api_error(_("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if is_api(request):
        return api_error(_("Not found."), 404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if is_api(request):
        return api_error(
            _("Something went wrong on the server. The error has been logged; nothing was saved."),
            500,
        )
    return defaults.server_error(request, template_name)


def method_not_allowed(request: HttpRequest, empty: HttpResponse) -> HttpResponse:
    """The empty 405 `empty` with a body people (or API clients) can read."""
    if is_api(request):
        # DRF's own words, as its views answer a method they do not take.
        answer: HttpResponse = api_error(str(MethodNotAllowed(request.method or "").detail), 405)
    else:
        answer = HttpResponse(loader.render_to_string("405.html", request=request), status=405)
    if "Allow" in empty:
        answer["Allow"] = empty["Allow"]
    return answer


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    """A NUL character in the address (path or query string) is a 400 on every page.

    Forms and serializers refuse NUL in what they read, but admin changelist filters,
    search boxes and lookups put query-string values straight into the database query,
    and PostgreSQL cannot hold NUL in text: the request would end in a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            message = str(NUL_MESSAGE)
            if is_api(request):
                return api_error(message, 400)
            template = loader.get_template(defaults.ERROR_400_TEMPLATE_NAME)
            return HttpResponseBadRequest(template.render({"message": message}))
        return self.get_response(request)


class ErrorPageMiddleware:
    """The app's own pages for a 404 with DEBUG on and for an empty 405.

    With DEBUG on (the demo) a 404 is the app's own page too, not Django's technical one.

    Django answers an address that matches no route, and a view's Http404, with its
    technical 404 page when DEBUG is on; `page_not_found` is what production shows
    (templates/404.html, or JSON under /api/). A 404 response a view returns itself is
    left alone.

    A view that takes only a form's POST answers any other method with an empty 405
    (Django's `require_POST`, a class-based view's `http_method_not_allowed`): the body
    becomes templates/405.html, or JSON under /api/, with the `Allow` header kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            # No route matched: Django's handler answered with the technical page.
            return page_not_found(request, Http404(request.path))
        if response.status_code == 405 and not getattr(response, "content", b"x"):
            return method_not_allowed(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
