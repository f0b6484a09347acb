"""Django strings that Django's own Swedish catalogue does not translate yet.

Naming them here puts them in the project's catalogue (``makemessages`` finds them), and
the project's catalogue comes before Django's in LOCALE_PATHS order.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    # Django 6.1's empty choice in select boxes (django.db.models.fields.BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
    # The admin's date hierarchy label (admin/date_hierarchy.html).
    gettext_noop("Filter by %(field_name)s"),
)
