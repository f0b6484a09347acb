from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "cxlean.insights"
    verbose_name = _("Management review")

    def ready(self) -> None:
        from cxlean.insights.evidence import unit_evidence
        from cxlean.maturity import evidence

        # The maturity assessment page shows the measured indicators beside the
        # self-assessment; maturity asks for them without importing insights.
        evidence.provide(unit_evidence)
