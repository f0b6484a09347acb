import django_filters

from cxlean.notifications.models import Kind, Notification
from cxlean.org.api.filters import StrictBooleanFilter


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(
        method="filter_unread", help_text="true: unread only; false: read only."
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)
