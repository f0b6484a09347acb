"""Where a page may send someone back to: only addresses on this site.

A `next` parameter, a Referer header or a stored link could point anywhere; following it
unchecked makes cxlean an open redirect (a link that looks like ours and lands on a
phishing page)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_url(request: HttpRequest, target: str) -> bool:
    """Whether `target` stays on this site (and on https when the request came over it)."""
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address sent with the form or in the query string, or `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_url(request, target) else default


def safe_back(request: HttpRequest) -> str:
    """The page the person came from (the Referer), or "" when it is not ours."""
    back = request.META.get("HTTP_REFERER", "")
    return back if is_safe_url(request, back) else ""
