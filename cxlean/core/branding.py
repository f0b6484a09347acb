"""The organisation's name, logo and brand colour, set once by a superuser and shown by
the app's header, the admin's header, e-mails (the sender's name) and Excel exports.

There is at most one `Branding` (it is always saved as row 1). Nothing set means
cxlean's own look: the name "cxlean", the green header and the ✓ mark.

Pages read the brand through `current_brand()`: one query, then the cache (Django's
default cache) until the branding is saved or deleted, which clears it. With a cache
shared by every process (`CACHE_URL`, e.g. Redis) a change shows at once everywhere; with
the per-process default, the other processes follow within `CACHE_SECONDS`.

The colour is the header's background behind white text, so it must reach WCAG AA
(4.5:1) against white; the logo must be a real PNG, JPEG or WebP image (checked by
content, not by name: SVG is refused, as it can carry scripts), at most 1 MB and
2000 × 2000 pixels.
"""

from __future__ import annotations

import math
import posixpath
import re
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from simple_history.models import HistoricalRecords

from cxlean.core.uploads import refuse_if_larger

DEFAULT_NAME = "cxlean"
DEFAULT_COLOUR = "#0f3d27"  # the app's header green (--green-900 in static/css/cxlean.css)
MIN_CONTRAST = 4.5  # WCAG AA for normal text: the header's white text on the colour
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
CACHE_KEY = "cxlean:brand"
CACHE_SECONDS = 300
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- colours -------------------------------------------------------------------------


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG 2)."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def darker(colour: str, share: float = 0.25) -> str:
    """The colour mixed with `share` black: the navigation bar below the header."""
    channels = (int(colour[start : start + 2], 16) for start in (1, 3, 5))
    return "#" + "".join(f"{round(value * (1 - share)):02x}" for value in channels)


def validate_brand_colour(value: str) -> None:
    """A #rrggbb colour white text can be read on."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter the colour as # and six hexadecimal digits, for example #0f3d27."),
            code="colour_format",
        )
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of only %(ratio)s:1; the header "
                "needs at least %(minimum)s:1 to stay readable. Choose a darker colour."
            ),
            params={
                "colour": value,
                # Rounded down: 4.46 must not read as the 4.5 it falls short of.
                "ratio": number_format(math.floor(ratio * 10) / 10, decimal_pos=1),
                "minimum": number_format(MIN_CONTRAST, decimal_pos=1),
            },
            code="colour_contrast",
        )


# --- the logo --------------------------------------------------------------------------


def validate_logo(file) -> None:
    """A real PNG, JPEG or WebP image of at most 1 MB and 2000 × 2000 pixels."""
    if not file or getattr(file, "_committed", False):
        return  # nothing new: a stored logo was checked when it was uploaded
    refuse_if_larger(
        file,
        LOGO_MAX_BYTES,
        _("The logo is %(size)s MB; a logo may be at most %(max)s MB."),
    )
    not_an_image = ValidationError(
        _("This file is not an image. Upload the logo as a PNG, JPEG or WebP image."),
        code="not_an_image",
    )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format, (width, height) = image.format, image.size
                image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise not_an_image from error
    finally:
        file.seek(position or 0)
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("A logo must be a PNG, JPEG or WebP image; this one is %(format)s."),
            params={"format": image_format or "?"},
            code="logo_format",
        )
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo is %(width)s × %(height)s pixels; it may be at most %(max)s on each side."),
            params={"width": width, "height": height, "max": LOGO_MAX_SIDE},
            code="logo_too_large",
        )


# --- the model -------------------------------------------------------------------------


class Branding(models.Model):
    """The organisation's name, logo and brand colour: one row, row 1."""

    SINGLETON_ID = 1

    name = models.CharField(
        _("organisation name"),
        max_length=80,
        default=DEFAULT_NAME,
        help_text=_("Shown in the header of the app and the admin, in e-mails and exports."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        validators=[validate_logo],
        help_text=_("A PNG, JPEG or WebP image of at most 1 MB, shown at 2 rem high."),
    )
    colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default=DEFAULT_COLOUR,
        validators=[validate_brand_colour],
        help_text=_(
            "The header's background behind white text, as #rrggbb; it must be dark "
            "enough for white text (contrast at least 4.5:1)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_ID
        self.colour = self.colour.lower()
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(CACHE_KEY)
        return result

    @property
    def logo_url(self) -> str:
        """Where pages load the logo: uploads are not served from MEDIA_URL, so a view
        (`cxlean.core.views.branding_logo`); the file's name in the address makes a new
        logo a new address, past any cached copy."""
        if not self.logo:
            return ""
        version = quote(posixpath.basename(self.logo.name or ""))
        return f"{reverse('core:branding-logo')}?v={version}"


# --- what pages read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """What pages, e-mails and exports show (a plain value: it is kept in the cache)."""

    name: str = DEFAULT_NAME
    colour: str = DEFAULT_COLOUR
    logo_url: str = ""

    @property
    def dark(self) -> str:
        return darker(self.colour)

    @property
    def is_own_colour(self) -> bool:
        """Whether the colour differs from cxlean's own (the app's CSS draws that one)."""
        return self.colour != DEFAULT_COLOUR

    @classmethod
    def of(cls, branding: Branding | None) -> Brand:
        if branding is None:
            return cls()
        return cls(
            name=branding.name.strip() or DEFAULT_NAME,
            colour=branding.colour,
            logo_url=branding.logo_url,
        )


def current_brand() -> Brand:
    """The organisation's brand: one query, then cached until the branding changes."""
    brand = cache.get(CACHE_KEY)
    if brand is None:
        brand = Brand.of(Branding.objects.filter(pk=Branding.SINGLETON_ID).first())
        cache.set(CACHE_KEY, brand, CACHE_SECONDS)
    return brand
