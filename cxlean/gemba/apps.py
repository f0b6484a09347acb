from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GembaConfig(AppConfig):
    name = "cxlean.gemba"
    verbose_name = _("Gemba walks")
