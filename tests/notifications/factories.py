import factory
from django.utils import timezone

from cxlean.notifications.models import Kind, Notification
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification with a fixed text (stored as the fallback a notification written
    before rendering at read time keeps): `title` and `body` are factory parameters."""

    class Meta:
        model = Notification

    class Params:
        title = factory.Sequence(lambda n: f"Sen: Aktivitet {n}")
        body = "Aktiviteten skulle vara klar."

    user = factory.SubFactory(UserFactory)
    kind = Kind.ACTIVITY_LATE
    params = factory.LazyAttribute(lambda o: {"fallback": {"title": o.title, "body": o.body}})
    url = "/plans/"
    created_at = factory.LazyFunction(timezone.now)
