from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cxlean.core.tasks import broker_status
from cxlean.plans.models import Activity, Plan, progress_percent

# The start page shows the most recent plans; the plan list has the rest.
HOME_PLAN_LIMIT = 10


@login_not_required
@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 when not.

    The broker is reported too: without it the web app keeps working (background work
    waits, recorded in the database), so it makes the status "degraded", not an error.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # any driver error means "not healthy", never a 500
        database = f"error: {exc.__class__.__name__}"
    broker = broker_status()
    healthy = database == "ok"
    status = "error" if not healthy else ("ok" if broker == "ok" else "degraded")
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def with_progress(plans) -> list[Plan]:
    """Give plans annotated by `with_figures()` a `progress` percentage for the templates."""
    plans = list(plans)
    for plan in plans:
        plan.progress = progress_percent(plan.done_count, plan.activity_count)
    return plans


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what I have to do, and how the rollouts I can see are going."""
    my_activities = (
        Activity.objects.filter(owner=request.user, status__in=Activity.OPEN_STATUSES)
        .select_related("phase__plan")
        .order_by("due_date", "pk")
    )
    # One plan more than shown tells whether to offer "all plans" without a COUNT query.
    # with_figures() aggregates, and aggregating queries drop Meta.ordering: restate it.
    plans = with_progress(
        Plan.objects.visible_to(request.user)
        .with_figures()
        .select_related("unit")
        .order_by(*Plan._meta.ordering)[: HOME_PLAN_LIMIT + 1]
    )
    context = {
        "my_activities": my_activities,
        "plans": plans[:HOME_PLAN_LIMIT],
        "more_plans": len(plans) > HOME_PLAN_LIMIT,
    }
    return render(request, "core/home.html", context)
