from django.conf import settings
from django.db import models


class Claims(models.Model):
    """What the provider says about one of its people beyond the login: any claims
    (`groups`, `department`...), and, for the refusal tests, how to spoil their ID token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.JSONField(default=dict)
    spoil = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return str(self.user)
