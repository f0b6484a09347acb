"""The kinds of export: who may ask for each, its filters, and its writer.

Who may ask is who may open the page the data comes from:

- competence matrix: coordinators and management (`may_view_matrix`);
- improvement backlog: everyone signed in (they get the items they see);
- rollout plan: whoever sees the plan (the `plan` filter only offers those);
- Gemba walk log: everyone signed in (the walks they see);
- CX metrics and maturity: everyone signed in (the units they read);
- timeline game results: everyone signed in (the `session` filter offers the sessions
  they see).

The filters are the page's own filter form, bound to the params as the page binds its
query string, and validated strictly: a value that is not understood, or a filter the
kind does not have, refuses the request with a message per filter (the page itself
ignores such values; an export asked for on purpose should not). The params stored on
the job are the ones given, minus empty values; the writer binds them again when it
runs, so it applies the requester's permissions as they are then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxlean.competence.matrix import may_view_matrix
from cxlean.exports.models import Kind
from cxlean.exports.writers import backlog, competence, games, gemba, metrics, plan

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Query-string names the pages carry that are not filters of the data.
IGNORED = frozenset({"page", "csrfmiddlewaretoken", "kind"})


def signed_in(user) -> bool:
    return user.is_authenticated


@dataclass(frozen=True)
class KindSpec:
    kind: str
    may_request: Callable[[object], bool]
    refusal: StrPromise  # why someone who may not is refused (lazy)
    writer: ModuleType  # params_form(data, user) and write(workbook, request)

    def form(self, data: dict, user) -> forms.Form:
        return self.writer.params_form(data, user)


KINDS: dict[str, KindSpec] = {
    Kind.COMPETENCE_MATRIX: KindSpec(
        Kind.COMPETENCE_MATRIX,
        may_view_matrix,
        gettext_lazy("The competence matrix is for Lean coordinators and management."),
        competence,
    ),
    Kind.BACKLOG: KindSpec(Kind.BACKLOG, signed_in, gettext_lazy("Sign in to export."), backlog),
    Kind.PLAN: KindSpec(Kind.PLAN, signed_in, gettext_lazy("Sign in to export."), plan),
    Kind.GEMBA_LOG: KindSpec(Kind.GEMBA_LOG, signed_in, gettext_lazy("Sign in to export."), gemba),
    Kind.METRICS_MATURITY: KindSpec(
        Kind.METRICS_MATURITY, signed_in, gettext_lazy("Sign in to export."), metrics
    ),
    Kind.GAME_RESULTS: KindSpec(
        Kind.GAME_RESULTS, signed_in, gettext_lazy("Sign in to export."), games
    ),
}


class RequestRefused(Exception):
    """A request that cannot be accepted. `errors` maps "kind" to messages, or "params"
    to {filter name: messages}, as the API answers with them."""

    def __init__(self, errors: dict, *, forbidden: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.forbidden = forbidden  # allowed to see the page? no: 403 rather than 400

    def messages(self) -> list[str]:
        found = []
        for value in self.errors.values():
            if isinstance(value, dict):
                for name, messages in value.items():
                    found += [f"{name}: {message}" for message in messages]
            else:
                found += [str(message) for message in value]
        return found


def spec_for(kind: str) -> KindSpec:
    spec = KINDS.get(kind)
    if spec is None:
        choices = ", ".join(KINDS)
        raise RequestRefused(
            {
                "kind": [
                    _("Unknown export “%(kind)s”. Choose one of: %(choices)s.")
                    % {"kind": kind, "choices": choices}
                ]
            }
        )
    return spec


def clean_params(user, kind: str, params) -> tuple[KindSpec, dict, forms.Form]:
    """Check that `user` may ask for `kind` with `params`; the spec, the params to store
    and the bound, valid form. Raises RequestRefused."""
    spec = spec_for(kind)
    if not spec.may_request(user):
        raise RequestRefused({"kind": [str(spec.refusal)]}, forbidden=True)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise RequestRefused({"params": {"params": [_("Give the filters as an object.")]}})
    kept = {
        name: value
        for name, value in params.items()
        if name not in IGNORED and value not in (None, "", [])
    }
    form = spec.form(kept, user)
    errors: dict[str, list[str]] = {}
    for name, value in kept.items():
        if name not in form.fields:
            errors[name] = [_("This export has no filter “%(name)s”.") % {"name": name}]
        elif not isinstance(value, str | int | bool):
            errors[name] = [_("Give one value.")]
    if not errors and not form.is_valid():
        errors = {name: [str(text) for text in texts] for name, texts in form.errors.items()}
    if errors:
        raise RequestRefused({"params": errors})
    return spec, kept, form


def bound_form(user, kind: str, params: dict) -> forms.Form:
    """The kind's filter form bound to stored params, for the writer (validated again:
    the data or the requester's permissions may have changed since the request)."""
    _spec, _kept, form = clean_params(user, kind, params)
    return form
