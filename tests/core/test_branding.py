"""The organisation's branding: what it accepts (a colour white text reads on, a real
image as logo), who changes it (superusers, in the admin and the API; everyone signed in
reads it), that it is read once and cached, and where it shows: the app's header, the
admin's header, e-mails and exports. And /favicon.ico.

Alice (employee), Bob (coordinator), Maria (management) and Root (superuser) come from
tests/conftest.py."""

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient

from cxlean.core.branding import (
    CACHE_KEY,
    DEFAULT_COLOUR,
    Brand,
    Branding,
    contrast_with_white,
    current_brand,
)
from cxlean.core.mail import new_email
from tests.exports.conftest import export_as, values
from tests.factories import PASSWORD
from tests.openapi import openapi_text

pytestmark = pytest.mark.django_db
ADMIN = "/admin/core/branding/"
API = "/api/v1/branding/"
PLUM = "#5b2a6e"  # 9.9:1 against white


def image_file(name="logo.png", kind="PNG", size=(120, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#5b2a6e").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


def errors_of(branding: Branding) -> dict:
    with translation.override("en"):
        try:
            branding.full_clean()
        except ValidationError as error:
            return error.message_dict
    return {}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plum(media_root):
    branding = Branding(name="Nordljus Energi AB", colour=PLUM)
    branding.save()
    return branding


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- what is accepted ------------------------------------------------------------------------


def test_a_dark_hex_colour_and_a_real_image_are_accepted(media_root):
    branding = Branding(name="Nordljus", colour="#1A6440", logo=image_file())
    assert errors_of(branding) == {}
    branding.save()
    assert (branding.pk, branding.colour) == (1, "#1a6440")


@pytest.mark.parametrize("colour", ["green", "#12345", "#1234567", "1a6440", "#gg6440"])
def test_a_colour_that_is_not_hex_is_refused(colour):
    errors = errors_of(Branding(name="Nordljus", colour=colour))
    assert (
        "Enter the colour as # and six hexadecimal digits, for example #0f3d27."
        in (errors["colour"])
    )


def test_a_colour_too_light_for_white_text_is_refused_with_its_contrast():
    errors = errors_of(Branding(name="Nordljus", colour="#ffcc00"))
    assert errors["colour"] == [
        "White text on #ffcc00 has a contrast of only 1.5:1; the header needs at least "
        "4.5:1 to stay readable. Choose a darker colour."
    ]


def test_a_contrast_just_short_of_the_minimum_does_not_read_as_enough():
    assert 4.45 < contrast_with_white("#777777") < 4.5
    assert "of only 4.4:1" in errors_of(Branding(name="Nordljus", colour="#777777"))["colour"][0]


def test_the_contrast_follows_wcag():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert contrast_with_white(DEFAULT_COLOUR) > 7  # cxlean's own green reaches AAA
    assert contrast_with_white("#767676") >= 4.5 > contrast_with_white("#777777")


def test_a_text_file_named_png_is_not_a_logo():
    logo = SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'/>", content_type="image/png")
    errors = errors_of(Branding(name="Nordljus", logo=logo))
    assert errors["logo"] == [
        "This file is not an image. Upload the logo as a PNG, JPEG or WebP image."
    ]


def test_a_gif_logo_is_refused_by_its_content():
    errors = errors_of(Branding(name="Nordljus", logo=image_file("logo.png", kind="GIF")))
    assert errors["logo"] == ["A logo must be a PNG, JPEG or WebP image; this one is GIF."]


def test_a_logo_too_large_in_bytes_or_pixels_is_refused():
    big = SimpleUploadedFile("logo.png", b"\0" * (1024 * 1024 + 1), content_type="image/png")
    assert errors_of(Branding(name="Nordljus", logo=big))["logo"] == [
        "The logo is 1.0 MB; a logo may be at most 1 MB."
    ]
    wide = image_file(size=(2400, 10))
    assert errors_of(Branding(name="Nordljus", logo=wide))["logo"] == [
        "The logo is 2400 × 10 pixels; it may be at most 2000 on each side."
    ]


# --- the cache -------------------------------------------------------------------------------


def test_nothing_set_means_cxleans_own_brand():
    cache.delete(CACHE_KEY)
    assert current_brand() == Brand("cxlean", DEFAULT_COLOUR, "")
    assert not current_brand().is_own_colour


def test_the_brand_is_read_once_and_read_again_after_a_change(plum):
    cache.delete(CACHE_KEY)
    with CaptureQueriesContext(connection) as first:
        assert current_brand().name == "Nordljus Energi AB"
    with CaptureQueriesContext(connection) as second:
        assert current_brand().colour == PLUM
    assert (len(first), len(second)) == (1, 0)
    plum.name = "Nordljus"
    plum.save()  # clears the cache
    assert current_brand().name == "Nordljus"
    plum.delete()
    assert current_brand().name == "cxlean"


def test_a_page_reads_the_brand_from_the_cache(plum, alice, as_user, count_queries):
    client = as_user(alice)
    client.get("/")  # fills the cache
    before = count_queries(client, "/")
    Branding.objects.filter(pk=1).update(name="Changed behind its back")
    assert count_queries(client, "/") == before
    assert "Nordljus Energi AB" in count_queries.result.content.decode()


# --- who changes it: the admin ---------------------------------------------------------------


def test_an_employee_does_not_enter_the_admin(alice, as_user):
    response = as_user(alice).get(ADMIN)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("person", ["bob", "maria"])
def test_coordinators_and_management_read_the_branding_but_do_not_change_it(
    person, plum, as_user, request
):
    client = as_user(request.getfixturevalue(person))
    page = client.get(f"{ADMIN}1/change/", language="en")
    assert page.status_code == 200
    assert "Nordljus Energi AB" in page.content.decode()
    assert 'name="colour"' not in page.content.decode()  # read-only
    response = client.post(f"{ADMIN}1/change/", {"name": "Mine", "colour": "#000000"})
    assert response.status_code == 403
    assert client.post(f"{ADMIN}1/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{ADMIN}add/").status_code == 403
    assert Branding.objects.get().name == "Nordljus Energi AB"


def test_the_list_opens_the_one_branding_or_adding_it(root, maria, as_user, plum):
    assert as_user(maria).get(ADMIN)["Location"] == f"{ADMIN}1/change/"
    plum.delete()
    assert as_user(root).get(ADMIN)["Location"] == f"{ADMIN}add/"
    assert as_user(maria).get(ADMIN).status_code == 200


def test_a_superuser_sets_the_branding_in_the_admin_with_history(root, as_user, media_root):
    client = as_user(root)
    response = client.post(
        f"{ADMIN}add/", {"name": "Nordljus Energi AB", "colour": PLUM, "logo": image_file()}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    branding = Branding.objects.get()
    assert (branding.name, branding.colour) == ("Nordljus Energi AB", PLUM)
    assert branding.logo.name.startswith("branding/")
    assert branding.history.get().history_user == root
    assert current_brand().logo_url == f"/branding/logo/?v={branding.logo.name[9:]}"
    page = client.get(f"{ADMIN}1/change/").content.decode()
    assert f'href="{current_brand().logo_url}"' in page  # "Currently": where pages load it


def test_a_low_contrast_colour_or_a_bad_logo_in_the_admin_saves_nothing(root, as_user):
    client = as_user(root)
    response = client.post(f"{ADMIN}add/", {"name": "Nordljus", "colour": "#ffcc00"}, language="en")
    assert response.status_code == 200
    assert "has a contrast of only 1.5:1" in response.content.decode()
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(
        f"{ADMIN}add/", {"name": "Nordljus", "colour": PLUM, "logo": fake}, language="en"
    )
    assert response.status_code == 200
    assert Branding.objects.count() == 0


# --- who changes it: the API -----------------------------------------------------------------


def test_everyone_signed_in_reads_the_branding_and_strangers_do_not(alice, plum):
    assert api(alice).get(API).json() == {
        "name": "Nordljus Energi AB",
        "logo": None,
        "colour": PLUM,
    }
    assert APIClient().get(API).status_code in (401, 403)


def test_before_anything_is_set_the_api_gives_cxleans_defaults(alice):
    assert api(alice).get(API).json() == {"name": "cxlean", "logo": None, "colour": "#0f3d27"}


@pytest.mark.parametrize("person", ["alice", "bob", "maria"])
def test_only_a_superuser_changes_the_branding_in_the_api(person, request):
    response = api(request.getfixturevalue(person)).patch(API, {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert Branding.objects.count() == 0


def test_a_superuser_patches_the_branding(root, media_root):
    client = api(root)
    response = client.patch(API, {"name": "Nordljus Energi AB", "colour": PLUM}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["colour"] == PLUM
    response = client.patch(API, {"logo": image_file()}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["logo"].startswith("http://testserver/branding/logo/?v=logo")
    branding = Branding.objects.get()
    assert branding.name == "Nordljus Energi AB" and branding.logo
    assert branding.history.count() == 2


def test_the_api_refuses_a_bad_colour_or_logo_and_saves_nothing(root):
    client = api(root)
    response = client.patch(API, {"colour": "#ffcc00"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "contrast" in response.json()["colour"][0]
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.patch(API, {"logo": fake}, format="multipart")
    assert response.status_code == 400
    assert "logo" in response.json()
    assert Branding.objects.count() == 0


def test_the_schema_describes_the_branding_endpoint():
    text = openapi_text()  # generated once for the test process
    assert '"/api/v1/branding/"' in text
    assert "Change the organisation's branding" in text


# --- where it shows --------------------------------------------------------------------------


def test_the_apps_header_shows_the_name_and_colour(plum, alice, as_user):
    html = as_user(alice).get("/").content.decode()
    assert '<span class="brand__name">Nordljus Energi AB</span>' in html
    assert f'style="--brand: {PLUM};' in html
    assert f'<meta name="theme-color" content="{PLUM}">' in html


def test_the_apps_header_is_cxleans_own_without_a_branding(alice, as_user):
    html = as_user(alice).get("/").content.decode()
    assert '<span class="brand__name">cxlean</span>' in html
    assert "--brand:" not in html
    assert 'class="brand__mark"' in html


def test_the_admins_header_shows_the_name_logo_and_colour(root, maria, as_user, media_root):
    Branding(name="Nordljus Energi AB", colour=PLUM, logo=image_file()).save()
    response = as_user(maria).get("/admin/", language="en")
    html = response.content.decode()
    assert "<span>Nordljus Energi AB</span>" in html
    assert "<title>Lean CX overview | Nordljus Energi AB admin</title>" in html
    assert f"--brand: {PLUM};" in html
    assert 'class="admin-brand__logo" src="/branding/logo/?v=logo' in html
    assert "css/admin-theme.css" in html


def test_the_admin_is_themed_and_named_cxlean_without_a_branding(maria, as_user):
    html = as_user(maria).get("/admin/", language="en").content.decode()
    assert "<span>cxlean administration</span>" in html
    assert "css/admin-theme.css" in html
    assert "favicon.svg" in html
    assert "--brand: #" not in html  # the stylesheet's own green


def test_e_mails_come_from_the_organisation(plum, settings):
    settings.DEFAULT_FROM_EMAIL = "cxlean <noreply@cxlean.example>"
    message = new_email("cxlean: a notification", "Text", to=["alice@example.com"])
    assert message.from_email == "Nordljus Energi AB <noreply@cxlean.example>"


def test_e_mails_come_from_cxlean_without_a_branding(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@cxlean.example"
    message = new_email("cxlean: a notification", "Text", to=["alice@example.com"])
    assert message.from_email == "cxlean <noreply@cxlean.example>"


def test_exports_name_the_organisation(plum, maria):
    book = export_as(maria, "backlog")
    assert ["Organisation", "Nordljus Energi AB"] in values(book["About this export"])
    assert book.properties.creator == "Nordljus Energi AB"


def test_the_logo_is_served_by_its_content_to_anyone(client, media_root):
    Branding(name="Nordljus", logo=image_file("logo.png", kind="JPEG")).save()
    response = client.get(current_brand().logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "JPEG"


def test_no_logo_is_a_404(client):
    assert client.get("/branding/logo/").status_code == 404


def test_import_templates_name_the_organisation(plum, bob):
    from openpyxl import load_workbook

    from cxlean.imports.models import Kind
    from cxlean.imports.workbooks import template_workbook

    book = load_workbook(io.BytesIO(template_workbook(Kind.PEOPLE, bob)))
    assert book.properties.creator == "Nordljus Energi AB"


def test_management_cannot_revert_the_branding_from_its_history(plum, maria, root, as_user):
    plum.name = "Nordljus"
    plum.save()
    first = plum.history.earliest("history_date")
    address = f"{ADMIN}1/history/{first.history_id}/"
    assert as_user(maria).post(address, {"name": "Nordljus Energi AB"}).status_code == 403
    assert Branding.objects.get().name == "Nordljus"


# --- the favicon -----------------------------------------------------------------------------


def test_the_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert Image.open(io.BytesIO(response.content)).format == "ICO"
    assert "max-age=86400" in response["Cache-Control"]


def test_the_login_page_of_the_admin_names_the_favicon(client):
    html = client.get("/admin/login/").content.decode()
    assert "favicon.svg" in html


def test_the_login_form_still_signs_in(client, alice):
    assert client.login(username="alice", password=PASSWORD)
