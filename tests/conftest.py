"""Named people for access tests.

Two sibling departments under one company. Alice is an employee and Bob a coordinator
in Customer Service; Carol coordinates Sales; Maria is management; Olivia is the CX
owner (she keeps the organisation-wide catalogues); Root is superuser.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from cxlean.backlog.models import MudaKind, Waste
from cxlean.journeys.models import Channel, Emotion
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE, MANAGEMENT
from tests.factories import (
    PASSWORD,
    ItemFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    TransitionFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's own (a database per xdist worker), and on PostgreSQL commits that do
    not wait for the disk (tests/postgres.py)."""
    from tests.postgres import use_fast_commits

    use_fast_commits()


@pytest.fixture(autouse=True, scope="session")
def _cheap_flush_on_postgresql():
    """Transactional tests empty only the tables that have rows (tests/postgres.py)."""
    from tests.postgres import patch_flush

    with pytest.MonkeyPatch.context() as monkeypatch:
        patch_flush(monkeypatch)
        yield


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in the test's own process and raise their errors; the integration tests
    in tests/integration/ switch this off to use a real worker."""
    from cxlean.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """MD5 hashing for the whole run, so that data built once for a module or the session
    (outside any test's `settings`) does not pay the real hasher's ~0.3 s a password.
    Safe to share: no test asserts on the hashing algorithm, and `_test_settings` sets
    the same for each test."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _default_brand(_test_settings):
    """Each test starts with cxlean's own brand in the cache (`current_brand`): no test
    sees a branding an earlier test saved (the database rolls back, the cache does not),
    and pages run no branding query unless a test saves one. After `_test_settings`,
    which empties the cache."""
    from django.core.cache import cache

    from cxlean.core.branding import CACHE_KEY, Brand

    cache.set(CACHE_KEY, Brand(), None)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "sv"
    # Real hashing costs ~0.3 s a password; tests log people in all the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sign-in throttling and the admin's two-factor step have tests of their own
    # (tests/org/test_sign_in_security.py), which switch them on; Django's test client
    # signs in without a request, which django-axes refuses.
    settings.AXES_ENABLED = False
    settings.ADMIN_2FA = "off"
    settings.SESSION_IDLE_TIMEOUT = 0  # query-count tests must not see the idle clock saved
    # The API's rate limits count in the cache: each test starts with none used.
    cache.clear()


@pytest.fixture
def company(db):
    return UnitFactory(name="Företaget", code="company")


@pytest.fixture
def service_unit(company):
    return UnitFactory(name="Kundservice", code="service", parent=company)


@pytest.fixture
def service_team(service_unit):
    return UnitFactory(name="Team Chatt", code="chat", parent=service_unit)


@pytest.fixture
def sales_unit(company):
    return UnitFactory(name="Försäljning", code="sales", parent=company)


@pytest.fixture
def alice(service_team):
    return UserFactory(username="alice", first_name="Alice", role=EMPLOYEE, unit=service_team)


@pytest.fixture
def bob(service_unit):
    return UserFactory(username="bob", first_name="Bob", role=COORDINATOR, unit=service_unit)


@pytest.fixture
def carol(sales_unit):
    return UserFactory(username="carol", first_name="Carol", role=COORDINATOR, unit=sales_unit)


@pytest.fixture
def maria(company):
    return UserFactory(username="maria", first_name="Maria", role=MANAGEMENT, unit=company)


@pytest.fixture
def olivia(company):
    return UserFactory(username="olivia", first_name="Olivia", role=CX_OWNER, unit=company)


@pytest.fixture
def root(company):
    user = UserFactory(username="root", role=EMPLOYEE, unit=company)
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    user.refresh_from_db()
    return user


class LanguageClient(Client):
    """A test client that takes `language="en"` per request, as the language switcher's
    cookie would set it (web pages ignore the browser's Accept-Language)."""

    def generic(self, *args, language: str | None = None, **extra):
        if language is None:
            return super().generic(*args, **extra)
        name = settings.LANGUAGE_COOKIE_NAME
        previous = self.cookies.get(name)
        self.cookies[name] = language
        try:
            return super().generic(*args, **extra)
        finally:
            if previous is None:
                del self.cookies[name]
            else:
                self.cookies[name] = previous


@pytest.fixture
def client() -> Client:
    return LanguageClient()


def login(user) -> Client:
    client = LanguageClient()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def as_user():
    """`as_user(alice)` gives a logged-in test client."""
    return login


class QueryCounter:
    """`count_queries(client, url, **extra)`: how many SQL queries one GET of `url` runs
    with a test client (Django's or DRF's); the page must answer `status` (200 unless
    told, None for any). `count_queries(function, *args, **kwargs)`: how many queries
    that call runs. `count_queries.result` is what the last call returned (the response
    of a GET)."""

    result: Any = None

    def __call__(self, action: Any, *args: Any, status: int | None = 200, **kwargs: Any) -> int:
        is_client = hasattr(action, "get") and hasattr(action, "login")
        with CaptureQueriesContext(connection) as captured:
            self.result = action.get(*args, **kwargs) if is_client else action(*args, **kwargs)
        if is_client and status is not None:
            response = self.result
            assert response.status_code == status, getattr(response, "content", b"")[:2000]
        return len(captured.captured_queries)


@pytest.fixture
def count_queries() -> Callable[..., int]:
    """The suite's one query counter; see QueryCounter."""
    return QueryCounter()


# --- customer journeys and the improvement backlog ---------------------------------------
# Kundservice owns the "Move house" journey: stage Contact (touchpoints phone queue and
# web form, a transition between them), stage Follow-up. Alice suggested an idea for her
# team; `scored_item` is a triaged-ready quick win in Kundservice.


@pytest.fixture
def journey(service_unit):
    return JourneyFactory(name="Flytta hem", unit=service_unit, persona="Hushållskund som flyttar")


@pytest.fixture
def contact_stage(journey):
    return StageFactory(journey=journey, order=1, name="Kontakt")


@pytest.fixture
def phone_queue(contact_stage):
    return TouchpointFactory(
        stage=contact_stage,
        order=1,
        name="Telefonkö",
        channel=Channel.PHONE,
        emotion=Emotion.VERY_NEGATIVE,
    )


@pytest.fixture
def web_form(contact_stage):
    return TouchpointFactory(
        stage=contact_stage,
        order=2,
        name="Flyttanmälan på webben",
        channel=Channel.WEB,
        emotion=Emotion.POSITIVE,
    )


@pytest.fixture
def handover(phone_queue, web_form):
    return TransitionFactory(source=phone_queue, target=web_form, friction="Kunden får börja om.")


@pytest.fixture
def idea(alice, service_team):
    return ItemFactory(title="Ring upp i stället för kö", unit=service_team, submitted_by=alice)


@pytest.fixture
def scored_item(service_unit, phone_queue):
    return ItemFactory(
        title="Kortare telefonkö",
        unit=service_unit,
        touchpoint=phone_queue,
        waste=Waste.MUDA,
        muda_kind=MudaKind.WAITING,
        impact=5,
        feasibility=4,
        customer_value=5,
    )


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider (django-oauth-toolkit, tests/oidc_provider/) on a
    free port of its own: once per test session (per xdist worker)."""
    from tests.oidc_provider.client import Provider

    provider = Provider.start(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


# --- shared file storage: an S3-compatible server on this machine -------------------------


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in a thread, on a free port of 127.0.0.1, for the whole run: its
    address. No network beyond this machine."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    """A bucket of the S3 server, read with boto3 behind cxlean's back."""

    def __init__(self, endpoint: str, name: str):
        import boto3

        self.name = name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.client.create_bucket(Bucket=name)

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_storage(settings, s3_server, tmp_path) -> Bucket:
    """Every file of the test goes to a new, private bucket on the S3 server, configured
    with STORAGE_URL as on a production machine; MEDIA_ROOT is an empty folder the test
    may check stays empty. The bucket, to look into."""
    import uuid

    from cxlean.core.storage import file_storage

    bucket = Bucket(s3_server, f"cxlean-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": file_storage(
            f"s3://{bucket.name}?endpoint_url={s3_server}&region=us-east-1",
            access_key="testing",
            secret_key="testing",
        ),
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    return bucket
