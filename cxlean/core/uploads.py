"""Upload checks the apps share: the document types people attach (improvement
attachments, checklist evidence) and a size limit whose message gives the file's size
with the reader's decimal mark."""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format

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
