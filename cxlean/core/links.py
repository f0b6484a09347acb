"""Addresses with query strings, for pages that link every figure of a large table.

The management tables link each of their thousands of figures to the admin list behind
it: the same few URL names over and over, with other filters. `reverse` is worked out
once per name and arguments (for the URL configuration, script prefix and language in
force) and the filters are appended; an admin that is not installed gives "".
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def address(name: str, *args, **filters) -> str:
    """The page named `name` (with `args`) and `filters` as its query string."""
    url = reversed_once(name, args, *in_force())
    return f"{url}?{urlencode(filters)}" if filters else url


def admin_address(name: str, *args, **filters) -> str:
    """An admin page (`admin:` + `name`) with list filters; "" when it is not there."""
    try:
        return address(f"admin:{name}", *args, **filters)
    except NoReverseMatch:
        return ""


def in_force() -> tuple[str, str, str | None]:
    """What `reverse` depends on besides the name and arguments."""
    return str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), get_language()


@lru_cache(maxsize=4096)
def reversed_once(name: str, args: tuple, urlconf: str, prefix: str, language) -> str:
    return reverse(name, args=args)


@receiver(setting_changed)
def forget(setting: str, **kwargs) -> None:
    """Tests that change the URL configuration get fresh addresses."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME", "INSTALLED_APPS"):
        reversed_once.cache_clear()
