"""Formatted references: pybtex's unsrt style with a safe HTML backend.

A module of its own so pybtex's style machinery is imported only when an
entry is first formatted; a warm build reads every reference from the cache.
"""

from __future__ import annotations

import html

from pybtex.backends.html import Backend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import Entry as PybtexEntry
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style
from pybtex.style.template import field as template_field
from pybtex.style.template import href, join, optional, sentence

from .bibliography import DOI, Entry
from .text import is_http_url, is_pmid


class ReferenceStyle(Style):
    """pybtex's unsrt style, keeping titles' case as written (the dossier does not
    brace-protect proper nouns) and linking PMIDs from our `pmid` field."""

    def format_title(self, e, which_field, as_sentence=True):
        title = template_field(which_field)
        return sentence[title] if as_sentence else title

    def format_web_refs(self, e):
        url = template_field("url", raw=True)
        pmid = template_field("pmid", raw=True)
        doi = template_field("doi", raw=True)
        return sentence[
            optional[href(url)[url]],
            optional[href(join["https://pubmed.ncbi.nlm.nih.gov/", pmid, "/"])[join["PMID: ", pmid]]],
            optional[href(join["https://doi.org/", doi])[join["doi:", doi]]],
        ]


class SafeHtmlBackend(Backend):
    """pybtex's HTML backend, but link targets are escaped and only http(s)."""

    @staticmethod
    def format_href(url, text, external=False):
        if not text:
            return ""
        if not is_http_url(url):
            return text
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener">{text}</a>'


_STYLE = ReferenceStyle()
_BACKEND = SafeHtmlBackend()
_TEXT = TextBackend()  # render() with an instance: render_as() looks the plugin up every call
PUBLISHED_FIELDS = {"findings", "evidence", "verified", "note", "abstract", "keywords", "file"}


def format_reference(entry: Entry) -> tuple[str, str]:
    """The entry formatted by pybtex: (safe HTML, plain text)."""
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
        text = next(iter(_STYLE.format_entries([clean]))).text
        return text.render(_BACKEND), " ".join(text.render(_TEXT).split())
    except Exception:  # pybtex can fail on odd entries; fall back to the title
        title = " ".join(Text.from_latex(entry.fields.get("title", entry.key)).render(_TEXT).split())
        return html.escape(title), title


def author_year_label(entry: Entry) -> str:
    """"Fekadu et al., 2018", HTML-escaped."""
    persons = entry.source.persons.get("author") or entry.source.persons.get("editor") or []
    names = [Text.from_latex(" ".join(p.last_names)).render(_TEXT) for p in persons]
    if not names:
        who = Text.from_latex(entry.fields.get("organization", entry.fields.get("institution", entry.key))).render(_TEXT)
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return html.escape(f"{who}, {entry.year or 'n.d.'}".replace("{", "").replace("}", ""))
