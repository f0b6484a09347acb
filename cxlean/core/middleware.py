"""Language selection: Swedish unless the person has chosen English."""

from django.conf import settings
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
