"""Citations → HTML: markers with tooltips, a page's References, the site-wide
bibliography and the evidence ledger.

Markers are swapped into the Markdown as inert placeholder words (so Markdown
never reads a formatted reference as Markdown) and the placeholders become HTML
after conversion. Every string from the bibliography or a page is escaped.

Each marker also has a *search view*: the same visible text with no markup,
which is all a search indexer keeps of it. Handing the indexer that view (and
readers the full HTML) saves it parsing tooltips it would drop anyway, the
largest cost citations add to a build. A page's References are left out of its
search view: every reference title says "depression", and search results
flooded with References sections would bury the pages' own text. Sources are
found through the site bibliography, whose search view lists each one once.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

from .bibliography import SECONDARY, Bibliography, Entry, author_year, reference_html, reference_text
from .check import PageReport, SiteReport
from .citations import CitationGroup, find_citations
from .document import normalise, parse_document
from .status import VERDICT_LABELS

PLACEHOLDER = "CLAIMCHECK{:05d}X"
PLACEHOLDER_PATTERN = re.compile(r"CLAIMCHECK(\d{5})X")
REFERENCES_PLACEHOLDER = "CLAIMCHECKREFERENCESX"
BIBLIOGRAPHY_PAGE = "bibliography.md"
EVIDENCE_LABELS = {
    "meta-analysis": "Meta-analysis", "rct": "Randomised trial", "cohort": "Cohort study",
    "case-series": "Case series", "guideline": "Guideline", "review": "Review", "expert": "Expert opinion",
}


@dataclass
class PageCitations:
    """A page's citations in order: reference numbers and the anchor of each group."""

    groups: list[CitationGroup]
    numbers: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, groups: list[CitationGroup], bibliography: Bibliography) -> "PageCitations":
        page = cls(groups)
        for index, group in enumerate(groups, start=1):
            for key in group.keys:
                if bibliography.get(key) is None:
                    continue
                page.numbers.setdefault(key, len(page.numbers) + 1)
                page.anchors.setdefault(key, []).append(group_anchor(index))
        return page


def group_anchor(index: int) -> str:
    return f"cite-{index}"


def slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


#: How a secondary source (`provenance = {secondary}`) is marked wherever it is shown.
SECONDARY_LABEL = "Secondary source: a copy or report, not the original"


def _labels(entry: Entry) -> list[tuple[str, str]]:
    """(CSS class, label) of what kind of source an entry is."""
    labels = [(f"evidence-{entry.evidence}", EVIDENCE_LABELS[entry.evidence])] if entry.evidence else []
    if entry.provenance == SECONDARY:
        labels.append(("provenance-secondary", SECONDARY_LABEL))
    return labels


def source_badges(entry: Entry) -> str:
    """Badges after a reference: its evidence type, and whether it is a secondary source."""
    return "".join(f' <span class="evidence-type {css}">{label}</span>' for css, label in _labels(entry))


def source_note(entry: Entry) -> str:
    """The same, in a tooltip, as plain text."""
    labels = [label for _, label in _labels(entry)]
    return f" ({'; '.join(labels)})" if labels else ""


@dataclass(frozen=True)
class Markup:
    """HTML for readers, and what a search indexer should get in its place."""

    html: str
    search: str


