from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "cxlean.maturity"
    verbose_name = _("CX maturity")

    def ready(self) -> None:
        from cxlean.core.events import tell_when_added
        from cxlean.maturity.models import Assessment

        tell_when_added(Assessment.assessors, Assessment.tell_invited)
