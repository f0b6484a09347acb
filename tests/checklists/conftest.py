"""Checklists for the named people of tests/conftest.py.

Kundservice's customer service checklist (`template`: three items, the third needs
evidence) is assigned to everyone holding the customer service role in Kundservice and
its teams (`role_assignment`, made by Bob, due in two weeks). Alice, in Team Chatt,
holds that role; Carol's Sales is a sibling unit the assignment does not reach.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.checklists.factories import AssignmentFactory, TemplateFactory, TemplateItemFactory
from tests.factories import CXRoleFactory


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def service_role(db):
    return CXRoleFactory(
        slug="customer-service", name_sv="Kundservice och support", name_en="Customer service"
    )


@pytest.fixture
def template(service_role):
    template = TemplateFactory(
        code="customer-service-rollout",
        role=service_role,
        title_sv="Kundservice: Lean CX i vardagen",
        title_en="Customer service: Lean CX in everyday work",
    )
    TemplateItemFactory(
        template=template, order=1, text_sv="Läs CX-strategin", text_en="Read the CX strategy"
    )
    TemplateItemFactory(
        template=template,
        order=2,
        text_sv="Logga tre kundåterkopplingar",
        text_en="Log three pieces of customer feedback",
        help_en="Use Voice of the Customer.",
        help_sv="Använd Kundens röst.",
    )
    TemplateItemFactory(
        template=template,
        order=3,
        text_sv="Bekräfta den nya standarden",
        text_en="Confirm the new standard",
        needs_evidence=True,
    )
    return template


@pytest.fixture
def items(template):
    return list(template.items.order_by("order"))


@pytest.fixture
def alice_serves(alice, service_role):
    alice.profile.cx_roles.add(service_role)
    return alice


@pytest.fixture
def role_assignment(template, service_unit, service_role, bob, alice_serves):
    return AssignmentFactory(
        template=template, unit=service_unit, role=service_role, due_date=days(14), assigned_by=bob
    )
