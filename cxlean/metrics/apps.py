from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "cxlean.metrics"
    verbose_name = _("CX metrics")

    def ready(self) -> None:
        from cxlean.metrics import signals  # noqa: F401  (connects the roll-up signals)
