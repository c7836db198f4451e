"""Formatted references: pybtex's unsrt style with a safe HTML backend.

Formatting is kept apart from parsing (`bibliography`) and from the entries
themselves: `FormattedReferences` holds what has been formatted, by entry
digest, so an unchanged entry is formatted once per process, and
`store_formatted` / `restore_formatted` carry that into the next build through
`cache` (pybtex takes milliseconds an entry). pybtex's style machinery is
imported only when an entry is first formatted; a warm build reads every
reference from the cache. A cold build formats the references its pages cite
in a worker process (`format_ahead`), on the second core, while this one checks
and renders the pages.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import cache
from .bibliography import DOI, Bibliography, Entry
from .cache import cache_key
from .keys import KEY_IN_TEXT
from .text import is_http_url, is_pmid

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .worker import Worker

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
        return self.of_digest(entry.digest)

    def of_digest(self, digest: str) -> Formatted:
        found = self.by_digest.get(digest)
        if found is None:
            found = self.by_digest[digest] = Formatted()
        return found

    def count(self, bibliography: Bibliography) -> int:
        """How many references and labels of `bibliography` have been formatted."""
        return sum((f.html is not None) + (f.label is not None)
                   for f in (self.by_digest.get(e.digest) for e in bibliography.entries.values()) if f is not None)


#: This process's formatted references (`mkdocs serve` keeps them across rebuilds).
FORMATTED = FormattedReferences()


#: Fewer references than this to format: not worth a worker process (starting
#: one costs about 0.3 s of the other core; pybtex takes about 1.1 ms an entry).
AHEAD_MIN = 40
#: References a worker formats in one go (about 11 ms); the build takes each batch when done.
AHEAD_BATCH = 10
#: Batches the worker process is formatting or will format, in the order pages
#: cite them, with their entries.
_AHEAD: list[tuple[Future[dict[str, Formatted]], list[Entry]]] = []


def references_to_format(bibliography: Bibliography, texts: Iterable[str]) -> list[Entry]:
    """The entries that `texts` (the pages, as written) cite and no build has
    formatted yet, in the order the pages cite them, when there are enough of
    them (`AHEAD_MIN`) to be worth a worker process; else none. The pages are
    read for `@key`s only (a key found in code is formatted for nothing)."""
    wanted: dict[str, Entry] = {}
    for text in texts:
        for match in KEY_IN_TEXT.finditer(text):
            key = match.group().lstrip("-@").strip("{}")
            entry = bibliography.entries.get(key)
            if entry is not None and entry.digest not in wanted:
                known = FORMATTED.by_digest.get(entry.digest)
                if known is None or known.html is None or known.label is None:
                    wanted[entry.digest] = entry
    return list(wanted.values()) if len(wanted) >= AHEAD_MIN else []


def format_ahead(entries: list[Entry], worker: Worker | None = None) -> int:
    """Start formatting `entries` in a worker process (`worker`, else one of its
    own); how many. Whatever a page needs before the worker has delivered it is
    formatted here, so nothing waits for the worker; a reference is the same
    wherever formatted."""
    if not entries:
        return 0
    from .worker import Worker

    own = worker is None
    worker = worker or Worker()
    for start in range(0, len(entries), AHEAD_BATCH):
        batch = entries[start:start + AHEAD_BATCH]
        _AHEAD.append((worker.submit(_format_batch, batch), batch))
    if own:
        worker.release()  # the batches still run; the process ends after the last
    return len(entries)


def _format_batch(entries: list[Entry]) -> dict[str, Formatted]:
    """In the worker: each entry's reference and label."""
    return {entry.digest: Formatted(*format_reference(entry), author_year_label(entry)) for entry in entries}


def take_ahead(wait: bool = False, needed: str | None = None) -> None:
    """Take the batches the worker has finished (all of them with `wait`), and
    the batch holding the entry digest `needed` when the worker is at it (a
    batch's wait is shorter than formatting the reference here as well). The one
    worker finishes batches in the order they were sent, so only the first batch
    not taken is looked at (pages ask for thousands of references)."""
    while _AHEAD:
        future, batch = _AHEAD[0]
        if not (wait or future.done() or (future.running() and any(entry.digest == needed for entry in batch))):
            return
        _AHEAD.pop(0)
        try:
            done = future.result()
        except Exception:  # the worker died (memory, a signal): its references are formatted here when needed
            continue
        _keep(done)


