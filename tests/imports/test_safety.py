"""Bad files are refused before openpyxl parses them, with a message, and nothing is
written: not an .xlsx, too large, damaged, zip bombs, macros, XML entities."""

import io
import zipfile

import openpyxl.xml
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cxlean.imports.models import ImportJob, Status
from cxlean.imports.rows import FileErrors, read_rows
from cxlean.imports.safety import OLE_MAGIC, check_workbook
from tests.imports.conftest import PEOPLE, errors_of, rezip, rows_of, upload

pytestmark = pytest.mark.django_db

GOOD = {"username": "x", "unit": "service"}
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def english():
    """The refusals are read in English here (the pages are tested in Swedish)."""
    with translation.override("en"):
        yield


def good_file() -> bytes:
    return rows_of(PEOPLE, GOOD)


def bomb_by_ratio() -> bytes:
    return rezip(good_file(), replace={SHEET: b"<x>" + b"0" * (3 * 2**20) + b"</x>"})


def bomb_by_size() -> bytes:
    # Members under the ratio threshold, together more than 50 MB unpacked.
    return rezip(good_file(), add={f"xl/media/zero{n}.xml": b"0" * 60_000 for n in range(900)})


def too_many_members() -> bytes:
    return rezip(good_file(), add={f"xl/extra/{n}.xml": b"<x/>" for n in range(1001)})


def macro_workbook() -> bytes:
    content = good_file()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    return rezip(content, replace={"[Content_Types].xml": types}, add={"xl/vbaProject.bin": b"x"})


def laughs_sheet(padding: int = 0) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good_file())) as archive:
        sheet = archive.read(SHEET)
    body = sheet.split(b"?>", 1)[-1]
    comment = b"<!--" + b" " * padding + b"-->" if padding else b""
    prolog = LAUGHS.replace(b"<!DOCTYPE", comment + b"<!DOCTYPE")
    return rezip(good_file(), replace={SHEET: prolog + body.replace(b"<v>", b"<v>&lol3;", 1)})


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


BAD_FILES = {
    "csv renamed .xlsx": (lambda: b"username,unit\nx,service\n", "not_xlsx", "CSV"),
    "xls": (lambda: OLE_MAGIC + b"\0" * 600, "xls", ".xls"),
    "truncated zip": (lambda: good_file()[: len(good_file()) // 2], "damaged", "damaged"),
    "6 MB": (lambda: b"PK\x03\x04" + b"\0" * (6 * 2**20), "file_too_large", "at most 5 MB"),
    "zip bomb by ratio": (bomb_by_ratio, "zip_bomb", "100 to 1"),
    "zip bomb by size": (bomb_by_size, "zip_bomb", "MB unpacked"),
    "too many members": (too_many_members, "zip_bomb", "files inside"),
    "xlsm": (macro_workbook, "macros", "macros"),
    "billion laughs": (laughs_sheet, "xml_entities", "entities"),
    "a zip that is no workbook": (docx_like, "not_a_workbook", "not an Excel workbook"),
}


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_good_workbook_passes():
    check_workbook(upload(good_file()))


@pytest.mark.parametrize("name", BAD_FILES)
def test_each_bad_file_is_refused_with_its_reason(name):
    make, code, words = BAD_FILES[name]
    with pytest.raises(ValidationError) as refused:
        check_workbook(upload(make()))
    assert refused.value.code == code
    assert words in " ".join(refused.value.messages)


@pytest.mark.parametrize("name", BAD_FILES)
def test_the_upload_form_refuses_a_bad_file_and_keeps_no_job(as_user, bob, name):
    make, _code, words = BAD_FILES[name]
    response = as_user(bob).post(
        reverse("imports:new"), {"kind": PEOPLE, "file": upload(make())}, language="en"
    )
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_entities_hidden_past_the_prolog_are_refused_by_defusedxml():
    content = laughs_sheet(padding=8000)
    check_workbook(upload(content))  # the prolog check does not see that far
    with pytest.raises(FileErrors) as refused:
        read_rows(io.BytesIO(content), people_columns())
    assert "entities" in refused.value.errors[0].message


def test_a_job_with_hidden_entities_fails_and_writes_nothing(run_import, bob):
    users = User.objects.count()
    job = run_import(bob, PEOPLE, laughs_sheet(padding=8000))
    assert job.status == Status.FAILED
    assert "entities" in errors_of(job)[0][2]
    assert User.objects.count() == users


def test_more_than_the_row_limit_is_refused(run_import, bob, monkeypatch):
    monkeypatch.setattr("cxlean.imports.rows.MAX_ROWS", 3)
    job = run_import(bob, PEOPLE, rows_of(PEOPLE, *[{"username": f"u{n}"} for n in range(5)]))
    assert job.status == Status.FAILED
    assert errors_of(job) == [
        (5, "", "The file has more than 3 rows. Split it into files of at most 3 rows each.")
    ]


def people_columns():
    from cxlean.imports.kinds import IMPORTERS

    return IMPORTERS[PEOPLE].columns
