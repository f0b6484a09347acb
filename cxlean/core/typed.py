"""Types the type checker cannot infer from Django alone.

`AuthenticatedRequest` is the request a page view gets: LoginRequiredMiddleware sends
anonymous visitors to the sign-in page before a view runs (unless the view is marked
`login_not_required`), so its user is a `User`. `HtmxRequest` adds the `htmx` details
HtmxMiddleware sets on every request.
`form_field` gives a form's field as the class it is, e.g. to narrow a ModelChoiceField's
queryset in `__init__`; `default_ordering` a model's Meta.ordering (the stubs allow None).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.db.models import Model
from django.db.models.expressions import Combinable
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedRequest(HttpRequest):
    user: User


class HtmxRequest(AuthenticatedRequest):
    htmx: HtmxDetails


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, which must be a `kind`."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def default_ordering(model: type[Model]) -> list[str | Combinable]:
    """The model's Meta.ordering, to restate on queries that aggregate (which drops it)."""
    return list(model._meta.ordering or ())
