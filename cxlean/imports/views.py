"""The import pages: my imports, a new import (kind and file, checked for safety in
the request), a job's page (progress polled with htmx every 2 s while it runs, then
the counts or the errors by row and column) and the template download.

Imports change data, so only coordinators and superusers use these pages; employees
and management get 403. Someone else's job is a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cxlean.core.typed import AuthenticatedRequest, HtmxRequest
from cxlean.imports.forms import ImportForm
from cxlean.imports.models import ImportJob, Kind, may_import
from cxlean.imports.services import import_create
from cxlean.imports.workbooks import CONTENT_TYPE, template_filename, template_workbook

PER_PAGE = 50


def require_importer(request: HttpRequest) -> None:
    if not may_import(request.user):
        raise PermissionDenied(_("Imports are for Lean coordinators."))


@require_GET
def job_list(request: AuthenticatedRequest) -> HttpResponse:
    require_importer(request)
    jobs = ImportJob.objects.filter(requested_by=request.user).defer("errors")
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/job_list.html",
        {"page": page, "jobs": list(page.object_list), "kinds": Kind.choices},
    )


@require_http_methods(["GET", "POST"])
def job_new(request: AuthenticatedRequest) -> HttpResponse:
    require_importer(request)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in Kind.values else {}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = import_create(
            user=request.user,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            language=get_language() or "sv",
        )
        return redirect("imports:detail", job.pk)
    return render(request, "imports/job_form.html", {"form": form, "kinds": Kind.choices})


@require_GET
def job_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    require_importer(request)
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
    context = {"job": job, "unreachable": job.worker_unreachable()}
    if request.htmx:
        return render(request, "imports/includes/job_status.html", context)
    return render(request, "imports/job_detail.html", context)


@require_GET
def template(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    require_importer(request)
    if kind not in Kind.values:
        raise Http404
    response = HttpResponse(template_workbook(kind, request.user), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(kind)}"'
    return response
