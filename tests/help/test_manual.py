"""The user manual at /help/: chapters in the reader's language, safe Markdown, search,
print, context help; and every chapter written in both languages with the same structure."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from cxlean.help import manual

pytestmark = pytest.mark.django_db


def _structure(chapter: manual.Chapter) -> list[tuple[int, str]]:
    """The heading levels, with the anchors written into the headings (`{#priority}`)."""
    return [(h.level, h.anchor if h.own_anchor else "") for h in chapter.headings]


@pytest.mark.parametrize("slug", manual.CHAPTERS)
def test_every_chapter_is_written_in_both_languages_with_the_same_headings(slug):
    sv, en = manual.chapter(slug, "sv"), manual.chapter(slug, "en")
    assert sv is not None, f"docs/sv/{slug}.md is missing"
    assert en is not None, f"docs/en/{slug}.md is missing"
    assert _structure(sv) == _structure(en)
    assert sv.headings[0].level == 1


def test_the_role_chapters_are_written():
    for slug in ("coordinator", "employee", "management", "administrator"):
        assert manual.chapter(slug, "sv") and manual.chapter(slug, "en"), slug


def test_links_between_chapters_point_at_chapters_that_exist():
    for language in ("sv", "en"):
        for chapter in manual.chapters(language):
            for href in re.findall(r'href="/help/([^/"]+)/', chapter.html):
                assert manual.chapter(href, language), f"{chapter.slug} links to {href}"
            assert not re.search(r'href="[a-z-]+\.md', chapter.html), chapter.slug


def test_markdown_is_rendered_without_raw_html():
    chapter = manual.render(
        "# Title\n\n<script>alert(1)</script>\n\n## A *part*\n\n[x](javascript:alert(1))\n",
        "x",
        "en",
    )
    assert "<script>" not in chapter.html and "&lt;script&gt;" in chapter.html
    assert 'href="javascript' not in chapter.html
    assert '<h2 id="a-part">' in chapter.html
    assert [(h.level, h.anchor) for h in chapter.headings] == [(1, "title"), (2, "a-part")]


def test_a_heading_may_name_its_own_anchor():
    chapter = manual.render("# T\n\n## Prioritet {#priority}\n\ntext\n", "x", "sv")
    assert '<h2 id="priority">Prioritet</h2>' in chapter.html
    assert chapter.sections[1].heading.text == "Prioritet"
    assert "{#" not in chapter.sections[1].text


def test_the_same_heading_twice_gets_two_anchors():
    chapter = manual.render("# T\n\n## Why\n\n## Why\n", "x", "en")
    assert [h.anchor for h in chapter.toc] == ["why", "why-2"]


def test_the_manual_needs_a_login(client):
    response = client.get(reverse("help:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_manual_is_in_the_readers_language(alice, as_user):
    client = as_user(alice)
    html = client.get(reverse("help:index")).content.decode()
    assert "Handbok för cxlean" in html
    html = client.get(reverse("help:index"), language="en").content.decode()
    assert "The cxlean manual" in html


def test_the_header_links_to_the_manual(alice, as_user):
    html = as_user(alice).get(reverse("home")).content.decode()
    assert f'href="{reverse("help:index")}"' in html


def test_a_chapter_has_a_table_of_contents(alice, as_user):
    chapter = manual.chapters("en")[1]
    html = as_user(alice).get(chapter_url(chapter.slug), language="en").content.decode()
    assert chapter.title in html
    for heading in chapter.toc:
        assert f'href="#{heading.anchor}"' in html
        assert f'id="{heading.anchor}"' in html


def chapter_url(slug: str) -> str:
    return reverse("help:chapter", args=[slug])


def test_an_unknown_chapter_is_not_found(alice, as_user):
    assert as_user(alice).get(chapter_url("nothing")).status_code == 404
    assert as_user(alice).get(chapter_url("index")).status_code == 404


def test_search_finds_sections_in_the_readers_language(alice, as_user):
    client = as_user(alice)
    html = client.get(reverse("help:search"), {"q": "Green Card"}, language="en").content
    html = html.decode()
    assert "<mark>Green</mark>" in html or "<mark>green</mark>" in html
    hits = manual.search("ILUO", "sv")
    assert hits and all(hit.chapter.language == "sv" for hit in hits)
    assert manual.search("", "sv") == []
    assert manual.search("xyzzy-not-there", "en") == []


def test_search_escapes_the_query(alice, as_user):
    html = as_user(alice).get(reverse("help:search"), {"q": "<b>x"}).content.decode()
    assert "<b>x" not in html


def test_the_whole_manual_prints_one_chapter_a_page(alice, as_user):
    html = as_user(alice).get(reverse("help:print"), language="en").content.decode()
    assert html.count('class="prose manual__body manual__chapter"') == len(manual.chapters("en"))
    assert "css/help.css" in html


def test_help_link_points_at_a_section():
    html = Template('{% load help_tags %}{% help_link "improvements" "priority" %}').render(
        Context()
    )
    assert f'href="{chapter_url("improvements")}#priority"' in html


def test_the_committed_data_model_diagrams_match_the_models():
    """`manage.py datamodel` regenerates docs/datamodel/; run it when a model changes."""
    from cxlean.help import datamodel

    assert datamodel.stale() == []


def test_the_diagrams_leave_out_history_tables_and_draw_relations():
    from cxlean.help import datamodel

    backlog = datamodel.diagram("backlog")
    assert backlog.startswith("erDiagram\n")
    assert "Historical" not in backlog
    assert 'Item }o--|| org_Unit : "unit"' in backlog
    assert 'Item }o--o| auth_User : "owner"' in backlog


def test_the_architecture_chapter_shows_every_diagram():
    from cxlean.help import datamodel

    for language in ("sv", "en"):
        html = manual.chapter("architecture", language).html
        for label in datamodel.AREAS:
            assert f'id="model-{label}"' in html
        assert html.count('class="language-mermaid"') == len(datamodel.AREAS)
        assert "erDiagram" in html


HELP_LINK = re.compile(
    r'{%\s*help_link\s+"(?P<chapter>[a-z-]+)"(?:\s+"(?P<anchor>[a-z0-9-]*)")?\s*%}'
)


def _help_links() -> list[tuple[str, str, str]]:
    from django.conf import settings

    found = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        for match in HELP_LINK.finditer(template.read_text(encoding="utf-8")):
            found.append((template.name, match["chapter"], match["anchor"] or ""))
    return found


def test_the_main_pages_link_to_their_help():
    pages = {name for name, _chapter, _anchor in _help_links()}
    for page in ("home.html", "plan_list.html", "item_list.html", "mine.html", "overview.html"):
        assert page in pages


def test_every_context_help_link_points_at_a_section_in_both_languages():
    for name, slug, anchor in _help_links():
        for language in ("sv", "en"):
            chapter = manual.chapter(slug, language) if slug != "index" else True
            assert chapter, f"{name}: no chapter {slug} in {language}"
            if anchor:
                anchors = {h.anchor for h in chapter.headings if h.own_anchor}
                assert anchor in anchors, f"{name}: no #{anchor} in {language}/{slug}.md"


def test_a_page_shows_its_help_link(alice, as_user):
    html = as_user(alice).get(reverse("backlog:list")).content.decode()
    assert f'href="{chapter_url("improvements")}"' in html
    assert "Hjälp" in html or "Help" in html


def test_every_screenshot_a_chapter_shows_exists():
    """`make screenshots` writes them; a chapter must not show one that is missing."""
    for language in ("sv", "en"):
        for chapter in manual.chapters(language):
            for name in manual.screenshots(chapter):
                assert manual.screenshot_path(name, language).is_file(), (
                    f"docs/screenshots/{language}/{name} (in {chapter.slug}) is missing: "
                    "run `make screenshots`"
                )


def test_a_chapter_shows_screenshots_from_the_manual(alice, as_user):
    chapter = manual.render("# T\n\n![Board](screenshots/board-desktop.png)\n", "x", "en")
    assert manual.screenshots(chapter) == ["board-desktop.png"]
    client = as_user(alice)
    assert client.get(reverse("help:screenshot", args=["..x.png"])).status_code == 404
    assert client.get(reverse("help:screenshot", args=["nothing.png"])).status_code == 404


def test_a_screenshot_is_served_in_the_readers_language(alice, as_user):
    client = as_user(alice)
    shown = manual.screenshots(manual.chapter("improvements", "en"))
    assert shown, "the improvements chapter shows the PDCA board"
    response = client.get(reverse("help:screenshot", args=[shown[0]]), language="en")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    html = client.get(chapter_url("improvements"), language="en").content.decode()
    assert f'src="{reverse("help:screenshot", args=[shown[0]])}"' in html
