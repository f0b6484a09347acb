"""The user manual at /help/: the chapters, one chapter, search, and all of it for print."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cxlean.help import manual


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The manual's start: the introduction and the list of chapters."""
    return render(
        request,
        "help/index.html",
        {"intro": manual.chapter("index"), "chapters": manual.chapters()[1:]},
    )


@require_GET
def chapter(request: HttpRequest, slug: str) -> HttpResponse:
    found = manual.chapter(slug)
    if found is None or slug == "index":
        raise Http404
    chapters = manual.chapters()
    slugs = [each.slug for each in chapters]
    at = slugs.index(slug)
    return render(
        request,
        "help/chapter.html",
        {
            "chapter": found,
            "previous_chapter": chapters[at - 1] if at > 1 else None,
            "next_chapter": chapters[at + 1] if at + 1 < len(chapters) else None,
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "help/search.html", {"query": query, "hits": manual.search(query)})


@require_GET
def print_all(request: HttpRequest) -> HttpResponse:
    """Every chapter on one page, each starting on a new printed page."""
    return render(request, "help/print.html", {"chapters": manual.chapters()})


@require_GET
def screenshot(request: HttpRequest, name: str) -> FileResponse:
    """A screenshot of the manual in the reader's language (`make screenshots`)."""
    found = manual.screenshot_path(name)
    if not manual.SCREENSHOT.match(f"screenshots/{name}") or not found.is_file():
        raise Http404
    return FileResponse(found.open("rb"), content_type="image/png")