def _marker(group: CitationGroup, index: int, page: PageCitations, bibliography: Bibliography, style: str) -> Markup:
    parts, words = [], []
    for position, citation in enumerate(group.citations, start=1):
        entry = bibliography.get(citation.key)
        prefix = html.escape(citation.prefix) + " " if citation.prefix else ""
        locator = ", " + html.escape(citation.locator) if citation.locator else ""
        if entry is None:
            unknown = f"@{html.escape(citation.key)}?"
            parts.append(f'{prefix}<span class="citation-unknown" title="Unknown reference">{unknown}</span>{locator}')
            words.append(f"{prefix}{unknown}{locator}")
            continue
        number = page.numbers[citation.key]
        label = str(number) if style == "numeric" else author_year(entry)
        if group.narrative and style == "author-year":
            name, _, year = label.rpartition(", ")
            label = f"{name} ({year})"
        tip_id = f"{group_anchor(index)}-tip-{position}"
        parts.append(
            f'{prefix}<span class="cite-ref"><a href="#ref-{number}" class="cite-link" aria-describedby="{tip_id}">{label}</a>'
            f'<span class="cite-tip" role="tooltip" id="{tip_id}" data-search-exclude>{html.escape(reference_text(entry))}{source_note(entry)}</span></span>{locator}'
        )
        words.append(f"{prefix}{label}{locator}")
    separator = "; " if style == "author-year" else ", "
    body, text = separator.join(parts), separator.join(words)
    if group.narrative and style == "author-year":
        return Markup(f'<span class="citation citation-narrative" id="{group_anchor(index)}">{body}</span>', text)
    if group.narrative:
        entry = bibliography.get(group.citations[0].key)
        name = html.escape(author_year(entry).rpartition(", ")[0]) if entry else ""
        return Markup(f'<span class="citation citation-narrative" id="{group_anchor(index)}">{name} [{body}]</span>', f"{name} [{text}]")
    opening, closing = ("[", "]") if style == "numeric" else ("(", ")")
    return Markup(f'<span class="citation" id="{group_anchor(index)}">{opening}{body}{closing}</span>', f"{opening}{text}{closing}")


def _text_of(markup: str) -> str:
    """Safe HTML (as this module and the bibliography write it) minus its tags."""
    return re.sub(r"<[^>]*>", "", markup)


def references_html(page: PageCitations, bibliography: Bibliography) -> str:
    """The page's References list, in citation order, with back-links (not searched)."""
    items = []
    for key, number in page.numbers.items():
        entry = bibliography.get(key)
        if entry is None:
            continue
        backs = " ".join(
            f'<a href="#{anchor}" class="cite-back" aria-label="Back to citation {n} of reference {number}">↩{n if len(page.anchors[key]) > 1 else ""}</a>'
            for n, anchor in enumerate(page.anchors[key], start=1)
        )
        items.append(f'<li id="ref-{number}" value="{number}"><span class="reference-text">{reference_html(entry)}</span>{source_badges(entry)} <span class="cite-backs">{backs}</span></li>')
    return '<ol class="references">\n' + "\n".join(items) + "\n</ol>"


@dataclass
class RenderedPage:
    markdown: str
    markers: dict[str, Markup]
    references: str


def render_markdown(markdown: str, bibliography: Bibliography, style: str = "numeric", scanned: PageReport | None = None) -> RenderedPage:
    """Swap every citation for a placeholder and append a References section.

    `scanned` is the page as already checked from its file: when `markdown` is
    that file minus its front matter (as MkDocs passes it), its citations are
    reused rather than parsed again."""
    source = normalise(markdown)
    shift = 0
    if scanned is not None and scanned.document.source.endswith(source):
        shift = len(scanned.document.source) - len(source)
        groups = [g for g in scanned.groups if g.start >= shift]
    else:
        groups = find_citations(parse_document(source).prose)
    page = PageCitations.of(groups, bibliography)
    markers: dict[str, Markup] = {}
    pieces: list[str] = []
    last = 0
    for index, group in enumerate(groups, start=1):
        token = PLACEHOLDER.format(index)
        markers[token] = _marker(group, index, page, bibliography, style)
        pieces.append(source[last:group.start - shift])
        pieces.append(token)
        last = group.end - shift
    pieces.append(source[last:])
    text = "".join(pieces)
    references = ""
    if page.numbers:
        text = text.rstrip("\n") + f"\n\n## References {{#references}}\n\n{REFERENCES_PLACEHOLDER}\n"
        references = references_html(page, bibliography)
    return RenderedPage(text, markers, references)


# The heading this module appends (an editor's own "References" heading makes it "references_1").
REFERENCES_SECTION = re.compile(rf'<h2 id="references(?:_\d+)?"[^>]*>(?:(?!</h2>).)*</h2>\s*<p>{REFERENCES_PLACEHOLDER}</p>', re.S)


