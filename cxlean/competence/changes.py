"""Who changed what and when in a competence record (see cxlean/core/history.py)."""

from __future__ import annotations

from cxlean.competence.models import Record
from cxlean.core.history import Change, object_changes

RECORD_FIELDS = [
    "self_level",
    "level",
    "evidence_text",
    "evidence_link",
    "evidence_file",
    "signed_off_by",
    "signed_off_on",
    "expires_on",
    "rejected_level",
    "rejection_comment",
    "rejected_by",
]


def record_changes(record: Record, limit: int = 100) -> list[Change]:
    """The record's changes, newest first (the first version counts as "created")."""
    return object_changes(record, RECORD_FIELDS, str(record.activity), limit)
