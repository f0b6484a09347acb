"""Small line charts (sparklines) as geometry for server-rendered SVG: a maturity
dimension's score over the unit's assessments, a CX metric's figure month by month
against its target. Each chart goes with a table of the same figures on its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

WIDTH, HEIGHT = 240, 72
PAD_X, PAD_Y = 28, 8


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str  # what the point stands for, e.g. "2026-03: 42"


@dataclass(frozen=True)
class Spark:
    width: int
    height: int
    lines: list[str]  # "x,y x,y ..." for each run of points without a gap
    dots: list[Dot]
    target_y: float | None
    low_y: float
    high_y: float
    low_text: str  # the scale's ends, written at the left
    high_text: str


def sparkline(
    values: Sequence[Decimal | int | None],
    labels: Sequence[str],
    *,
    low: Decimal | int | None = None,
    high: Decimal | int | None = None,
    target: Decimal | None = None,
) -> Spark:
    """Points spread evenly from left to right; a missing value breaks the line. The
    vertical scale runs from `low` to `high` (by default the lowest and highest of the
    values and the target)."""
    known = [Decimal(v) for v in values if v is not None]
    span_values = known + ([Decimal(target)] if target is not None else [])
    bottom = Decimal(low) if low is not None else min(span_values, default=Decimal(0))
    top = Decimal(high) if high is not None else max(span_values, default=Decimal(1))
    if top == bottom:
        top, bottom = top + 1, bottom - 1

    def y_of(value) -> float:
        share = (Decimal(value) - bottom) / (top - bottom)
        return round(HEIGHT - PAD_Y - float(share) * (HEIGHT - 2 * PAD_Y), 1)

    step = (WIDTH - 2 * PAD_X) / max(len(values) - 1, 1)
    lines: list[str] = []
    run: list[str] = []
    dots: list[Dot] = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = round(PAD_X + index * step if len(values) > 1 else WIDTH / 2, 1)
        if value is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        y = y_of(value)
        run.append(f"{x},{y}")
        dots.append(Dot(x, y, f"{label}: {value}"))
    if run:
        lines.append(" ".join(run))
    return Spark(
        width=WIDTH,
        height=HEIGHT,
        lines=[line for line in lines if " " in line] or [],
        dots=dots,
        target_y=y_of(target) if target is not None else None,
        low_y=y_of(bottom),
        high_y=y_of(top),
        low_text=figure(bottom),
        high_text=figure(top),
    )


def figure(value: Decimal) -> str:
    exact = Decimal(value).normalize()
    exponent = exact.as_tuple().exponent  # a letter for NaN and infinities
    return number_format(exact, decimal_pos=max(-exponent, 0) if isinstance(exponent, int) else 0)