def fill_placeholders(content: str, rendered: RenderedPage, search_view: bool = False) -> str:
    """Put the HTML (or, for a search indexer, the search view) in place of
    the placeholders, after Markdown conversion."""
    if rendered.references:
        if search_view:
            content = REFERENCES_SECTION.sub("", content, count=1)
        content = content.replace(f"<p>{REFERENCES_PLACEHOLDER}</p>", rendered.references)

    def marker(match: re.Match[str]) -> str:
        found = rendered.markers.get(match.group(0))
        if found is None:
            return html.escape(match.group(0))
        return found.search if search_view else found.html

    return PLACEHOLDER_PATTERN.sub(marker, content)


# --------------------------------------------------------------------------- site-wide pages


@dataclass(frozen=True)
class PageLink:
    """Where a docs file is published, for links between pages."""

    url: str
    title: str


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one page's URL to another's (both relative to the site root,
    as MkDocs writes them: "", "about/", "treatments/ect/" or "about.html")."""
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    target = posixpath.relpath("/" + to_url, "/" + base)
    if (to_url.endswith("/") or not to_url) and not target.endswith("/"):
        target += "/"
    return target


def bibliography_html(report: SiteReport, links: dict[str, PageLink], here: str) -> Markup:
    """Every cited entry, alphabetically, with links back to where it is cited
    (searched without those links: they repeat the pages' titles)."""
    cited = report.cited_keys()
    bibliography = report.bibliography
    entries = sorted((bibliography.get(k) for k in cited if bibliography.get(k) is not None), key=lambda e: author_year(e).lower())
    hrefs = {path: html.escape(relative_url(here, link.url)) for path, link in links.items()}
    items = []
    for entry in entries:
        places: dict[str, list[int]] = {}
        for path, number in cited[entry.key]:
            places.setdefault(path, []).append(number)
        backs = []
        for path, indexes in places.items():
            link = links.get(path)
            if link is None:
                continue
            href = hrefs[path]
            anchors = " ".join(f'<a href="{href}#{group_anchor(i)}">{n}</a>' for n, i in enumerate(indexes, start=1))
            backs.append(f'<li><a href="{href}">{html.escape(link.title)}</a>: {anchors}</li>')
        items.append(
            f'<li id="bib-{slug(entry.key)}"><span class="reference-text">{reference_html(entry)}</span>{source_badges(entry)}'
            f'<ul class="cited-on" aria-label="Cited on">{"".join(backs)}</ul></li>'
        )
    count = f"<p>{len(entries)} sources are cited in this guide.</p>\n"
    listing = count + '<ul class="site-bibliography">\n' + "\n".join(items) + "\n</ul>"
    searched = count + "<ul>\n" + "\n".join(f"<li>{_text_of(reference_html(e) + source_badges(e))}</li>" for e in entries) + "\n</ul>"
    return Markup(listing, searched)


STATUS_LABELS = {
    "supported": "Matches source",
    "unsupported": "Does not match source",
    "unverified": "Cited, not checked",
    "unsourced": "No source",
    "unknown-key": "Unknown source",
    "waived": "Waived by editor",
}


def ledger_html(report: SiteReport, links: dict[str, PageLink], here: str, scores: dict[str, float] | None = None) -> str:
    """Every claim on the site, grouped by page, with its source and verdict."""
    scores = scores or {}
    claims = report.claims
    bib_href = html.escape(relative_url(here, links[BIBLIOGRAPHY_PAGE].url)) if BIBLIOGRAPHY_PAGE in links else None
    checked = sum(1 for c in claims if c.status == "supported")
    out = [
        f'<p class="ledger-summary">{len(claims)} numbers on {len(report.pages)} pages; {checked} match a figure recorded from the cited source.</p>',
        '<div class="ledger-filter"><label for="ledger-filter">Filter claims</label> '
        '<input type="search" id="ledger-filter" placeholder="e.g. ketamine, 30%, unsupported" autocomplete="off"></div>',
    ]
    for page in report.pages:
        if not page.claims:
            continue
        link = links.get(page.path)
        title = html.escape(link.title if link else page.path)
        href = html.escape(relative_url(here, link.url)) if link else ""
        heading = f'<a href="{href}">{title}</a>' if link else title
        score = f' <span class="ledger-grade">reading grade {scores[page.path]:.1f}</span>' if page.path in scores else ""
        rows = []
        for claim in page.claims:
            sources = _sources_html(claim.citations, report.bibliography, bib_href)
            finding = "—"
            if claim.finding is not None:
                finding = f"<code>{html.escape(claim.finding.id)}</code> = {html.escape(claim.finding.text)}"
                if claim.finding.note:
                    finding += f" ({html.escape(claim.finding.note)})"
            rows.append(
                f'<tr class="ledger-row status-{claim.status}"><td>{claim.line}</td><td><strong>{html.escape(claim.text)}</strong></td>'
                f'<td>{html.escape(claim.sentence[:200])}</td><td>{sources}</td><td>{finding}</td><td>{STATUS_LABELS[claim.status]}</td></tr>'
            )
        out.append(
            f'<section class="ledger-page"><h3>{heading}{score}</h3>\n<table class="ledger">'
            '<thead><tr><th>Line</th><th>Number</th><th>Where</th><th>Source</th><th>Recorded finding</th><th>Status</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>'
        )
    out.append(status_html(report, bib_href))
    out.append(disagreements_html(report))
    return "\n".join(out)


def _sources_html(keys: tuple[str, ...], bibliography: Bibliography, bib_href: str | None) -> str:
    """Cited keys, linked to the bibliography, secondary sources marked."""
    shown = []
    for key in keys:
        entry = bibliography.get(key)
        text = html.escape(key)
        if entry is not None and bib_href is not None:
            text = f'<a href="{bib_href}#bib-{slug(key)}">{text}</a>'
        if entry is not None and entry.provenance == SECONDARY:
            text += ' <span class="provenance-secondary">(secondary source)</span>'
        shown.append(text)
    return ", ".join(shown) or "—"


def status_html(report: SiteReport, bib_href: str | None) -> str:
    """Every sentence stating regulatory or guideline status, with its newest
    cited source and whether that source is recent enough."""
    heading = '<h2 id="status-statements">Regulatory and guideline status</h2>'
    claims = report.status_claims
    if not claims:
        return heading + "\n<p>No page states a regulatory or guideline status.</p>"
    rows = []
    for claim in claims:
        newest = f"{html.escape(claim.newest[0])} ({claim.newest[1].isoformat()})" if claim.newest else "—"
        rows.append(
            f'<tr class="status-row verdict-{claim.verdict}"><td>{html.escape(claim.file)}:{claim.line}</td><td><strong>{html.escape(claim.text)}</strong></td>'
            f'<td>{html.escape(claim.sentence[:200])}</td><td>{_sources_html(claim.citations, report.bibliography, bib_href)}</td>'
            f'<td>{newest}</td><td>{VERDICT_LABELS[claim.verdict]}</td></tr>'
        )
    return (
        f"{heading}\n<p>Statements of what regulators, guideline bodies and payers have decided go out of date fastest. "
        "Each must cite a source recent at the page's review, unless it reports a dated past decision.</p>\n"
        '<table class="ledger-status"><thead><tr><th>Where</th><th>Status</th><th>Sentence</th><th>Source</th><th>Newest source</th><th>Verdict</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def disagreements_html(report: SiteReport) -> str:
    """The "sources disagree" table: one quantity, different recorded values."""
    if not report.disagreements:
        return '<h2 id="sources-disagree">Where sources disagree</h2>\n<p>No recorded finding is reported differently by two sources.</p>'
    rows = []
    for finding_id, findings in sorted(report.disagreements.items()):
        values = "<br>".join(
            f"{html.escape(f.text)} — {html.escape(f.key)}" + (f" ({html.escape(f.note)})" if f.note else "") for f in findings
        )
        rows.append(f"<tr><td><code>{html.escape(finding_id)}</code></td><td>{values}</td></tr>")
    return (
        '<h2 id="sources-disagree">Where sources disagree</h2>\n'
        "<p>These quantities are reported differently by different sources. The guide states each value with its own source.</p>\n"
        f'<table class="disagreements"><thead><tr><th>Quantity</th><th>Values and sources</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
