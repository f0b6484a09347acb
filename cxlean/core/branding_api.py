"""The organisation's branding in the API: everyone signed in reads it, superusers
change it (PATCH, JSON or multipart for the logo). See `cxlean.core.branding`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, serializers

from cxlean.core.api import ModelValidatedSerializer
from cxlean.core.branding import Branding


class LogoField(serializers.ImageField):
    """Uploaded as a file; read as the address pages load it from (uploads are not
    served from MEDIA_URL)."""

    def to_representation(self, value):
        if not value:
            return None
        url = value.instance.logo_url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class BrandingSerializer(ModelValidatedSerializer):
    """The organisation's name, logo and brand colour."""

    logo = LogoField(
        allow_null=True,
        required=False,
        help_text="The logo's address (read); a PNG, JPEG or WebP file (write); null removes it.",
    )

    class Meta:
        model = Branding
        fields = ["name", "logo", "colour"]


class SuperusersChange(permissions.BasePermission):
    message = _("Only a superuser changes the organisation's branding.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.is_superuser


@extend_schema_view(
    get=extend_schema(
        summary="The organisation's branding",
        description="The organisation's name, logo (a URL, or null) and brand colour "
        "(#rrggbb), as the app, the admin, e-mails and exports show them. Before a superuser "
        "sets them: the name `cxlean` and cxlean's green. Everyone signed in may read it.",
    ),
    patch=extend_schema(
        summary="Change the organisation's branding",
        description="Superusers only. `colour` must be #rrggbb and dark enough for the "
        "header's white text (contrast at least 4.5:1); `logo` a PNG, JPEG or WebP image of "
        "at most 1 MB and 2000 × 2000 pixels (send multipart/form-data; null removes it).",
    ),
)
@extend_schema(tags=["organisation"])
class BrandingView(generics.RetrieveUpdateAPIView):
    serializer_class = BrandingSerializer
    permission_classes = [permissions.IsAuthenticated, SuperusersChange]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Branding:
        # Before anything is set, cxlean's defaults (not saved until someone changes them).
        return Branding.objects.filter(pk=Branding.SINGLETON_ID).first() or Branding()
