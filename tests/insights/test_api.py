"""The evidence rows for Power BI (/api/v1/evidence-rows/): one row per unit, period and
indicator, scoped like the other flat endpoints, filterable, paginated, 400 on bad
parameters, a constant number of queries. Data in tests/insights/conftest.py (2026)."""

import pytest
from django.urls import reverse

from cxlean.insights.evidence import KEYS
from tests.api.conftest import api_client
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
URL = reverse("evidence-row-list")
YEAR_2026 = "?period_kind=quarter&from=2026-01-01&to=2026-12-31"


def rows(user, query: str = YEAR_2026) -> list[dict]:
    response = api_client(user).get(URL + query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_one_row_per_unit_quarter_and_indicator(evidence_data, maria, sales_unit):
    found = rows(maria)
    units = {row["unit_name"] for row in found}
    assert units == {"Företaget", "Kundservice", "Team Chatt", "Försäljning"}
    assert len(found) == 4 * 4 * len(KEYS)
    first = found[0]
    assert set(first) >= {
        "unit",
        "unit_name",
        "period_kind",
        "period_start",
        "period_end",
        "period_label",
        "indicator",
        "label",
        "value",
        "available",
        "display",
        "tone",
    }
    assert (first["period_start"], first["period_end"]) == ("2026-01-01", "2026-03-31")


def test_rows_carry_the_figures_and_not_available_as_empty(evidence_data, maria, service_team):
    found = rows(maria, YEAR_2026 + f"&unit={service_team.pk}&indicator=gemba_cadence")
    by_quarter = {row["period_start"]: row for row in found}
    assert by_quarter["2026-01-01"]["value"] == 100  # the February walk, done
    assert by_quarter["2026-07-01"]["value"] == 0  # September's, planned and not done
    assert by_quarter["2026-10-01"]["available"] is False  # only a cancelled walk
    assert by_quarter["2026-10-01"]["value"] is None


def test_months_on_request(evidence_data, maria, service_unit):
    query = f"?period_kind=month&from=2026-01-15&to=2026-03-02&unit={service_unit.pk}"
    found = rows(maria, query + "&indicator=rollout_progress")
    assert [row["period_label"] for row in found] == ["2026-01", "2026-02", "2026-03"] * 2


def test_who_sees_which_units(evidence_data, alice, bob, carol, root):
    assert {row["unit_name"] for row in rows(bob)} == {"Kundservice", "Team Chatt"}
    assert {row["unit_name"] for row in rows(carol)} == {"Försäljning"}
    assert {row["unit_name"] for row in rows(alice)} == {"Team Chatt"}
    assert len({row["unit_name"] for row in rows(root)}) == 4


def test_anonymous_is_refused(evidence_data):
    assert api_client().get(URL).status_code in (401, 403)


def test_nothing_can_be_written(evidence_data, root):
    assert api_client(root).post(URL, {}).status_code == 405


def test_a_unit_outside_ones_scope_is_a_400(evidence_data, carol, service_unit):
    response = api_client(carol).get(URL + f"?unit={service_unit.pk}")
    assert response.status_code == 400 and "unit" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?period_kind=week", "period_kind"),
        ("?from=2026-13-01", "from"),
        ("?from=2026-06-01&to=2026-01-01", "to"),
        ("?indicator=happiness", "indicator"),
        ("?period_kind=month&from=2020-01-01&to=2026-01-01", "from"),
    ],
)
def test_bad_parameters_are_a_400_with_the_field(evidence_data, maria, query, field):
    response = api_client(maria).get(URL + query)
    assert response.status_code == 400
    assert field in response.json()


def test_pages(evidence_data, maria):
    response = api_client(maria).get(URL + YEAR_2026 + "&page_size=10")
    body = response.json()
    assert body["count"] == 4 * 4 * len(KEYS)
    assert len(body["results"]) == 10 and body["next"]


def test_the_rows_run_a_constant_number_of_queries(evidence_data, maria, company, count_queries):
    client = api_client(maria)
    client.get(URL + YEAR_2026)

    def queries_for(extra_units: int) -> int:
        for _index in range(extra_units):
            UnitFactory(parent=UnitFactory(parent=company))
        return count_queries(client, URL + YEAR_2026)

    assert queries_for(1) == queries_for(8)
