"""How the timeline game counts points. The one place for the rules; the scoreboard,
the reveal, the API schema and the export all use these functions.

* **Placement points**, per card:
  - on its correct slot: the card's full points;
  - one slot off (only on an *ordered* deck, where the slots follow one another, e.g.
    the guide's steps or a journey's stages): half the card's points, rounded down;
  - anywhere else, or not placed at all (a missing card): 0.
* **Speed bonus**, per team: a team that submits while the round runs gets the
  session's speed bonus times the share of the round still left, rounded down (submit
  with half the time left: half the bonus). A team that does not submit gets no bonus;
  its timeline as it stands when the round closes still earns placement points.
* **Presentation points**, per team: the average of the 1–5 scores the other teams'
  people and the facilitator gave its presentation, times the session's points per
  star, rounded to the nearest whole point (no score yet: 0).
* **Total** = placement points + speed bonus + presentation points. Teams with equal
  totals share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_noop

# Marked for translation, translated where shown to people (`gettext(SCORING_RULES)`);
# the API schema states it in English.
SCORING_RULES = gettext_noop(
    "Exact slot: the card's full points. One slot off on an ordered deck: half, rounded "
    "down. Elsewhere or missing: 0. Speed bonus: the session's bonus times the share of "
    "the round left at submission, rounded down. Presentation: average 1–5 score times "
    "the points per star, rounded. Total = placements + speed bonus + presentation."
)


def card_points(
    points: int, correct_position: int, placed_position: int | None, ordered: bool
) -> int:
    """Points for one card placed at `placed_position` (None: not placed)."""
    if placed_position is None:
        return 0
    if placed_position == correct_position:
        return points
    if ordered and abs(placed_position - correct_position) == 1:
        return points // 2
    return 0


def is_one_off(correct_position: int, placed_position: int | None, ordered: bool) -> bool:
    return ordered and placed_position is not None and abs(placed_position - correct_position) == 1


def speed_bonus(max_bonus: int, seconds_left: int, round_seconds: int) -> int:
    """The bonus for submitting with `seconds_left` of a `round_seconds` round."""
    if max_bonus <= 0 or round_seconds <= 0 or seconds_left <= 0:
        return 0
    return max_bonus * min(seconds_left, round_seconds) // round_seconds


def presentation_points(values: Sequence[int], points_per_star: int) -> int:
    if not values:
        return 0
    return round(sum(values) * points_per_star / len(values))


def average(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def ranks(totals: Iterable[int]) -> list[int]:
    """Competition ranking of `totals` in the order given: 1 for the highest, equal
    totals share a rank (1, 2, 2, 4)."""
    totals = list(totals)
    ordered = sorted(totals, reverse=True)
    return [ordered.index(total) + 1 for total in totals]
