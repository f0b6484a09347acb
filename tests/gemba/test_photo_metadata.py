"""Photos are stored without their metadata (GPS position, camera, XMP), upright, and
the same way whichever surface took the upload: the web form, the API or the admin.
The API serves the stored photo, so what it serves is the cleaned one too."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from cxlean.backlog.models import MudaKind
from cxlean.gemba.models import Observation, Severity
from tests.api.conftest import api_client
from tests.gemba.factories import ObservationFactory

pytestmark = pytest.mark.django_db

GPS_INFO, MAKE, MODEL, ORIENTATION = 0x8825, 0x010F, 0x0110, 0x0112
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>secret-place</x:xmpmeta>'


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def phone_photo(image_format="JPEG") -> SimpleUploadedFile:
    """A 200×100 picture taken with the phone turned: EXIF says rotate 90° to view, and
    where and with what camera it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "Fruit"
    exif[MODEL] = "Phone 15"
    exif.get_ifd(GPS_INFO).update({1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 0.0)})
    out = io.BytesIO()
    extra = {"xmp": XMP} if image_format == "JPEG" else {}
    Image.new("RGB", (200, 100), (30, 120, 60)).save(
        out, format=image_format, exif=exif.tobytes(), **extra
    )
    name = "phone.jpg" if image_format == "JPEG" else f"phone.{image_format.lower()}"
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{image_format.lower()}")


def assert_clean(data: bytes, image_format="JPEG") -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == image_format
        assert image.size == (100, 200)  # upright
        assert not dict(image.getexif())
        assert "xmp" not in image.info and "exif" not in image.info
    assert b"secret-place" not in data and b"Phone 15" not in data


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_the_model_stores_a_photo_without_metadata(image_format):
    observation = ObservationFactory(photo=phone_photo(image_format))
    with observation.photo.open("rb") as stored:
        assert_clean(stored.read(), image_format)


def test_web_upload_is_stored_without_metadata(as_user, alice, walk):
    data = {
        "text": "Skylten syns inte.",
        "waste": MudaKind.WAITING,
        "severity": str(Severity.HIGH),
        "touchpoint": "",
        "client_token": str(uuid.uuid4()),
        "photo": phone_photo(),
    }
    response = as_user(alice).post(reverse("gemba:observe", args=[walk.pk]), data)
    assert response.status_code == 302
    original = as_user(alice).get(
        reverse("gemba:photo", args=[Observation.objects.get().pk]), {"original": "1"}
    )
    assert_clean(b"".join(original.streaming_content))


def test_api_upload_is_served_without_metadata(alice, walk):
    client = api_client(alice)
    response = client.post(
        reverse("gemba-observation-list"),
        {"walk": walk.pk, "text": "Skylten syns inte.", "photo": phone_photo()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    observation = Observation.objects.get()
    served = client.get(reverse("gemba-observation-photo", args=[observation.pk]))
    assert served.status_code == 200
    assert_clean(b"".join(served.streaming_content))
    display = client.get(reverse("gemba-observation-display", args=[observation.pk]))
    assert_clean(b"".join(display.streaming_content))


def test_admin_upload_is_stored_without_metadata(as_user, bob, walk):
    observation = ObservationFactory(walk=walk, text="Kö vid disken.")
    data = {
        "walk": walk.pk,
        "text": observation.text,
        "waste": "",
        "muda_kind": "",
        "severity": observation.severity,
        "touchpoint": "",
        "photo": phone_photo(),
    }
    url = reverse("admin:gemba_observation_change", args=[observation.pk])
    response = as_user(bob).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    observation.refresh_from_db()
    with observation.photo.open("rb") as stored:
        assert_clean(stored.read())


def test_the_command_cleans_photos_stored_before(walk):
    observation = ObservationFactory(walk=walk)
    raw = phone_photo()
    # Stored as it came, the way uploads were kept before they were cleaned.
    observation.photo.storage.save("gemba/old.jpg", raw)
    Observation.objects.filter(pk=observation.pk).update(photo="gemba/old.jpg")
    out = io.StringIO()
    call_command("gemba_clean_photos", stdout=out)
    observation.refresh_from_db()
    with observation.photo.open("rb") as stored:
        assert_clean(stored.read())
    assert observation.photo_display
    assert "1 photo(s) cleaned." in out.getvalue()
    call_command("gemba_clean_photos", stdout=out)  # a second run changes nothing
