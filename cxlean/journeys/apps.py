from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "cxlean.journeys"
    verbose_name = _("Customer journeys and Voice of the Customer")
