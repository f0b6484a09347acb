from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GembaConfig(AppConfig):
    name = "cxlean.gemba"
    verbose_name = _("Gemba walks")

    def ready(self) -> None:
        from cxlean.core.events import tell_when_added
        from cxlean.gemba.models import Walk

        tell_when_added(Walk.participants, Walk.tell_invited)
