from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cxlean.guide.models import GuideStep


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The seven steps of the method, each with its recommended activities."""
    steps = GuideStep.objects.prefetch_related("activities")
    return render(request, "guide/index.html", {"steps": steps})


@require_GET
def step(request: HttpRequest, number: int) -> HttpResponse:
    step = get_object_or_404(GuideStep, number=number)
    return render(
        request,
        "guide/step.html",
        {
            "step": step,
            "activities": step.activities.all(),
            "previous_step": GuideStep.objects.filter(number__lt=number)
            .order_by("-number")
            .first(),
            "next_step": GuideStep.objects.filter(number__gt=number).order_by("number").first(),
        },
    )
