import factory
from django.utils import timezone

from cxlean.notifications.models import Kind, Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = Kind.ACTIVITY_LATE
    title = factory.Sequence(lambda n: f"Sen: Aktivitet {n}")
    body = "Aktiviteten skulle vara klar."
    url = "/plans/"
    created_at = factory.LazyFunction(timezone.now)
