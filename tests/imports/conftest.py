"""Helpers of the import tests: workbooks built with openpyxl in the test, uploads, and
`run_import`, which creates a job and runs it (eager Celery, on commit) as the web and
the API do. People and units from tests/conftest.py: Bob coordinates Kundservice
("service", with Alice's team "chat"), Carol coordinates Sales, Maria is management,
Root is superuser."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cxlean.imports.kinds import IMPORTERS
from cxlean.imports.models import Kind
from cxlean.imports.services import import_create
from cxlean.metrics.catalogue import create_missing_metrics
from cxlean.metrics.models import Metric
from tests.factories import CompetenceActivityFactory, CXRoleFactory


def columns(kind: str) -> list[str]:
    return [column.key for column in IMPORTERS[kind].columns]


def xlsx(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(kind: str, *dicts: dict) -> bytes:
    """A workbook with the kind's columns and one row per dict (missing keys empty)."""
    keys = columns(kind)
    return xlsx(keys, [[values.get(key) for key in keys] for values in dicts])


def upload(content: bytes, name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def rezip(content: bytes, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """The same ZIP with some members replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    def run(user, kind: str, content: bytes, language: str = "en"):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_create(user=user, kind=kind, file=upload(content), language=language)
        job.refresh_from_db()
        return job

    return run


def errors_of(job) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.fixture
def cx_roles(db):
    return {
        "customer-service": CXRoleFactory(slug="customer-service"),
        "data-analyst": CXRoleFactory(slug="data-analyst"),
    }


@pytest.fixture
def activity(db):
    return CompetenceActivityFactory(code="voc-basics", validity_months=12)


@pytest.fixture
def metrics(db) -> dict[str, Metric]:
    create_missing_metrics()
    return {metric.kind: metric for metric in Metric.objects.all()}


PEOPLE, RECORDS, ANSWERS = Kind.PEOPLE, Kind.COMPETENCE_RECORDS, Kind.SURVEY_ANSWERS
