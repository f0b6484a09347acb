"""The guide is an organisation-wide catalogue: everyone signed in reads it,
the CX owner and superusers curate it; coordinators propose changes."""

from __future__ import annotations

from rest_framework import viewsets

from cxlean.core.api import documented
from cxlean.guide.api.filters import GuideActivityFilter
from cxlean.guide.api.serializers import GuideActivitySerializer, GuideStepSerializer
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.org.api_permissions import CatalogueOwnersWrite


@documented(["guide"])
class GuideStepViewSet(viewsets.ModelViewSet):
    """The steps of the rollout method, each with its recommended activities."""

    queryset = GuideStep.objects.prefetch_related("activities")
    serializer_class = GuideStepSerializer
    permission_classes = [CatalogueOwnersWrite]
    search_fields = ["title_sv", "title_en", "description_sv", "description_en"]
    ordering_fields = ["number", "weight"]
    ordering = ["number"]


@documented(["guide"])
class GuideActivityViewSet(viewsets.ModelViewSet):
    """Activities the guide recommends; copied into plans created from the guide."""

    queryset = GuideActivity.objects.all()
    serializer_class = GuideActivitySerializer
    permission_classes = [CatalogueOwnersWrite]
    filterset_class = GuideActivityFilter
    search_fields = ["title_sv", "title_en", "description_sv", "description_en"]
    ordering_fields = ["step__number", "order", "id"]
    ordering = ["step__number", "order", "id"]
