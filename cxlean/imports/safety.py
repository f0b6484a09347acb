"""File safety: an upload is checked here BEFORE openpyxl parses anything.

An .xlsx is a ZIP holding XML. What is refused, each with a message a coordinator
understands: anything larger than 5 MB; anything that is not a ZIP (a CSV or text
file renamed .xlsx, an old .xls or a password-protected workbook, which are OLE
containers); a damaged ZIP; a ZIP that is not an Excel workbook (no
[Content_Types].xml or xl/workbook.xml, e.g. a .docx); a macro-enabled .xlsm; a zip
bomb (more than 50 MB uncompressed in all, a member compressed more than 100:1, or
more members than any workbook has); XML with a DTD or entity declarations (Excel never
writes them; "billion laughs" lives there).

The sizes checked are the ones the ZIP declares. A ZIP that lies about them cannot
unpack more anyway: Python's zipfile stops at the declared size and fails the CRC check.
And openpyxl parses with defusedxml (`openpyxl.xml.DEFUSEDXML`), which refuses entity
declarations the prolog check below did not see.
"""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cxlean.core.uploads import refuse_if_larger

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
# Small members (styles, empty sheets) compress extremely well without being bombs.
RATIO_CHECKED_FROM_BYTES = 64 * 1024
MAX_MEMBERS = 1000
# How far into each XML member to look for a DTD: it must come before the root element.
PROLOG_BYTES = 4096

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")

TOO_LARGE = _("The file is %(size)s MB; an import file may be at most %(max)s MB.")
OLD_EXCEL = _(
    "This is an old Excel file (.xls) or a password-protected workbook. Open it in Excel "
    "and save it as an Excel workbook (.xlsx) without a password."
)
NOT_XLSX = _(
    "This is not an Excel workbook (.xlsx). A CSV or text file cannot be imported: open "
    "it in Excel and save it as an Excel workbook (.xlsx)."
)
DAMAGED = _("The file is damaged or incomplete: it cannot be opened as an Excel workbook.")
NOT_A_WORKBOOK = _(
    "The file is a ZIP archive but not an Excel workbook (.xlsx). Download the template "
    "and fill it in."
)
MACROS = _(
    "The workbook contains macros (.xlsm). Save it as an Excel workbook (.xlsx) without "
    "macros and upload it again."
)
BOMB = _(
    "The file unpacks to far more than it weighs (%(reason)s). It is refused for safety; "
    "save the workbook again in Excel and upload that."
)
ENTITIES = _(
    "The file contains XML declarations (a DTD or entities) that Excel never writes. It is "
    "refused for safety; save the workbook again in Excel and upload that."
)


def check_workbook(file) -> None:
    """Raise ValidationError (with a `code`) unless `file` is a plain .xlsx that is safe
    to open. `file` is any seekable binary file with `.size` (an uploaded file)."""
    refuse_if_larger(file, MAX_FILE_BYTES, TOO_LARGE)
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(OLE_MAGIC):
        raise ValidationError(OLD_EXCEL, code="xls")
    if not head.startswith(ZIP_MAGIC):
        raise ValidationError(NOT_XLSX, code="not_xlsx")
    try:
        with zipfile.ZipFile(file) as archive:
            check_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise ValidationError(DAMAGED, code="damaged") from error
    finally:
        file.seek(0)


def check_archive(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    names = {member.filename for member in members}
    if len(members) > MAX_MEMBERS:
        raise bomb(_("%(count)s files inside") % {"count": len(members)})
    if not all(name in names for name in REQUIRED_MEMBERS):
        raise ValidationError(NOT_A_WORKBOOK, code="not_a_workbook")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise bomb(_("%(size)s MB unpacked") % {"size": unpacked // 2**20})
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise bomb(_("a part compressed more than %(ratio)s to 1") % {"ratio": MAX_RATIO})
    if "xl/vbaProject.bin" in names or b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise ValidationError(MACROS, code="macros")
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")) and declares_entities(
            archive, member
        ):
            raise ValidationError(ENTITIES, code="xml_entities")


def declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with archive.open(member) as stream:
        prolog = stream.read(PROLOG_BYTES)
    return b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog


def bomb(reason: str) -> ValidationError:
    return ValidationError(BOMB, code="zip_bomb", params={"reason": reason})
