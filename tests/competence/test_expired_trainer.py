"""A trainer is someone holding a valid O (`trained_activities`); once their O has
expired they no longer see the activity's records of other people, nor their evidence
files, on the web, over the API or in the admin."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.models import Level, Record, is_trainer, trained_activities
from tests.api.conftest import api_client
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def alices_record(agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    record.evidence_file.save("samtal.pdf", ContentFile(b"%PDF-1.4 evidence"))
    return record


@pytest.fixture
def expired(dave, listening):
    """Dave's O in active listening ran out yesterday."""
    Record.objects.filter(person=dave, activity=listening).update(
        expires_on=timezone.localdate() - DAY
    )
    return dave


def test_an_expired_o_trains_nothing(expired, dave, listening):
    assert not trained_activities(dave).exists()
    assert not is_trainer(dave, listening)


def test_a_valid_o_still_opens_the_activitys_records(dave, alices_record):
    assert Record.objects.visible_to(dave).filter(pk=alices_record.pk).exists()
    url = reverse("competence:evidence_file", args=[alices_record.pk])
    assert api_client(dave).get(url).status_code == 200


def test_web_expired_trainer_sees_neither_record_nor_evidence(as_user, expired, alices_record):
    client = as_user(expired)
    assert client.get(reverse("competence:record", args=[alices_record.pk])).status_code == 404
    url = reverse("competence:evidence_file", args=[alices_record.pk])
    assert client.get(url).status_code == 404


def test_api_expired_trainer_does_not_list_or_read_the_record(expired, alices_record):
    client = api_client(expired)
    rows = client.get(reverse("competence-record-list")).json()["results"]
    assert alices_record.pk not in {row["id"] for row in rows}
    url = reverse("competence-record-detail", args=[alices_record.pk])
    assert client.get(url).status_code == 404


def test_admin_expired_trainer_does_not_see_the_record(
    as_user, carol, dave, listening, alices_record
):
    # Carol coordinates Sales; her own O in listening has expired.
    RecordFactory(
        person=carol,
        activity=listening,
        level=Level.O,
        self_level=Level.O,
        expires_on=timezone.localdate() - DAY,
    )
    client = as_user(carol)
    listed = client.get(reverse("admin:competence_record_changelist"))
    assert alices_record.pk not in {r.pk for r in listed.context["cl"].result_list}
    change = client.get(reverse("admin:competence_record_change", args=[alices_record.pk]))
    assert change.status_code == 302  # not in her scope: the admin sends her away
