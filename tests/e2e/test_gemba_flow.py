"""A Gemba walk on a phone (375×800): Alice, an employee taking part in Bob's walk on
the customer service floor, opens the walk, sees what the last walk left open, answers
a question (saved with HTMX), starts an observation, loses the page and finds what she
typed again, adds a photo, saves it, and turns it into an improvement in the backlog."""

import datetime as dt

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cxlean.backlog.models import Item, MudaKind, Source, Waste
from cxlean.gemba.models import Answer, Severity, WalkStatus
from tests.e2e.conftest import log_in, new_page, screenshot
from tests.factories import PASSWORD
from tests.gemba.factories import (
    ObservationFactory,
    QuestionFactory,
    QuestionSetFactory,
    WalkFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def at_nine(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@pytest.fixture
def walk(service_unit, bob, alice, phone_queue):
    questions = QuestionSetFactory(name_sv="Kundtjänstgolvet", name_en="Customer service floor")
    QuestionFactory(question_set=questions, order=1, text_sv="Var väntar kunden?")
    QuestionFactory(question_set=questions, order=2, text_sv="Var görs arbete om?")
    last = WalkFactory(
        unit=service_unit,
        leader=bob,
        place="Kundtjänstgolvet",
        status=WalkStatus.DONE,
        actual_minutes=35,
        planned_start=at_nine(-14),
    )
    ObservationFactory(walk=last, text="Ingen tar emot kunderna vid disken", severity=Severity.HIGH)
    return WalkFactory(
        unit=service_unit,
        leader=bob,
        participants=[alice],
        place="Kundtjänstgolvet",
        touchpoint=phone_queue,
        question_set=questions,
        planned_start=at_nine(0),
    )


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def photo_file(tmp_path):
    path = tmp_path / "disken.png"
    Image.new("RGB", (1200, 900), (200, 60, 40)).save(path, format="PNG")
    return path


def test_an_employee_logs_a_walk_on_a_phone(browser, live_server, alice, walk, tmp_path):
    page = new_page(browser, live_server.url, width=WIDTH, height=800)
    try:
        log_in(page, "alice", PASSWORD)
        page.goto(f"/gemba/{walk.pk}/")
        no_sideways_scroll(page)
        assert (
            "Ingen tar emot kunderna vid disken" in page.locator(".gemba-follow-ups").inner_text()
        )
        screenshot(page, "gemba-walk-phone")

        # Answer the first question with the connection gone: nothing is lost.
        question = walk.question_set.questions.first()
        block = page.locator(f"#question-{question.pk}")
        page.context.set_offline(True)
        block.locator("textarea").fill("I telefonkön, ungefär 20 minuter.")
        block.locator("button[type=submit]").click()
        not_sent = block.locator("form").get_attribute("data-not-sent")
        block.locator("[data-draft-state]", has_text=not_sent).wait_for()
        assert not Answer.objects.exists()
        page.context.set_offline(False)
        page.reload()
        assert block.locator("textarea").input_value() == "I telefonkön, ungefär 20 minuter."

        # Back online, HTMX saves it and says so.
        block.locator("button[type=submit]").click()
        page.locator(f"#question-{question.pk} .gemba-saved").wait_for()
        assert Answer.objects.get().text == "I telefonkön, ungefär 20 minuter."
        assert page.locator("#gemba-status").inner_text().strip()

        # Start an observation; the page is lost (reload) before it is sent: it comes back.
        page.locator(".gemba-quick__add").click()
        page.wait_for_url(f"**/gemba/{walk.pk}/observations/new/")
        no_sideways_scroll(page)
        text = "Kunderna står i kö vid disken.\nIngen skylt visar vart de ska."
        page.fill("textarea[name=text]", text)
        page.locator("label.gemba-tile", has_text="Väntan").click()
        page.locator("label.gemba-severity__option--3").click()
        token = page.input_value("input[name=client_token]")
        page.reload()
        assert page.input_value("textarea[name=text]") == text
        assert page.is_checked(f"input[name=waste][value={MudaKind.WAITING}]")
        assert page.is_checked("input[name=severity][value='3']")
        assert page.input_value("input[name=client_token]") == token
        assert page.locator(".gemba-draft-note").is_visible()
        # The touchpoint comes from the walk.
        assert page.input_value("select[name=touchpoint]") == str(walk.touchpoint_id)

        page.set_input_files("input[name=photo]", str(photo_file(tmp_path)))
        screenshot(page, "gemba-observation-form-phone")
        page.locator("form.gemba-observe button[type=submit]").click()
        page.wait_for_url(f"**/gemba/{walk.pk}/#observation-*")
        observation = walk.observations.get()
        assert str(observation.client_token) == token
        assert (observation.waste, observation.muda_kind, observation.severity) == (
            Waste.MUDA,
            MudaKind.WAITING,
            Severity.HIGH,
        )
        assert observation.photo_display
        card = page.locator(f"#observation-{observation.pk}")
        assert "▲▲▲" in card.inner_text()  # high severity, in marks and words
        # The thumbnail loads after the card (wait for it: a busy machine is slow).
        # (Polled from here: the page's Content-Security-Policy refuses wait_for_function's eval.)
        image = card.locator("img")
        expect(image).to_have_js_property("complete", True, timeout=15_000)
        expect(image).not_to_have_js_property("naturalWidth", 0, timeout=15_000)
        # The draft is forgotten once the walk lists the observation.
        assert (
            page.evaluate(
                "Object.keys(localStorage).filter(k => k.startsWith('cxlean:gemba-draft:')).length"
            )
            == 0
        )
        no_sideways_scroll(page)

        # Make it an improvement: the observation links to the new backlog item.
        card.locator("button.gemba-improve").click()
        page.wait_for_load_state()
        item = Item.objects.get()
        assert item.source == Source.GEMBA and item.title == "Kunderna står i kö vid disken"
        link = page.locator(f"#observation-{observation.pk} a[href='/improvements/{item.pk}/']")
        assert link.is_visible()
        screenshot(page, "gemba-walk-observed-phone")
        link.click()
        page.wait_for_url(f"**/improvements/{item.pk}/")
        assert page.locator("#gemba-heading").is_visible()
        no_sideways_scroll(page)

        # The printable report has it all.
        page.goto(f"/gemba/{walk.pk}/report/")
        assert "I telefonkön, ungefär 20 minuter." in page.inner_text("main")
        page.emulate_media(media="print")
        assert page.locator(".site-header").is_hidden()
        screenshot(page, "gemba-report-print")
    finally:
        page.context.close()


def test_a_coordinator_plans_walks_and_follows_the_cadence(
    browser, live_server, bob, alice, walk, service_unit
):
    page = new_page(browser, live_server.url)
    try:
        log_in(page, "bob", PASSWORD)
        page.goto("/gemba/")
        screenshot(page, "gemba-list-desktop")
        page.locator("a[href='/gemba/new/']").first.click()
        page.wait_for_url("**/gemba/new/")
        day = timezone.localdate() + dt.timedelta(days=3)
        page.fill("input[name=day]", day.isoformat())
        page.fill("input[name=time]", "13:30")
        page.fill("input[name=place]", "Receptionen")
        page.check(f"input[name=participants][value='{alice.pk}']")
        screenshot(page, "gemba-plan-desktop")
        page.locator("main form.gemba-form [type=submit]").click()
        page.wait_for_url("**/gemba/*/")
        planned = service_unit.gemba_walks.get(place="Receptionen")
        assert timezone.localtime(planned.planned_start).strftime("%H:%M") == "13:30"
        assert list(planned.participants.all()) == [alice]

        # A schedule every second Tuesday plans its walks at once.
        page.goto("/gemba/schedules/new/")
        page.fill("input[name=title]", "Gemba varannan tisdag")
        page.fill("input[name=place]", "Kundtjänstgolvet")
        page.select_option("select[name=weekday]", "1")
        page.fill("input[name=interval]", "2")
        page.locator("main form.gemba-form [type=submit]").click()
        page.wait_for_url("**/gemba/schedules/")
        assert "Gemba varannan tisdag" in page.inner_text("main")
        assert service_unit.gemba_schedules.get().walks.count() == 3
        screenshot(page, "gemba-schedules-desktop")

        page.goto("/gemba/cadence/")
        assert "Kundservice" in page.inner_text("table")
        screenshot(page, "gemba-cadence-desktop")

        page.set_viewport_size({"width": WIDTH, "height": 800})
        for address in ("/gemba/", "/gemba/cadence/", "/gemba/schedules/", "/gemba/new/"):
            page.goto(address)
            no_sideways_scroll(page)
        page.goto("/gemba/")
        screenshot(page, "gemba-list-phone")
    finally:
        page.context.close()
