"""Uploads are checked by their content, whatever kind they are; stored under generated
paths; and served back with the right type: PDF and images in the browser, anything else
downloaded, never sniffed, never HTML or SVG."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxlean.backlog.models import Attachment
from cxlean.checklists.models import Completion
from cxlean.competence.models import Record
from cxlean.core.uploads import content_matches, stored_name, upload_response
from cxlean.gemba.photos import validate_photo
from cxlean.imports.safety import check_workbook
from tests.factories import AttachmentFactory, ItemFactory

PAGE = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


REAL = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "docx": office("word/"),
    "xlsx": office("xl/"),
    "pptx": office("ppt/"),
    "txt": "Anteckningar från mötet: kö 40 min.\n".encode(),
    "csv": "dag;kö\n1;40\n".encode("cp1252"),
}


@pytest.mark.parametrize("extension", sorted(REAL))
def test_real_documents_are_recognised(extension):
    assert content_matches(io.BytesIO(REAL[extension]), extension)


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", PAGE),
        ("photo.png", SVG),
        ("photo.jpg", b"GIF89a"),
        ("notes.txt", PAGE),
        ("data.csv", SVG),
        ("slides.pptx", office("word/")),
        ("sheet.xlsx", b"PK\x03\x04 not really a zip"),
        ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
)
def test_disguised_files_are_not_recognised(name, content):
    assert not content_matches(io.BytesIO(content), name.rsplit(".", 1)[1])


def disguised(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PAGE, content_type="application/pdf")


def refused(field, instance, upload) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        field.clean(upload, instance)
    return [error.code for error in caught.value.error_list]


def test_an_improvement_attachment_refuses_a_disguised_file(db):
    field = Attachment._meta.get_field("file")
    assert refused(field, Attachment(), disguised()) == ["disguised_file"]
    assert refused(field, Attachment(), disguised("notes.txt")) == ["disguised_file"]


def test_checklist_evidence_refuses_a_disguised_file(db):
    field = Completion._meta.get_field("evidence")
    assert refused(field, Completion(), disguised()) == ["disguised_file"]


def test_competence_evidence_refuses_a_disguised_file(db):
    field = Record._meta.get_field("evidence_file")
    assert refused(field, Record(), disguised("photo.png")) == ["disguised_file"]


def test_a_gemba_photo_refuses_a_disguised_file():
    with pytest.raises(ValidationError):
        validate_photo(SimpleUploadedFile("photo.jpg", SVG, content_type="image/jpeg"))


def test_an_import_refuses_a_disguised_file():
    with pytest.raises(ValidationError):
        check_workbook(SimpleUploadedFile("people.xlsx", PAGE))


def test_the_web_upload_refuses_a_disguised_attachment(as_user, bob, service_unit):
    item = ItemFactory(unit=service_unit)
    response = as_user(bob).post(
        reverse("backlog:attachment", args=[item.pk]), {"file": disguised("notes.txt")}
    )
    assert response.status_code in (200, 400, 422)
    assert not Attachment.objects.filter(item=item).exists()


def test_stored_paths_are_generated_and_keep_the_name():
    one, other = stored_name("improvements/1", "a.pdf"), stored_name("improvements/1", "a.pdf")
    assert one != other
    assert one.startswith("improvements/1/") and one.endswith("/a.pdf")
    assert stored_name("x", "../../etc/passwd").endswith("/passwd")


def test_an_attachment_is_stored_under_a_generated_folder(db):
    attachment = AttachmentFactory()
    parts = attachment.file.name.split("/")
    assert parts[0] == "improvements" and len(parts[2]) == 32 and parts[3] == "notes.txt"


@pytest.mark.parametrize(
    "name, content_type, disposition",
    [
        ("report.pdf", "application/pdf", "inline"),
        ("photo.png", "image/png", "inline"),
        ("notes.txt", "text/plain; charset=utf-8", "attachment"),
        ("data.csv", "text/csv; charset=utf-8", "attachment"),
        ("plan.docx", "application/vnd.openxmlformats-officedocument", "attachment"),
        ("page.html", "application/octet-stream", "attachment"),
        ("logo.svg", "application/octet-stream", "attachment"),
    ],
)
def test_files_are_served_with_their_type_and_only_pdf_and_images_inline(
    name, content_type, disposition
):
    response = upload_response(io.BytesIO(b"x"), name)
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_downloaded_attachment_is_not_shown_inline(as_user, bob, service_unit):
    attachment = AttachmentFactory(item=ItemFactory(unit=service_unit))
    response = as_user(bob).get(reverse("backlog:attachment_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_and_photos_are_stored_under_generated_folders():
    import re

    from cxlean.competence.models import evidence_path
    from cxlean.gemba.models import display_path, photo_path

    for path, folder in [
        (evidence_path(None, "../../cv.pdf"), "evidence"),  # type: ignore[arg-type]
        (photo_path(None, "IMG_1.jpg"), "gemba"),  # type: ignore[arg-type]
        (display_path(None, "IMG_1.jpg"), "gemba/display"),  # type: ignore[arg-type]
    ]:
        assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}/[^/]+", path), path
    assert evidence_path(None, "x.pdf") != evidence_path(None, "x.pdf")  # type: ignore[arg-type]
