"""The start page: each person's inbox ("To do"), and how the rollouts they can see go."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cxlean.core.typed import AuthenticatedRequest
from cxlean.inbox.models import record_visit
from cxlean.inbox.rows import inbox_for
from cxlean.org.roles import is_coordinator, is_management
from cxlean.plans.models import start_page_plans


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    since = record_visit(user)
    inbox = inbox_for(user, since=since)
    plans, more_plans = start_page_plans(user)
    context = {
        "inbox": inbox,
        "since": since,
        "empty_for": empty_state(user),
        "plans": plans,
        "more_plans": more_plans,
    }
    return render(request, "inbox/home.html", context)


def empty_state(user) -> str:
    """Which "what next" an empty inbox shows."""
    if is_management(user) and not user.is_superuser:
        return "management"
    return "coordinator" if is_coordinator(user) else "employee"
