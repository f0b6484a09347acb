"""Language selection: Swedish unless the person has chosen English."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Pick the language from the switcher's cookie, else Swedish (`LANGUAGE_CODE`).

    Web pages ignore the browser's Accept-Language: the organisation works in Swedish
    and English is a choice each person makes with the switcher. API clients (reports,
    integrations) have no cookie and ask with Accept-Language, so the API honours it.
    """

    def process_request(self, request) -> None:
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- browser security and session lifetime --------------------------------------------------


class PermissionsPolicyMiddleware:
    """Sends `Permissions-Policy` from the `PERMISSIONS_POLICY` setting (feature → allowlist,
    e.g. {"camera": "(self)", "microphone": "()"}), unless a view set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


IDLE_KEY = "_cxlean_last_seen"


class IdleTimeoutMiddleware:
    """Ends a session that has seen no request for `SESSION_IDLE_TIMEOUT` seconds (0: never).

    The time of the last request is kept in the session, written at most once a minute so
    that every page view does not save the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(IDLE_KEY)
            if isinstance(last_seen, int) and now - last_seen > timeout:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= 60:
                request.session[IDLE_KEY] = now
        return self.get_response(request)
