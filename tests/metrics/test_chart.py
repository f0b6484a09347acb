"""The trend chart's improvement markers (cxlean/metrics/chart.py)."""

import datetime as dt

from cxlean.metrics.chart import BADGE_GAP, Improvement, markers
from cxlean.metrics.reports import Period


def test_badges_of_improvements_close_in_time_are_stacked_not_drawn_on_each_other():
    periods = [Period.of("month", dt.date(2026, month, 1)) for month in (9, 10, 11)]

    def x_of(position: float) -> float:
        return 100 * position

    improvements = [
        Improvement(title, day, f"/improvements/{n}/")
        for n, (title, day) in enumerate(
            [
                ("Early", dt.date(2026, 9, 2)),
                ("Close A", dt.date(2026, 10, 30)),
                ("Close B", dt.date(2026, 10, 31)),
                ("Close C", dt.date(2026, 11, 1)),
                ("Outside", dt.date(2026, 12, 5)),
            ]
        )
    ]
    placed = markers(improvements, periods, x_of)
    assert [(m.number, m.title, m.row) for m in placed] == [
        (1, "Early", 0),
        (2, "Close A", 0),
        (3, "Close B", 1),
        (4, "Close C", 2),
    ]
    assert placed[1].badge_y + BADGE_GAP == placed[2].badge_y
