"""A data model diagram in a chapter is a figure that the browser draws as a picture
(static/js/diagrams.js, tests/e2e/test_manual_diagrams.py), with its Mermaid text kept,
escaped, as the picture's text equivalent; only pages with diagrams load mermaid."""

import pytest
from django.urls import reverse

from cxlean.help import manual

pytestmark = pytest.mark.django_db


def test_a_diagram_becomes_a_figure_with_its_text():
    chapter = manual.render("# T\n\n```datamodel guide\n```\n", "x", "en")
    assert '<figure class="diagram" data-diagram>' in chapter.html
    assert '<code class="language-mermaid">erDiagram' in chapter.html
    assert '<details class="diagram__text" open>' in chapter.html  # open without JavaScript
    assert "GuideStep" in chapter.html and chapter.has_diagrams


def test_the_diagram_text_is_escaped_and_other_code_is_plain_code():
    chapter = manual.render("# T\n\n```mermaid\nA --> <b>\n```\n\n```sh\nls\n```\n", "x", "en")
    assert "A --&gt; &lt;b&gt;" in chapter.html and "<b>" not in chapter.html
    assert '<pre><code class="language-sh">ls\n</code></pre>' in chapter.html


def test_only_pages_with_diagrams_load_mermaid(alice, as_user):
    client = as_user(alice)
    architecture = client.get(reverse("help:chapter", args=["architecture"])).content.decode()
    assert "vendor/mermaid/mermaid.min.js" in architecture and "js/diagrams.js" in architecture
    employee = client.get(reverse("help:chapter", args=["employee"])).content.decode()
    assert "mermaid" not in employee
    printed = client.get(reverse("help:print")).content.decode()
    assert "vendor/mermaid/mermaid.min.js" in printed
