"""Problems shown in the page while an editor serves the site (`mkdocs serve` only).

Each problem whose written text can be found in the rendered page is marked there
(underlined, its message shown on hover and keyboard focus), and the page opens
with a count of its problems. A problem has a file line, the HTML has none: a
problem's text is matched to the same occurrence in the page's text (the third
"30%" of the file's prose is the third "30%" of the page), which is exact unless
the text also stands in code or a link, where nothing is marked. Problems not
found are still counted and listed.
"""

from __future__ import annotations

import html
import re

from .document import FRONT_MATTER, Document
from .problems import INFO, Problem

#: Elements whose text is never marked: code, links (no focusable mark in a link), generated parts.
SKIPPED = ("code", "pre", "a", "script", "style", "textarea", "summary", "h1", "h2", "h3", "h4", "h5", "h6")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
LONGEST_MARKED = 80
#: The marks' look, sent with them (a site's own stylesheets need not know about them).
STYLE = """<style>
.claimcheck-problem { position: relative; background: none; color: inherit; text-decoration: underline wavy #b00020; text-decoration-thickness: 2px; text-underline-offset: 0.2em; }
.claimcheck-warning { text-decoration-color: #8a5a00; }
.claimcheck-message { display: none; position: absolute; z-index: 11; left: 0; top: 1.5em; width: min(24rem, 80vw); padding: 0.4rem 0.6rem; font-size: 0.7rem; line-height: 1.4; white-space: normal; color: #fff; background: #5a1010; border-radius: 0.2rem; }
.claimcheck-problem:hover .claimcheck-message, .claimcheck-problem:focus .claimcheck-message { display: block; }
.claimcheck-problems { margin: 0 0 1em; padding: 0.3em 0.6em; font-size: 0.7rem; border-left: 4px solid #b00020; background: #f5f5f5; color: #222; }
</style>"""


def _occurrence(problem: Problem, document: Document) -> int:
    """How many times the problem's text stands in the page's prose before its line."""
    front = FRONT_MATTER.match(document.source)
    start = front.end() if front else 0
    lines = document.source.split("\n")
    line_start = sum(len(line) + 1 for line in lines[:max(problem.line - 1, 0)])
    return document.prose[start:max(start, line_start)].count(problem.text)


def _mark(problems: list[tuple[int, Problem]]) -> tuple[str, str]:
    """The opening and closing HTML of one mark, with the messages of every problem it stands for."""
    number = problems[0][0]
    message = " ".join(html.escape(f"{p.kind}: {p.message}") for _, p in problems)
    severity = "error" if any(p.severity == "error" for _, p in problems) else "warning"
    tip = f"claimcheck-problem-{number}"
    return (f'<mark class="claimcheck-problem claimcheck-{severity}" tabindex="0" aria-describedby="{tip}">',
            f'<span class="claimcheck-message" role="tooltip" id="{tip}">{message}</span></mark>')


def marked_html(content: str, problems: list[Problem], document: Document | None) -> str:
    """The page's HTML with its problems marked and counted (info notes left out)."""
    shown = [p for p in problems if p.severity != INFO]
    if not shown:
        return content
    wanted: dict[str, list[tuple[int, int, Problem]]] = {}
    for number, problem in enumerate(shown, start=1):
        text = " ".join(problem.text.split())
        if document is None or not text or len(text) > LONGEST_MARKED:
            continue
        wanted.setdefault(html.escape(text, quote=False), []).append((_occurrence(problem, document), number, problem))
    pieces: list[str] = []
    skipping: list[str] = []
    seen: dict[str, int] = {}
    marked: set[int] = set()
    at = 0
    for tag in TAG.finditer(content):
        pieces.append(_mark_text(content[at:tag.start()], wanted, seen, marked) if not skipping else content[at:tag.start()])
        pieces.append(tag.group(0))
        at = tag.end()
        closing, name, empty = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in SKIPPED and not empty:
            if not closing:
                skipping.append(name)
            elif name in skipping:
                del skipping[len(skipping) - 1 - skipping[::-1].index(name)]
    pieces.append(_mark_text(content[at:], wanted, seen, marked) if not skipping else content[at:])
    items = "".join(f"<li>line {p.line}: {html.escape(p.kind)}: {html.escape(p.message)}{'' if n in marked else ' (not marked in the page)'}</li>"
                    for n, p in enumerate(shown, start=1))
    count = f"{len(shown)} problem{'s' if len(shown) != 1 else ''} on this page"
    panel = STYLE + (f'<aside class="claimcheck-problems" aria-label="Problems found by claimcheck"><details><summary>claimcheck (shown by '
             f'<code>mkdocs serve</code> only): {count}</summary><ol>{items}</ol></details></aside>')
    return panel + "".join(pieces)


def _mark_text(text: str, wanted: dict[str, list[tuple[int, int, Problem]]], seen: dict[str, int], marked: set[int]) -> str:
    """One run of text between tags, with the wanted occurrences in it marked."""
    if not text.strip():
        return text
    spans = []
    for needle, targets in wanted.items():
        for found in re.finditer(re.escape(needle), text):
            index = seen.get(needle, 0)
            seen[needle] = index + 1
            here = [(number, problem) for occurrence, number, problem in targets if occurrence == index and number not in marked]
            if here:
                spans.append((found.start(), found.end(), here))
    out, at = [], 0
    for start, end, here in sorted(spans, key=lambda span: span[0]):
        if start < at:
            continue
        opening, closing = _mark(here)
        marked.update(number for number, _ in here)
        out += [text[at:start], opening, text[start:end], closing]
        at = end
    return "".join(out) + text[at:]
