from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from PIL import Image, UnidentifiedImageError

from cxlean.core.branding import LOGO_TYPES, Branding
from cxlean.core.tasks import broker_status


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


@cache
def favicon_bytes() -> bytes | None:
    path = finders.find("favicon.ico")
    if not path:
        return None
    with open(path, "rb") as file:
        return file.read()


@login_not_required
@cache_control(max_age=86400, public=True)
@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on pages that name no icon (the admin's
    pages and base.html name static/favicon.svg; this is its ICO twin)."""
    content = favicon_bytes()
    if content is None:
        raise Http404
    return HttpResponse(content, content_type="image/x-icon")


@login_not_required
@cache_control(max_age=86400, public=True)
@require_GET
def branding_logo(request):
    """The organisation's logo, on every page's header (the sign-in pages too)."""
    branding = Branding.objects.filter(pk=Branding.SINGLETON_ID).first()
    if branding is None or not branding.logo:
        raise Http404
    try:
        handle = branding.logo.open("rb")
        with Image.open(handle) as image:  # checked when uploaded; its type from its content
            content_type = LOGO_TYPES.get(image.format or "", "application/octet-stream")
        handle.seek(0)
    except (FileNotFoundError, UnidentifiedImageError):
        raise Http404 from None
    return FileResponse(handle, content_type=content_type)
