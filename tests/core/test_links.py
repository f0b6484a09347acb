"""Addresses worked out once per name (cxlean/core/links.py)."""

from django.urls import reverse, set_script_prefix

from cxlean.core.links import address, admin_address


def test_an_address_with_filters_is_reverse_with_a_query_string():
    assert address("admin:backlog_item_changelist") == reverse("admin:backlog_item_changelist")
    assert address("admin:insights_unit", 7) == reverse("admin:insights_unit", args=[7])
    assert admin_address("backlog_item_changelist", status="idea", in_unit=3) == (
        reverse("admin:backlog_item_changelist") + "?status=idea&in_unit=3"
    )


def test_an_admin_that_is_not_there_has_no_address():
    assert admin_address("nothing_here_changelist", unit=1) == ""


def test_the_script_prefix_in_force_is_part_of_the_address():
    before = address("admin:index")
    set_script_prefix("/cx/")
    try:
        assert address("admin:index") == "/cx" + before
    finally:
        set_script_prefix("/")
    assert address("admin:index") == before


def test_a_changed_url_configuration_is_read_again(settings):
    before = address("admin:index")
    settings.ROOT_URLCONF = "tests.core.other_urls"
    assert address("admin:index") == "/elsewhere/"
    settings.ROOT_URLCONF = "cxlean.urls"
    assert address("admin:index") == before
