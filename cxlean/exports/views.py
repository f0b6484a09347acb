"""The exports pages: my exports, asking for one (the feature pages' buttons), a job's
page with its progress (polled by htmx every 2 s while it waits or runs), and the
permission-checked download.

A job is seen and downloaded only by the person who asked (superusers every job);
anyone else gets a 404 that says nothing about it. A file past its expiry is a 410
with a message, never a stale download.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cxlean.core.redirects import safe_back
from cxlean.core.tasks import broker_status
from cxlean.exports.kinds import RequestRefused
from cxlean.exports.models import ExportJob, JobStatus, keep_days
from cxlean.exports.services import request_export

JOBS_PER_PAGE = 25
POLL_SECONDS = 2
# A job still queued after this long makes the page ask whether the broker answers (the
# check takes up to two seconds when it does not, so not on every page).
ASK_BROKER_AFTER_SECONDS = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_jobs(user):
    return ExportJob.objects.visible_to(user).select_related("requested_by")


def broker_note(jobs) -> bool:
    """Whether to say that the broker is not reachable: only when a job has waited."""
    now = timezone.now()
    if not any(job.waited_long(ASK_BROKER_AFTER_SECONDS, now) for job in jobs):
        return False
    return broker_status() != "ok"


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(visible_jobs(request.user), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    jobs = list(page.object_list)
    return render(
        request,
        "exports/job_list.html",
        {
            "page": page,
            "jobs": jobs,
            "broker_down": broker_note(jobs),
            "poll": POLL_SECONDS,
            "keep_days": keep_days(),
        },
    )


@require_POST
def job_new(request: HttpRequest) -> HttpResponse:
    """From a feature page's export button: the kind and the page's filters."""
    kind = request.POST.get("kind", "")
    params = {name: value for name, value in request.POST.items() if name != "kind"}
    try:
        job = request_export(request.user, kind, params)
    except RequestRefused as refused:
        if refused.forbidden:
            raise PermissionDenied(" ".join(refused.messages())) from None
        return render(
            request,
            "exports/refused.html",
            {"messages_": refused.messages(), "back": safe_back(request)},
            status=400,
        )
    return redirect("exports:detail", pk=job.pk)


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    return render(
        request,
        "exports/job_detail.html",
        {"job": job, "broker_down": broker_note([job]), "poll": POLL_SECONDS},
    )


@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state as a fragment for htmx: a table row (?as=row) or the job page's
    card. The poll says what it shows (?seen=status:progress): nothing changed is a 204,
    which htmx leaves alone. A changed status is also announced to screen readers (the
    page's live region, out of band). The fragment carries the polling trigger only while
    the job waits or runs, so polling stops by itself once the job is finished."""
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    broker_down = broker_note([job])
    seen = request.GET.get("seen", "")
    if seen == state_of(job, broker_down):
        return HttpResponse(status=204)
    as_row = request.GET.get("as") == "row"
    template = "exports/includes/job_row.html" if as_row else "exports/includes/job_card.html"
    context = {
        "job": job,
        "broker_down": broker_down,
        "poll": POLL_SECONDS,
        "announce": bool(seen) and seen.split(":")[0] != job.status,
    }
    return render(request, template, context)


def state_of(job: ExportJob, broker_down: bool) -> str:
    """What a fragment shows, as its poll repeats it: "running:45:0"."""
    return f"{job.status}:{job.progress}:{int(broker_down)}"


@require_GET
def job_download(request: HttpRequest, pk: int):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    if job.status == JobStatus.EXPIRED or (job.is_done and job.is_expired()):
        return render(request, "exports/gone.html", {"job": job}, status=410)
    if not job.is_downloadable():
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.download_name(), content_type=XLSX
    )
