"""The impact-versus-feasibility chart as geometry for a server-rendered SVG.

Items are grouped by their (impact, feasibility) cell, one bubble per cell whose area
grows with the number of items in it: the SVG has at most 25 bubbles whatever the size
of the backlog, and items with equal scores never hide each other. The threshold T of
`ScoringSettings` splits each axis into low (below T) and high (T and above); the four
areas carry the quadrant names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from cxlean.backlog.models import Quadrant, ScoringSettings

SCORES = range(1, 6)
CELL = 80  # one score step, in SVG units
LEFT, TOP, RIGHT, BOTTOM = 64, 16, 16, 60
PLOT = CELL * len(SCORES)
WIDTH, HEIGHT = LEFT + PLOT + RIGHT, TOP + PLOT + BOTTOM
MIN_RADIUS, MAX_RADIUS = 12, 30


@dataclass(frozen=True)
class Bubble:
    impact: int
    feasibility: int
    count: int
    quadrant: str
    x: float
    y: float
    r: float
    url: str  # the item when the cell holds one, else the list filtered to the cell


@dataclass(frozen=True)
class Area:
    quadrant: str
    label: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label: it sits in the area's outer corner


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot: int
    bottom_line: int
    right_line: int
    threshold_x: float
    threshold_y: float
    areas: list[Area]
    bubbles: list[Bubble]
    ticks: list[Tick]


def x_of(feasibility: float) -> float:
    return LEFT + (feasibility - 0.5) * CELL


def y_of(impact: float) -> float:
    return TOP + (len(SCORES) + 0.5 - impact) * CELL


def radius(count: int, largest: int) -> float:
    """Bubble area in proportion to the count, never too small to see or click."""
    if largest <= 0:
        return MIN_RADIUS
    return round(max(MIN_RADIUS, MAX_RADIUS * math.sqrt(count / largest)), 1)


def build_chart(
    cells: list[tuple[int, int, int, int]],
    scoring: ScoringSettings,
    link: Callable[[int, int, int | None], str],
) -> Chart:
    """`cells` holds (impact, feasibility, count, an item id) per scored cell; `link`
    gives a bubble's address from its impact, feasibility and its item's id when it
    holds one item."""
    largest = max((count for _i, _f, count, _pk in cells), default=0)
    bubbles = [
        Bubble(
            impact=impact,
            feasibility=feasibility,
            count=count,
            quadrant=scoring.quadrant(impact, feasibility),
            x=x_of(feasibility),
            y=y_of(impact),
            r=radius(count, largest),
            url=link(impact, feasibility, pk if count == 1 else None),
        )
        for impact, feasibility, count, pk in sorted(cells)
        if impact in SCORES and feasibility in SCORES
    ]
    split_x = x_of(scoring.high_threshold - 0.5)
    split_y = y_of(scoring.high_threshold - 0.5)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        plot=PLOT,
        bottom_line=TOP + PLOT,
        right_line=LEFT + PLOT,
        threshold_x=split_x,
        threshold_y=split_y,
        areas=quadrant_areas(split_x, split_y),
        bubbles=bubbles,
        ticks=[Tick(score, x_of(score), y_of(score)) for score in SCORES],
    )


def quadrant_areas(split_x: float, split_y: float) -> list[Area]:
    right, bottom, pad = LEFT + PLOT, TOP + PLOT, 8
    return [
        Area(
            Quadrant.QUICK_WIN,
            str(Quadrant.QUICK_WIN.label),
            split_x,
            TOP,
            right - split_x,
            split_y - TOP,
            right - pad,
            TOP + 20,
            "end",
        ),
        Area(
            Quadrant.MAJOR_PROJECT,
            str(Quadrant.MAJOR_PROJECT.label),
            LEFT,
            TOP,
            split_x - LEFT,
            split_y - TOP,
            LEFT + pad,
            TOP + 20,
            "start",
        ),
        Area(
            Quadrant.FILL_IN,
            str(Quadrant.FILL_IN.label),
            split_x,
            split_y,
            right - split_x,
            bottom - split_y,
            right - pad,
            bottom - pad,
            "end",
        ),
        Area(
            Quadrant.THANKLESS,
            str(Quadrant.THANKLESS.label),
            LEFT,
            split_y,
            split_x - LEFT,
            bottom - split_y,
            LEFT + pad,
            bottom - pad,
            "start",
        ),
    ]
