"""Observation photos: only real JPEG, PNG or WebP images of at most 8 MB and 40
megapixels; a display copy, upright and at most 1600 px, made when the photo changes."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cxlean.gemba.photos import PHOTO_MAX_BYTES, validate_photo
from tests.gemba.factories import ObservationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(size=(40, 30), image_format="PNG", color=(200, 30, 30), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, format=image_format, exif=exif)
    else:
        image.save(out, format=image_format)
    return out.getvalue()


def upload(data: bytes, name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_header(width: int, height: int) -> bytes:
    """A PNG that only declares its size: what a decompression bomb looks like before
    anyone decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def error_code(file) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_photo(file)
    return raised.value.error_list[0].code


def test_a_real_png_jpeg_and_webp_pass():
    for image_format, name in (("PNG", "a.png"), ("JPEG", "a.jpg"), ("WEBP", "a.webp")):
        file = upload(image_bytes(image_format=image_format), name)
        validate_photo(file)
        assert file.tell() == 0  # left ready to be saved


def test_a_text_file_named_jpg_is_not_a_photo():
    file = upload(b"just some notes, not a picture", "notes.jpg", "image/jpeg")
    assert error_code(file) == "not_an_image"


def test_a_truncated_image_is_not_a_photo():
    file = upload(image_bytes(image_format="PNG")[:60], "cut.png")
    assert error_code(file) == "not_an_image"


def test_other_image_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    assert error_code(upload(out.getvalue(), "anim.gif", "image/gif")) == "photo_format"


def test_a_file_over_8_mb_is_refused_before_it_is_read():
    file = upload(image_bytes(), "big.png")
    file.size = PHOTO_MAX_BYTES + 1
    with pytest.raises(ValidationError) as raised:
        validate_photo(file)
    assert raised.value.error_list[0].code == "photo_too_large"
    message = str(raised.value.error_list[0].message % raised.value.error_list[0].params)
    assert "8" in message


@pytest.mark.parametrize(
    "size", [(8000, 6000), (20000, 20000)], ids=["48 megapixels", "a decompression bomb"]
)
def test_too_many_pixels_are_refused_without_decoding(size):
    file = upload(png_header(*size), "bomb.png")
    assert file.size < 1000
    assert error_code(file) == "photo_too_many_pixels"


def test_a_photo_gets_a_display_copy(media):
    observation = ObservationFactory(photo=upload(image_bytes((3200, 1600)), "floor.png"))
    assert observation.photo.name.startswith("gemba/")
    assert observation.photo_display.name.startswith("gemba/display/")
    assert observation.photo_display.name.endswith(".jpg")
    with Image.open(observation.photo_display.path) as display:
        assert display.format == "JPEG"
        assert display.size == (1600, 800)
    with Image.open(observation.photo.path) as original:  # kept as uploaded
        assert original.size == (3200, 1600)
    assert observation.history.count() == 1  # one save, one history row


def test_a_small_photo_is_not_enlarged_and_transparency_becomes_white():
    out = io.BytesIO()
    Image.new("RGBA", (50, 20), (0, 0, 0, 0)).save(out, format="PNG")
    observation = ObservationFactory(photo=upload(out.getvalue(), "clear.png"))
    with Image.open(observation.photo_display.path) as display:
        assert display.size == (50, 20)
        assert display.getpixel((5, 5)) == (255, 255, 255)


def test_the_camera_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    data = image_bytes((200, 100), "JPEG", exif=exif.tobytes())
    observation = ObservationFactory(photo=upload(data, "phone.jpg", "image/jpeg"))
    with Image.open(observation.photo_display.path) as display:
        assert display.size == (100, 200)


def test_the_display_copy_follows_the_photo():
    observation = ObservationFactory(photo=upload(image_bytes((100, 100)), "one.png"))
    first = observation.photo_display.name
    observation.text = "Ändrad text"
    observation.save()
    assert observation.photo_display.name == first  # photo unchanged: copy kept
    observation.photo = upload(image_bytes((300, 100)), "two.png")
    observation.save()
    assert observation.photo_display.name != first
    with Image.open(observation.photo_display.path) as display:
        assert display.size == (300, 100)
    observation.photo = ""
    observation.save()
    observation.refresh_from_db()
    assert not observation.photo and not observation.photo_display


def test_full_clean_refuses_a_non_image_on_the_model():
    observation = ObservationFactory.build(photo=upload(b"%PDF-1.4", "scan.jpg", "image/jpeg"))
    with pytest.raises(ValidationError) as raised:
        observation.full_clean(exclude=["walk"])
    assert "photo" in raised.value.message_dict
