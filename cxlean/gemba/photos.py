"""Photos of Gemba observations: what is accepted, and the copy shown on pages.

An upload must be a real image that Pillow opens and verifies, in JPEG, PNG or WebP,
at most 8 MB and at most 40 megapixels (a small file can declare a huge picture that
would eat the server's memory once decoded: the header is checked before any pixel is
read). The upload is stored at full size but without its metadata (`clean_photo`): EXIF
holds the GPS position, the camera and its serial number, XMP and comments may hold
more, and the API serves the stored photo. The camera's orientation is applied to the
pixels first, so the photo stays upright. Pages show `photo_display`, a JPEG at most
1600 px on the long side.
"""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
DISPLAY_MAX_SIDE = 1600
DISPLAY_QUALITY = 82


def validate_photo(file) -> None:
    """Refuse anything but a real JPEG, PNG or WebP of at most 8 MB and 40 megapixels."""
    if file is None or not file:
        return
    if getattr(file, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    size = getattr(file, "size", None)
    if size is not None and size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size)s MB; a photo may be at most %(max)s MB."),
            params={
                "size": number_format(size / 2**20, decimal_pos=1),
                "max": PHOTO_MAX_BYTES // 2**20,
            },
            code="photo_too_large",
        )
    not_an_image = ValidationError(
        _("This file is not a photo. Upload a JPEG, PNG or WebP image."), code="not_an_image"
    )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                with Image.open(file) as image:
                    image_format = image.format
                    width, height = image.size
                    if image_format not in PHOTO_FORMATS:
                        raise ValidationError(
                            _("Photos must be JPEG, PNG or WebP images; this one is %(format)s."),
                            params={"format": image_format or "?"},
                            code="photo_format",
                        )
                    if width * height > PHOTO_MAX_PIXELS:
                        raise _too_many_pixels(width * height)
                    image.verify()
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels(None) from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
                raise not_an_image from error
    finally:
        if hasattr(file, "seek"):
            file.seek(position if position is not None else 0)


def _too_many_pixels(pixels: int | None) -> ValidationError:
    if pixels is None:
        return ValidationError(
            _("The photo has too many pixels; it may be at most %(max)s megapixels."),
            params={"max": PHOTO_MAX_PIXELS // 1_000_000},
            code="photo_too_many_pixels",
        )
    return ValidationError(
        _("The photo has %(pixels)s megapixels; it may be at most %(max)s megapixels."),
        params={
            "pixels": number_format(pixels / 1_000_000, decimal_pos=1),
            "max": PHOTO_MAX_PIXELS // 1_000_000,
        },
        code="photo_too_many_pixels",
    )


def display_image_bytes(source) -> bytes:
    """The display copy of an image file as JPEG bytes: upright, at most 1600 px."""
    source.seek(0)
    with Image.open(source) as opened:
        image = ImageOps.exif_transpose(opened)
        image.thumbnail((DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE))
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.info = {}  # no EXIF or XMP in the copy either
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=DISPLAY_QUALITY, optimize=True)
    source.seek(0)
    return out.getvalue()


# What survives cleaning: how the pixels are to be read, nothing about who took them where.
KEPT_INFO = ("icc_profile", "transparency")


def clean_photo_bytes(source) -> bytes:
    """The photo re-encoded in its own format, upright, without EXIF, XMP or comments."""
    source.seek(0)
    with Image.open(source) as opened:
        image_format = opened.format
        kept = {key: opened.info[key] for key in KEPT_INFO if key in opened.info}
        image = ImageOps.exif_transpose(opened)
        image.info = {}  # the EXIF, XMP and comments Pillow would write back
        out = io.BytesIO()
        options = {"quality": 92} if image_format in ("JPEG", "WEBP") else {}
        image.save(out, format=image_format, **options, **kept)
    source.seek(0)
    return out.getvalue()


def has_metadata(source) -> bool:
    """Whether a stored photo still carries EXIF, XMP or a comment (photos uploaded
    before they were cleaned on upload)."""
    source.seek(0)
    with Image.open(source) as image:
        found = bool(image.getexif()) or any(key in image.info for key in METADATA_INFO)
    source.seek(0)
    return found


METADATA_INFO = ("exif", "xmp", "XML:com.adobe.xmp", "comment")


def clean_photo(observation) -> None:
    """Replace a new upload in `observation.photo` by its cleaned copy (not saved here:
    the caller saves the observation, and the file is stored under its upload name)."""
    photo = observation.photo
    name = PurePath(photo.name).name or "photo"
    observation.photo = ContentFile(clean_photo_bytes(photo), name=name)


def make_display_copy(observation) -> None:
    """Fill `observation.photo_display` from `observation.photo` (not saved here: the
    caller saves the observation). Without a photo the display copy is cleared."""
    if not observation.photo:
        observation.photo_display = ""
        return
    photo = observation.photo
    photo.open("rb")
    try:
        data = display_image_bytes(photo)
    finally:
        if getattr(photo, "_committed", True):
            photo.close()
    stem = PurePath(photo.name).stem or "photo"
    observation.photo_display.save(f"{stem}.jpg", ContentFile(data), save=False)
