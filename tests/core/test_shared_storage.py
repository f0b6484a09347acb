"""Files on an S3-compatible server (moto's server mode on this machine, tests/conftest.py
`s3_storage`), configured with STORAGE_URL as on a production machine: uploads land in
the bucket, an export written by the worker's code path is downloaded through the web
with the same permission checks, an import file is read back from the bucket by the
worker's code path, and nothing is written under MEDIA_ROOT on the way.

Bob coordinates Kundservice, Carol Sales (another unit), Root is superuser."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image
from rest_framework.test import APIClient
from storages.backends.s3 import S3Storage

from cxlean.backlog.models import Attachment
from cxlean.core.branding import Branding
from cxlean.exports.models import ExportJob, JobStatus
from cxlean.exports.services import expire_jobs
from cxlean.gemba.models import Observation
from cxlean.imports.models import ImportJob, Status
from tests.api.conftest import api_client
from tests.conftest import login
from tests.factories import ItemFactory
from tests.gemba.factories import WalkFactory
from tests.imports.conftest import PEOPLE, rows_of, upload

pytestmark = pytest.mark.django_db


# Reaching for the disk: the media folder, a storage of one's own, a stored file's path.
LOCAL_DISK = re.compile(
    r"MEDIA_ROOT|FileSystemStorage|storage\.path\(|"
    r"\.(?:file|photo|photo_display|logo|evidence|evidence_file)\.path\b"
)


def media_files() -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).rglob("*"))


def assert_refused_to_others(address: str, owner_client: Client, stranger_client: Client) -> None:
    assert stranger_client.get(address).status_code == 404
    anonymous = Client().get(address)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_no_code_reaches_past_the_storage_api_to_the_local_disk():
    """Files are read and written through the storage (FileField, default_storage), so
    that they can be in a bucket: no module but the settings names MEDIA_ROOT, builds a
    storage of its own, or asks a stored file for its path on disk."""
    package = Path(settings.BASE_DIR) / "cxlean"
    allowed = {package / "settings.py", package / "core" / "storage.py"}
    found = []
    for module in package.rglob("*.py"):
        if module in allowed or "migrations" in module.parts:
            continue
        text = module.read_text(encoding="utf-8")
        found += [f"{module.relative_to(package)}: {hit}" for hit in LOCAL_DISK.findall(text)]
    assert found == []


def test_the_storage_is_s3(s3_storage):
    assert isinstance(default_storage, S3Storage)
    name = default_storage.save("probe/hello.txt", io.BytesIO(b"hello"))
    assert s3_storage.keys() == [name]
    # Addresses the storage makes itself are signed and short-lived, never public.
    address = default_storage.url(name)
    assert "X-Amz-Signature=" in address and "X-Amz-Expires=300" in address
    assert media_files() == []


def test_an_export_written_by_the_worker_is_downloaded_through_the_web_by_its_owner_only(
    s3_storage, as_user, bob, carol, service_unit, django_capture_on_commit_callbacks
):
    ItemFactory(title="Kortare telefonkö", unit=service_unit)
    client = as_user(bob)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task (eager)
        response = client.post(reverse("exports:new"), {"kind": "backlog"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert s3_storage.keys() == [job.file.name] and job.file.name.startswith("exports/")

    address = reverse("exports:download", args=[job.pk])
    download = client.get(address)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content == s3_storage.read(job.file.name)
    titles = [row[2] for row in load_workbook(io.BytesIO(content)).worksheets[0].values]
    assert "Kortare telefonkö" in titles
    assert_refused_to_others(address, client, as_user(carol))
    assert media_files() == []


def test_an_expired_export_is_removed_from_the_bucket(
    s3_storage, as_user, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(bob).post(reverse("exports:new"), {"kind": "backlog"})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=job.created_at)
    assert expire_jobs() == 1
    assert s3_storage.keys() == []
    assert as_user(bob).get(reverse("exports:download", args=[job.pk])).status_code == 410


def test_an_attachment_is_uploaded_to_the_bucket_and_read_with_permission_checks(
    s3_storage, as_user, alice, bob, carol, scored_item
):
    upload_ = SimpleUploadedFile("mätning.csv", "dag;kö\n1;40\n".encode(), content_type="text/csv")
    response = as_user(alice).post(
        reverse("backlog:attachment", args=[scored_item.pk]),
        {"file": upload_, "description": "Kötider"},
    )
    assert response.status_code == 302
    found = Attachment.objects.get()
    assert s3_storage.keys() == [found.file.name]
    assert s3_storage.read(found.file.name) == "dag;kö\n1;40\n".encode()

    address = reverse("backlog:attachment_file", args=[found.pk])
    download = as_user(bob).get(address)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "dag;kö\n1;40\n".encode()
    assert download["X-Content-Type-Options"] == "nosniff"
    assert_refused_to_others(address, as_user(bob), as_user(carol))
    assert media_files() == []


def test_the_branding_logo_is_stored_in_the_bucket_and_served_by_the_app(s3_storage, root):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#5b2a6e").save(buffer, "PNG")
    api = APIClient()
    api.force_authenticate(root)
    response = api.patch(
        "/api/v1/branding/",
        {"name": "Nordljus", "logo": SimpleUploadedFile("logo.png", buffer.getvalue())},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    branding = Branding.objects.get()
    assert s3_storage.keys() == [branding.logo.name]
    served = Client().get(reverse("core:branding-logo"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == buffer.getvalue()
    assert media_files() == []


def test_an_import_file_is_read_from_the_bucket_by_the_worker_and_then_removed(
    s3_storage, as_user, bob, service_team, django_capture_on_commit_callbacks
):
    content = rows_of(PEOPLE, {"username": "new.one", "unit": "chat"})
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(bob).post(
            reverse("imports:new"), {"kind": PEOPLE, "file": upload(content, "people.xlsx")}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert s3_storage.keys() == [job.file.name] and job.file.name.startswith("imports/")
    for callback in callbacks:  # sent to the worker after the commit (eager here)
        callback()
    job.refresh_from_db()
    assert job.status == Status.DONE, job.errors
    assert job.created_count == 1
    assert s3_storage.keys() == []  # and removed once imported (it may hold personal data)
    assert media_files() == []


def test_a_gemba_photo_and_its_display_copy_are_made_in_the_bucket_and_read_with_checks(
    s3_storage, service_unit, bob, alice, carol, maria
):
    walk = WalkFactory(unit=service_unit, leader=bob, participants=[alice])
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), "#1a6440").save(buffer, "PNG")
    response = api_client(alice).post(
        reverse("gemba-observation-list"),
        {
            "walk": walk.pk,
            "text": "Skylten syns inte.",
            "photo": SimpleUploadedFile("floor.png", buffer.getvalue(), content_type="image/png"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    observation = Observation.objects.get()
    assert s3_storage.keys() == sorted([observation.photo.name, observation.photo_display.name])

    address = reverse("gemba-observation-display", args=[observation.pk])
    shown = api_client(maria).get(address)
    assert shown.status_code == 200
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as image:
        assert image.format == "JPEG" and image.size == (1600, 800)
    assert api_client(carol).get(address).status_code == 404
    assert api_client().get(address).status_code == 403
    assert media_files() == []


def test_the_admin_links_stored_files_through_the_apps_checked_downloads(
    s3_storage, service_unit, bob, alice, maria, root
):
    """Whoever edits or reads an observation or a checklist tick in the admin is linked
    to the app's download, which checks who asks, not to the bucket."""
    from tests.checklists.factories import AssignmentFactory, CompletionFactory

    walk = WalkFactory(unit=service_unit, leader=bob, participants=[alice])
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20)).save(buffer, "PNG")
    observation = Observation.objects.create(
        walk=walk, text="Skylten", photo=SimpleUploadedFile("a.png", buffer.getvalue())
    )
    completion = CompletionFactory(
        assignment=AssignmentFactory(unit=service_unit),
        person=alice,
        evidence=SimpleUploadedFile("underlag.txt", b"gjort"),
    )
    Branding.objects.create(name="Nordljus", logo=SimpleUploadedFile("logo.png", buffer.getvalue()))
    pages = {
        reverse("admin:core_branding_change", args=[Branding.SINGLETON_ID]): (
            Branding.objects.get().logo_url,
            (root, maria),
        ),
        reverse("admin:gemba_observation_change", args=[observation.pk]): (
            reverse("gemba-observation-photo", args=[observation.pk]),
            (bob, maria),  # changes it, reads it
        ),
        reverse("admin:gemba_walk_change", args=[walk.pk]): (
            reverse("gemba-observation-photo", args=[observation.pk]),
            (bob, maria),
        ),
        reverse("admin:checklists_completion_change", args=[completion.pk]): (
            reverse("checklists:evidence", args=[completion.pk]),
            (root, bob),
        ),
    }
    for page, (download, people) in pages.items():
        for person in people:
            html = login(person).get(page).content.decode()
            assert f'href="{download}"' in html, (page, person.username)
            assert s3_storage.name not in html and "X-Amz-Signature" not in html


def test_every_file_field_an_admin_shows_links_through_a_checked_download():
    """No admin shows a stored file with Django's own link to the storage: each file
    field in an admin's (or inline's) fields is one of its `checked_files`."""
    from django.contrib import admin
    from django.contrib.admin.utils import flatten
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    shown, unchecked = [], []
    for model, model_admin in admin.site._registry.items():
        admins = [(model, model_admin), *((i.model, i) for i in model_admin.inlines)]
        for shown_model, shown_admin in admins:
            for name in flatten(shown_admin.fields or []):
                try:
                    field = shown_model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue  # a display method
                if isinstance(field, models.FileField):
                    kind = shown_admin if isinstance(shown_admin, type) else type(shown_admin)
                    where = f"{kind.__name__}: {shown_model.__name__}.{name}"
                    shown.append(where)
                    if name not in getattr(shown_admin, "checked_files", {}):
                        unchecked.append(where)
    assert len(shown) >= 4  # the logo, checklist evidence, a Gemba photo (admin, inline)
    assert unchecked == []
