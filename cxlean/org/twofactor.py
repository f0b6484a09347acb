"""Two-factor sign-in for the admin (django-otp, TOTP codes from an authenticator app).

`ADMIN_2FA` decides: "required-for-superusers" (the default) sends a superuser to the admin
only after a code from their authenticator app in this session; anyone else with a
confirmed device is asked for a code too, and may set one up. "off" asks nobody.

The setup page shows a QR code (inline SVG from segno) and confirms the device with a
first code; the verify page asks for a code. Both are in the app's design (templates/
registration/two_factor_*.html). The web pages and the API are not affected.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

OFF = "off"
REQUIRED_FOR_SUPERUSERS = "required-for-superusers"
MODES = (OFF, REQUIRED_FOR_SUPERUSERS)
DEVICE_NAME = "authenticator"


def mode() -> str:
    value = getattr(settings, "ADMIN_2FA", REQUIRED_FOR_SUPERUSERS)
    return value if value in MODES else REQUIRED_FOR_SUPERUSERS


def required_for(user: User) -> bool:
    """Must `user` give a code before the admin? Superusers always (unless off); anyone
    else once they have set up a device."""
    if mode() == OFF or not user.is_authenticated or not user.is_staff:
        return False
    return user.is_superuser or user_has_device(user)


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def pending_device(user: User) -> TOTPDevice:
    """The person's unconfirmed authenticator, made once and shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0f3d27", omitsize=False
    )


def secret_text(device: TOTPDevice) -> str:
    """The key as typed into an app without a camera: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirmed_devices(user: User):
    return list(devices_for_user(user, confirmed=True))


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


class AdminTwoFactorMiddleware:
    """Sends a person who must give a code (`required_for`) from the admin to the verify
    page, or to the setup page when they have no device yet. After OTPMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if self.must_verify(request):
            page = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(page)}?{query}")
        return self.get_response(request)

    @staticmethod
    def must_verify(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        admin_root = reverse("admin:index")
        path = request.path_info
        if not path.startswith(admin_root) or path == reverse("admin:logout"):
            return False
        return required_for(user) and not is_verified(request)
