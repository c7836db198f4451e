"""Formatted references: pybtex's unsrt style with a safe HTML backend.

Formatting is kept apart from parsing (`bibliography`) and from the entries
themselves: `FormattedReferences` holds what has been formatted, by entry
digest, so an unchanged entry is formatted once per process, and
`store_formatted` / `restore_formatted` carry that into the next build through
`cache` (pybtex takes milliseconds an entry). pybtex's style machinery is
imported only when an entry is first formatted; a warm build reads every
reference from the cache.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from typing import Any

from . import cache
from .bibliography import DOI, Bibliography, Entry
from .cache import cache_key
from .text import is_http_url, is_pmid

PUBLISHED_FIELDS = {"findings", "evidence", "verified", "note", "abstract", "keywords", "file"}


@functools.cache
def _pybtex() -> tuple[Any, Any, Any]:
    """pybtex's unsrt style, keeping titles' case as written (the dossier does not
    brace-protect proper nouns) and linking PMIDs from our `pmid` field; its HTML
    backend with link targets escaped and only http(s); its plain-text backend."""
    from pybtex.backends.html import Backend
    from pybtex.backends.plaintext import Backend as TextBackend
    from pybtex.style.formatting.unsrt import Style
    from pybtex.style.template import field as template_field
    from pybtex.style.template import href, join, optional, sentence

    class ReferenceStyle(Style):
        def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
            title = template_field(which_field)
            return sentence[title] if as_sentence else title

        def format_web_refs(self, e: Any) -> Any:
            url = template_field("url", raw=True)
            pmid = template_field("pmid", raw=True)
            doi = template_field("doi", raw=True)
            return sentence[
                optional[href(url)[url]],
                optional[href(join["https://pubmed.ncbi.nlm.nih.gov/", pmid, "/"])[join["PMID: ", pmid]]],
                optional[href(join["https://doi.org/", doi])[join["doi:", doi]]],
            ]

    class SafeHtmlBackend(Backend):
        @staticmethod
        def format_href(url: str, text: str, external: bool = False) -> str:
            if not text:
                return ""
            if not is_http_url(url):
                return text
            return f'<a href="{html.escape(url, quote=True)}" rel="noopener">{text}</a>'

    # render() with an instance: render_as() looks the plugin up every call
    return ReferenceStyle(), SafeHtmlBackend(), TextBackend()


def _plain(latex: str) -> str:
    from pybtex.richtext import Text

    return str(Text.from_latex(latex).render(_pybtex()[2]))


def format_reference(entry: Entry) -> tuple[str, str]:
    """The entry formatted by pybtex: (safe HTML, plain text)."""
    from pybtex.database import Entry as PybtexEntry

    style, backend, text_backend = _pybtex()
    clean = PybtexEntry(entry.source.type, persons=entry.source.persons)
    for name, value in entry.fields.items():
        if name in PUBLISHED_FIELDS or name == "crossref":
            continue
        if name == "url" and not is_http_url(str(value)):
            continue
        if name == "doi" and not DOI.match(str(value).strip()):
            continue
        if name == "pmid" and not is_pmid(str(value)):
            continue
        if name == "url" and "doi" in entry.fields and str(value).lower().endswith(entry.fields["doi"].lower()):
            continue
        clean.fields[name] = value
    clean.key = entry.key
    try:
        text = next(iter(style.format_entries([clean]))).text
        return text.render(backend), " ".join(text.render(text_backend).split())
    except Exception:  # pybtex can fail on odd entries; fall back to the title
        title = " ".join(_plain(entry.fields.get("title", entry.key)).split())
        return html.escape(title), title


def author_year_label(entry: Entry) -> str:
    """"Fekadu et al., 2018", HTML-escaped."""
    persons = entry.source.persons.get("author") or entry.source.persons.get("editor") or []
    names = [_plain(" ".join(p.last_names)) for p in persons]
    if not names:
        who = _plain(entry.fields.get("organization", entry.fields.get("institution", entry.key)))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return html.escape(f"{who}, {entry.year or 'n.d.'}".replace("{", "").replace("}", ""))


@dataclass
class Formatted:
    """One entry's formatted reference (HTML, plain text) and its author-year label."""

    html: str | None = None
    text: str | None = None
    label: str | None = None


@dataclass
class FormattedReferences:
    """What has been formatted, by entry digest (so never stale: a changed entry
    has a new digest). `stored` counts what the cache already holds."""

    by_digest: dict[str, Formatted] = field(default_factory=dict)
    stored: dict[str, int] = field(default_factory=dict)  # bibliography path -> formatted items it holds

    def of(self, entry: Entry) -> Formatted:
        found = self.by_digest.get(entry.digest)
        if found is None:
            found = self.by_digest[entry.digest] = Formatted()
        return found

    def count(self, bibliography: Bibliography) -> int:
        """How many references and labels of `bibliography` have been formatted."""
        return sum((f.html is not None) + (f.label is not None)
                   for f in (self.by_digest.get(e.digest) for e in bibliography.entries.values()) if f is not None)


#: This process's formatted references (`mkdocs serve` keeps them across rebuilds).
FORMATTED = FormattedReferences()


def _format(entry: Entry) -> Formatted:
    formatted = FORMATTED.of(entry)
    if formatted.html is None or formatted.text is None:
        formatted.html, formatted.text = format_reference(entry)
    return formatted


def reference_html(entry: Entry) -> str:
    """The full formatted reference, as safe HTML with its DOI, PMID and URL links."""
    return str(_format(entry).html)


def reference_text(entry: Entry) -> str:
    """The full formatted reference as plain text (for tooltips; escape before use)."""
    return str(_format(entry).text)


def author_year(entry: Entry) -> str:
    """An author-year label: "Fekadu et al., 2018"."""
    formatted = FORMATTED.of(entry)
    if formatted.label is None:
        formatted.label = author_year_label(entry)
    return formatted.label


def _stored_key(bibliography: Bibliography) -> str:
    return cache_key("formatting", "references", bibliography.path)


def restore_formatted(bibliography: Bibliography) -> None:
    """Take the references the last build formatted (those whose entries are
    unchanged) from the cache."""
    stored = cache.load("references", _stored_key(bibliography))
    if isinstance(stored, dict):
        for digest, (html_text, plain, label) in stored.items():
            FORMATTED.by_digest.setdefault(digest, Formatted(html_text, plain, label))
    FORMATTED.stored[bibliography.path] = FORMATTED.count(bibliography)


def store_formatted(bibliography: Bibliography) -> None:
    """Keep the references formatted during a build for the next build, when
    more were formatted than the cache holds."""
    count = FORMATTED.count(bibliography)
    if count <= FORMATTED.stored.get(bibliography.path, 0):
        return
    done = {}
    for entry in bibliography.entries.values():
        found = FORMATTED.by_digest.get(entry.digest)
        if found is not None and (found.html is not None or found.label is not None):
            done[entry.digest] = (found.html, found.text, found.label)
    cache.save("references", _stored_key(bibliography), done)
    FORMATTED.stored[bibliography.path] = count
