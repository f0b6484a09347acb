from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "cxlean.plans"
    verbose_name = _("Rollout plans")

    def ready(self) -> None:
        from cxlean.org import unit_pages
        from cxlean.plans.units import plan_count, unit_plans

        # The organisation's unit pages count and list plans; org sits below plans
        # and asks for them here.
        unit_pages.provide(plan_count, unit_plans)