def finish_ahead() -> None:
    """Every batch formatted: the worker goes on from the first, this process
    formats from the last those it has not started, so both finish together."""
    while _AHEAD:
        future, batch = _AHEAD[-1]
        if not future.cancel():  # started (or done): the rest are the worker's
            take_ahead(wait=True)
            return
        _AHEAD.pop()
        _keep(_format_batch(batch))


def _keep(done: dict[str, Formatted]) -> None:
    for digest, formatted in done.items():
        found = FORMATTED.of_digest(digest)
        found.html = found.html if found.html is not None else formatted.html
        found.text = found.text if found.text is not None else formatted.text
        found.label = found.label if found.label is not None else formatted.label


def stop_ahead() -> None:
    """The build is over: take what the worker finished, drop what it has not started."""
    take_ahead()
    for future, _ in _AHEAD:
        future.cancel()
    _AHEAD.clear()


def _format(entry: Entry) -> Formatted:
    formatted = FORMATTED.of(entry)
    if (formatted.html is None or formatted.text is None) and _AHEAD:
        take_ahead(needed=entry.digest)
    if formatted.html is None or formatted.text is None:
        formatted.html, formatted.text = format_reference(entry)
    return formatted


def reference_html(entry: Entry) -> str:
    """The full formatted reference, as safe HTML with its DOI, PMID and URL links."""
    return _DEFERRED.token("H", entry) or str(_format(entry).html)


def reference_text(entry: Entry) -> str:
    """The full formatted reference as plain text (for tooltips; escape before use)."""
    return _DEFERRED.token("T", entry) or str(_format(entry).text)


#: A reference written while deferred: H (its HTML) or T (its text, escaped), and its entry's digest.
REFERENCE_TOKEN = re.compile(r"CLAIMCHECKREF([HT])([0-9a-f]{64})X")


class _Deferred:
    """While on (a build whose references the worker is still formatting, from its
    check until MkDocs has rendered every page), a reference not formatted yet is
    written as a `REFERENCE_TOKEN`, which `fill_references` replaces once the
    worker is done: rendering does not wait for it, nor format it a second time."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] | None = None

    def token(self, kind: str, entry: Entry) -> str | None:
        if self.entries is None or not entry.digest:
            return None
        formatted = FORMATTED.of(entry)
        if (formatted.html if kind == "H" else formatted.text) is None and _AHEAD:
            take_ahead()
        if (formatted.html if kind == "H" else formatted.text) is not None:
            return None
        self.entries[entry.digest] = entry
        return f"CLAIMCHECKREF{kind}{entry.digest}X"


_DEFERRED = _Deferred()


def defer_references(on: bool) -> None:
    """Write references not formatted yet as tokens (`on`), or no longer (the
    tokens written stay fillable by `fill_references`)."""
    if on:
        _TOKENS.clear()
        _DEFERRED.entries = {}
    else:
        _TOKENS.update(_DEFERRED.entries or {})
        _DEFERRED.entries = None


#: The entries whose references were written as tokens, by digest.
_TOKENS: dict[str, Entry] = {}


def fill_references(text: str) -> str:
    """HTML with each reference token (`defer_references`) replaced by the
    reference: its HTML, or its plain text escaped (as a tooltip shows it)."""
    if "CLAIMCHECKREF" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        entry = _TOKENS.get(match[2]) or (_DEFERRED.entries or {}).get(match[2])
        if entry is None:
            return match[0]
        return str(_format(entry).html) if match[1] == "H" else html.escape(str(_format(entry).text), quote=True)

    return REFERENCE_TOKEN.sub(fill, text)


def author_year(entry: Entry) -> str:
    """An author-year label: "Fekadu et al., 2018"."""
    formatted = FORMATTED.of(entry)
    if formatted.label is None and _AHEAD:
        take_ahead(needed=entry.digest)
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
    stop_ahead()
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
