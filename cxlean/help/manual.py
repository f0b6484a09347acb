"""The user manual: Markdown chapters in docs/<language>/, rendered to safe HTML.

Each chapter is one file, `docs/sv/<slug>.md` and `docs/en/<slug>.md`, whose first line is
its `# Title`. The order of the chapters is CHAPTERS below. Markdown is rendered by
markdown-it-py with raw HTML off (written HTML is shown as text, never run), every heading
gets an anchor (`id`) for the table of contents and for context help, and a link to another
chapter is written `[text](backlog.md#priority)`.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

DOCS_DIR = Path(settings.BASE_DIR) / "docs"

# The chapters in reading order: first one per role, then one per area, then how it is built.
CHAPTERS = (
    "index",
    "coordinator",
    "employee",
    "management",
    "administrator",
    "plans",
    "competence",
    "improvements",
    "journeys",
    "checklists",
    "gemba",
    "metrics",
    "maturity",
    "game",
    "reminders",
    "excel",
    "api",
    "architecture",
)

SCREENSHOT = re.compile(r"^screenshots/(?P<name>[a-z0-9-]+\.png)$")
CHAPTER_LINK = re.compile(r"^(?P<slug>[a-z0-9-]+)\.md(?P<anchor>#[a-z0-9-]*)?$")
# `## Priority {#priority}`: a heading's own anchor, the same in both languages, for links
# from the pages (context help) and from other chapters.
OWN_ANCHOR = re.compile(r"\s*\{#(?P<anchor>[a-z0-9-]+)\}\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    own_anchor: bool = False


@dataclass(frozen=True)
class Section:
    """The text under one heading, for search."""

    heading: Heading
    text: str


@dataclass(frozen=True)
class Chapter:
    slug: str
    language: str
    title: str
    html: str
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]

    @property
    def has_diagrams(self) -> bool:
        """Whether the page needs the diagram script (static/js/diagrams.js)."""
        return "data-diagram" in self.html

    @property
    def toc(self) -> tuple[Heading, ...]:
        """The headings under the title (levels 2 and 3)."""
        return tuple(heading for heading in self.headings if heading.level in (2, 3))


def manual_language(language: str | None = None) -> str:
    """The manual's language for a UI language: Swedish or English (Swedish by default)."""
    code = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return code if code in ("sv", "en") else "sv"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table"])
    md.add_render_rule("fence", _fence)
    return md


def _fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A ```mermaid``` block becomes a figure: static/js/diagrams.js draws the picture into
    it in the browser (on screen and in print), fitted to the page with a "Full size"
    toggle, and the Mermaid text stays under it, folded away once the picture is there, as
    the picture's text equivalent. Without JavaScript the text shows, open."""
    token = tokens[idx]
    if token.info.strip() != "mermaid":
        return self.fence(tokens, idx, options, env)
    label = escapeHtml(_("The data model as a picture; its text follows."))
    full_size = escapeHtml(_("Full size"))
    summary = escapeHtml(_("The diagram as text (Mermaid)"))
    return (
        '<figure class="diagram" data-diagram>'
        '<button type="button" class="button button--secondary button--small diagram__zoom"'
        f' aria-pressed="false" hidden>{full_size}</button>'
        f'<div class="diagram__picture" data-label="{label}"></div>'
        f'<details class="diagram__text" open><summary>{summary}</summary>'
        f'<pre><code class="language-mermaid">{escapeHtml(token.content)}</code></pre>'
        "</details></figure>\n"
    )


def _anchor(text: str, taken: set[str]) -> str:
    base = slugify(text) or "section"
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


def _inline_text(token: Token) -> str:
    return "".join(child.content for child in token.children or () if child.content)


def _own_anchor(inline: Token) -> str | None:
    """The `{#anchor}` at the end of a heading, taken out of its text."""
    children = inline.children or []
    match = OWN_ANCHOR.search(children[-1].content) if children else None
    if match is None:
        return None
    children[-1].content = children[-1].content[: match.start()]
    inline.content = OWN_ANCHOR.sub("", inline.content)
    return match["anchor"]


def _include_diagram(token: Token) -> None:
    """```datamodel backlog``` shows docs/datamodel/backlog.mmd, generated from the models
    (`manage.py datamodel`)."""
    app_label = token.info.split()[1]
    diagram = DOCS_DIR / "datamodel" / f"{app_label}.mmd"
    token.content = diagram.read_text(encoding="utf-8") if diagram.exists() else ""
    token.info = "mermaid"


