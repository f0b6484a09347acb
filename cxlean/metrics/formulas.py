"""The CX metric formulas: pure functions, no database.

- **NPS** (Net Promoter Score, answers 0–10 to "How likely are you to recommend us?"):
  the percentage of promoters (9–10) minus the percentage of detractors (0–6); passives
  (7–8) count in the total only. From −100 (all detractors) to +100 (all promoters),
  one decimal.
- **CSAT** (customer satisfaction, answers 1–5): the percentage of satisfied answers,
  the top two of the scale (4 and 5 on 1–5), one decimal.
- **CES** (customer effort, answers 1–7 to "It was easy to handle my issue"): the mean
  answer, two decimals; higher is easier, so higher is better.
- **Churn rate**: customers lost during the period divided by customers at its start,
  as a percentage, two decimals.
- **CLV** (customer lifetime value): average revenue per customer per period × margin %
  ÷ churn rate per period (the expected number of periods a customer stays is 1 / churn).
  With a churn of 0 (or none known) there is no finite CLV, so it is left empty; an
  entered CLV is used as it is.

Every function returns None when there is nothing to compute from (no answers, no
customers), never 0, so "no figure" is never shown as a bad figure.

**Small samples**: a figure computed from fewer answers than the metric's
`small_sample` (30 by default) is flagged as a small sample. It is still shown (and
counted), never hidden: the flag tells the reader to treat it with care.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
HUNDRED = Decimal(100)

PROMOTER_MIN = 9  # 9 and 10
DETRACTOR_MAX = 6  # 0 to 6


def rounded(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def share(part: int, total: int) -> Decimal:
    """`part` of `total` as an unrounded percentage."""
    return Decimal(part) * HUNDRED / Decimal(total)


def nps(promoters: int, passives: int, detractors: int) -> Decimal | None:
    """% promoters − % detractors, one decimal; None without answers."""
    total = promoters + passives + detractors
    if total <= 0:
        return None
    return rounded(share(promoters - detractors, total), ONE_DECIMAL)


def csat(satisfied: int, total: int) -> Decimal | None:
    """% of satisfied answers (the top two of the scale), one decimal."""
    if total <= 0:
        return None
    return rounded(share(satisfied, total), ONE_DECIMAL)


def ces(score_sum: int, total: int) -> Decimal | None:
    """The mean effort answer, two decimals."""
    if total <= 0:
        return None
    return rounded(Decimal(score_sum) / Decimal(total), TWO_DECIMALS)


def churn_rate(customers_lost: int | None, customers_at_start: int | None) -> Decimal | None:
    """Customers lost in the period / customers at its start, in %, two decimals."""
    if customers_lost is None or not customers_at_start or customers_at_start <= 0:
        return None
    return rounded(share(customers_lost, customers_at_start), TWO_DECIMALS)


def clv(
    average_revenue: Decimal | None,
    margin_percent: Decimal | None,
    churn_percent: Decimal | None,
) -> Decimal | None:
    """Average revenue per customer per period × margin % ÷ churn rate per period,
    two decimals. None when a part is missing or churn is 0 (no finite lifetime)."""
    if average_revenue is None or margin_percent is None or not churn_percent:
        return None
    if churn_percent <= 0:
        return None
    value = Decimal(average_revenue) * Decimal(margin_percent) / Decimal(churn_percent)
    return rounded(value, TWO_DECIMALS)


# --- from a distribution of answers ------------------------------------------------------


def nps_of(counts: Mapping[int, int]) -> Decimal | None:
    """NPS of `counts` (score -> number of answers on the 0–10 scale)."""
    promoters = sum(n for score, n in counts.items() if score >= PROMOTER_MIN)
    detractors = sum(n for score, n in counts.items() if score <= DETRACTOR_MAX)
    passives = sum(counts.values()) - promoters - detractors
    return nps(promoters, passives, detractors)


def csat_of(counts: Mapping[int, int], scale_max: int = 5) -> Decimal | None:
    """CSAT of `counts`: the answers in the top two of the scale (4–5 on 1–5)."""
    satisfied = sum(n for score, n in counts.items() if score >= scale_max - 1)
    return csat(satisfied, sum(counts.values()))


def ces_of(counts: Mapping[int, int]) -> Decimal | None:
    return ces(sum(score * n for score, n in counts.items()), sum(counts.values()))
