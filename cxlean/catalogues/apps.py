from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CataloguesConfig(AppConfig):
    """`python manage.py load_catalogue`: every app's shipped catalogue, loaded ADD-only.
    It sits above the area apps, which each load their own part."""

    name = "cxlean.catalogues"
    verbose_name = _("Catalogues")