def _rewrite_links(tokens: list[Token]) -> None:
    """Links to chapters (`backlog.md#priority`) and screenshots (`screenshots/board-desktop.png`,
    in the chapter's language) become the manual's addresses."""
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                shot = SCREENSHOT.match(str(child.attrGet("src") or ""))
                if shot:
                    child.attrSet("src", reverse("help:screenshot", args=[shot["name"]]))
                    child.attrSet("loading", "lazy")
                continue
            if child.type != "link_open":
                continue
            match = CHAPTER_LINK.match(str(child.attrGet("href") or ""))
            if match and match["slug"] in CHAPTERS:
                url = reverse("help:chapter", args=[match["slug"]])
                child.attrSet("href", url + (match["anchor"] or ""))


def render(source: str, slug: str, language: str) -> Chapter:
    """A chapter from its Markdown source."""
    md = _markdown()
    tokens = md.parse(source)
    headings: list[Heading] = []
    taken: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            own = _own_anchor(tokens[index + 1])
            text = _inline_text(tokens[index + 1])
            anchor = own if own and own not in taken else _anchor(text, taken)
            taken.add(anchor)
            heading = Heading(int(token.tag[1]), text, anchor, own_anchor=bool(own))
            token.attrSet("id", heading.anchor)
            headings.append(heading)
        elif token.type == "table_open":
            token.attrSet("class", "table")
        elif token.type == "fence" and token.info.startswith("datamodel "):
            _include_diagram(token)
    _rewrite_links(tokens)
    with translation.override(language):
        html = md.renderer.render(tokens, md.options, {})
    title = headings[0].text if headings and headings[0].level == 1 else slug
    return Chapter(slug, language, title, html, tuple(headings), _sections(source, headings))


def _sections(source: str, headings: list[Heading]) -> tuple[Section, ...]:
    """The chapter's text cut at its headings (outside code blocks), for search."""
    sections: list[Section] = []
    lines: list[str] = []
    remaining = iter(headings)
    current: Heading | None = None
    fenced = False
    for line in source.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            if current is not None:
                sections.append(Section(current, _plain("\n".join(lines))))
            current, lines = next(remaining, None), []
            continue
        lines.append(line)
    if current is not None:
        sections.append(Section(current, _plain("\n".join(lines))))
    return tuple(sections)


def _plain(markdown: str) -> str:
    """Markdown as plain text, roughly: links and emphasis without their marks."""
    markdown = re.sub(r"\{#[a-z0-9-]+\}", "", markdown)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`>|]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def screenshots(chapter: Chapter) -> list[str]:
    """The screenshot files a chapter shows (docs/screenshots/<language>/<name>)."""
    return re.findall(r'src="/help/screenshots/([a-z0-9-]+\.png)"', chapter.html)


def screenshot_path(name: str, language: str | None = None) -> Path:
    return DOCS_DIR / "screenshots" / manual_language(language) / name


def path(slug: str, language: str) -> Path:
    return DOCS_DIR / language / f"{slug}.md"


@lru_cache(maxsize=128)
def _load(slug: str, language: str, mtime: float) -> Chapter:
    return render(path(slug, language).read_text(encoding="utf-8"), slug, language)


def chapter(slug: str, language: str | None = None) -> Chapter | None:
    """One chapter in the reader's language, or None when there is no such chapter."""
    language = manual_language(language)
    if slug not in CHAPTERS or not path(slug, language).exists():
        return None
    return _load(slug, language, path(slug, language).stat().st_mtime)


def chapters(language: str | None = None) -> list[Chapter]:
    """Every chapter there is, in reading order."""
    found = (chapter(slug, language) for slug in CHAPTERS)
    return [each for each in found if each is not None]


@dataclass(frozen=True)
class Hit:
    chapter: Chapter
    heading: Heading
    before: str
    match: str
    after: str


SNIPPET = 80


def search(query: str, language: str | None = None, limit: int = 50) -> list[Hit]:
    """The sections that contain every word of the query (case-insensitive), each with a
    snippet around the first word; sections whose heading matches come first."""
    words = [word.casefold() for word in query.split() if word.strip()]
    if not words:
        return []
    hits: list[tuple[int, Hit]] = []
    for each in chapters(language):
        for section in each.sections:
            haystack = f"{section.heading.text} {section.text}".casefold()
            if not all(word in haystack for word in words):
                continue
            in_heading = any(word in section.heading.text.casefold() for word in words)
            hits.append((0 if in_heading else 1, _hit(each, section, words[0])))
    hits.sort(key=lambda pair: pair[0])
    return [hit for _rank, hit in hits[:limit]]


def _hit(each: Chapter, section: Section, word: str) -> Hit:
    text = section.text
    at = text.casefold().find(word)
    if at < 0:
        return Hit(each, section.heading, text[: SNIPPET * 2], "", "")
    start, end = max(0, at - SNIPPET), min(len(text), at + len(word) + SNIPPET)
    before = ("…" if start else "") + text[start:at]
    after = text[at + len(word) : end] + ("…" if end < len(text) else "")
    return Hit(each, section.heading, before, text[at : at + len(word)], after)
