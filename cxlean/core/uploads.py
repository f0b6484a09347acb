"""Upload checks the apps share: the document types people attach (improvement
attachments, checklist evidence, competence evidence), a size limit whose message gives
the file's size with the reader's decimal mark, a check that the content is what the
extension says, generated storage paths, serving a file back safely, and the admin's
links to stored files (through the app's checked downloads, never the storage's own
address)."""

import re
import uuid
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

DOCUMENT_EXTENSIONS = [
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "docx",
    "xlsx",
    "pptx",
    "txt",
    "csv",
]


def refuse_if_larger(file, max_bytes: int, message) -> None:
    """Raise `message` (with %(size)s and %(max)s, in MB) when `file` exceeds `max_bytes`."""
    if file.size > max_bytes:
        raise ValidationError(
            message,
            params={
                "size": number_format(file.size / 2**20, decimal_pos=1),
                "max": max_bytes // 2**20,
            },
            code="file_too_large",
        )


# --- what a file is, by its content ----------------------------------------------------------
# An extension is a claim: a page saved as "report.pdf" or a script as "notes.txt" must
# not be stored as one. Each kind is recognised by its first bytes (Office documents are
# ZIP archives with their own part); text must be text and not markup a browser would run.

SNIFF_BYTES = 4096
ZIP_MAGIC = b"PK\x03\x04"
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
OFFICE_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TEXT_EXTENSIONS = {"txt", "csv"}
# Markup a browser would render or run if it ever took the text for HTML or SVG.
MARKUP = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object)", re.I)
# Shown in the browser; everything else is downloaded (Content-Disposition: attachment).
INLINE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
DOWNLOAD_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def extension_of(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower().lstrip(".")


def content_matches(file, extension: str) -> bool:
    """Does the content of `file` fit `extension`? Unknown extensions never do."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        if extension in MAGIC:
            return head.startswith(MAGIC[extension])
        if extension == "webp":
            return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        if extension in OFFICE_PARTS:
            return head.startswith(ZIP_MAGIC) and is_office(file, OFFICE_PARTS[extension])
        if extension in TEXT_EXTENSIONS:
            return is_text(head)
        return False
    finally:
        file.seek(position)


def is_office(file, folder: str) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def is_text(head: bytes) -> bool:
    if b"\x00" in head or MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # Cut in the middle of a character at the end of the sample is still text.
        if error.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def refuse_disguised(file) -> None:
    """Raise when the content of an uploaded `file` is not what its extension says (a
    stored file, already checked when it came, is not read again)."""
    if not file or getattr(file, "_committed", False):
        return
    extension = extension_of(file.name)
    if not content_matches(file, extension):
        raise ValidationError(
            _("The file's content is not a .%(extension)s file. Upload the document itself."),
            params={"extension": extension or "?"},
            code="disguised_file",
        )


def stored_name(folder: str, filename: str) -> str:
    """`folder/<random>/<filename>`: a path nobody can guess or collide with, that still
    ends with the name the file was uploaded with (the name it downloads with)."""
    return f"{folder}/{uuid.uuid4().hex}/{PurePosixPath(filename).name}"


def upload_response(handle, filename: str) -> FileResponse:
    """An uploaded file for download: its type from the (checked) extension, shown in the
    browser only for PDF and images, downloaded otherwise; never sniffed."""
    extension = extension_of(filename)
    inline = extension in INLINE_TYPES
    content_type = INLINE_TYPES.get(extension) or DOWNLOAD_TYPES.get(
        extension, "application/octet-stream"
    )
    response = FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- stored files in the admin ----------------------------------------------------------


class StoredFile(str):
    """A stored file as the file widget shows it: its name, linking to `url`."""

    url: str

    def __new__(cls, file, url: str):
        stored = super().__new__(cls, str(file))
        stored.url = url
        return stored


class CheckedFileInput(AdminFileWidget):
    """A file input whose "Currently" links to where the app serves the stored file after
    checking who asks (`url_of(file)`), never to the file storage's own address: uploads
    are not public, and in a shared bucket that address would skip the check."""

    def __init__(self, url_of: Callable[[FieldFile], str], attrs=None):
        super().__init__(attrs)
        self.url_of = url_of

    def format_value(self, value):
        if self.is_initial(value):
            return StoredFile(value, self.url_of(value))
        return super().format_value(value)


class CheckedFilesAdmin:
    """A ModelAdmin mixin: the file fields named in `checked_files` (each with the name of
    the admin's display that links it, for those who only read) link to the app's checked
    download, `download_url(obj)`, both in the file input and read-only; never to the
    storage's own address, which Django's admin would link."""

    checked_files: dict[str, str] = {}
    has_change_permission: Callable[..., bool]

    def download_url(self, obj) -> str:
        raise NotImplementedError

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.checked_files:
            kwargs["widget"] = CheckedFileInput(lambda file: self.download_url(file.instance))
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        if self.has_change_permission(request, obj):
            return fields

        def swap(name):
            if isinstance(name, tuple | list):
                return tuple(swap(part) for part in name)
            return self.checked_files.get(name, name)

        return [swap(name) for name in fields]
