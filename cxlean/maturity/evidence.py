"""What the system itself measured beside a self-assessment (the assessment page's
evidence panel).

The measured indicators come from areas above maturity: `cxlean.insights` reads across
plans, competence, the backlog, Gemba and metrics, and registers its function here when
the app is ready. Maturity depends on no app above it; without insights installed the
panel is empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from cxlean.org.models import Unit

# (unit, start, end, today) -> the unit's indicators for [start, end], sub-units included.
EvidenceSource = Callable[[Unit, dt.date, dt.date, dt.date], Sequence[Any]]

_source: EvidenceSource | None = None


def provide(source: EvidenceSource) -> None:
    """Register where the evidence comes from (insights does, in its AppConfig.ready)."""
    global _source
    _source = source


def unit_evidence(unit: Unit, start: dt.date, end: dt.date, today: dt.date) -> Sequence[Any]:
    """The indicators measured for `unit` and its sub-units in [start, end]."""
    return _source(unit, start, end, today) if _source is not None else []
