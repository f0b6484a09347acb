"""Query-string filters for the guide."""

import django_filters

from cxlean.guide.models import GuideActivity
from cxlean.org.api.filters import IdFilter


class GuideActivityFilter(django_filters.FilterSet):
    step = IdFilter(field_name="step_id")
    step_number = django_filters.NumberFilter(field_name="step__number")

    class Meta:
        model = GuideActivity
        fields = ["step", "step_number"]
