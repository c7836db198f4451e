"""Citations → HTML: markers with tooltips, a page's References, the site-wide
bibliography and the evidence ledger.

Markers are swapped into the Markdown as inert placeholder words (so Markdown
never reads a formatted reference as Markdown) and the placeholders become HTML
after conversion. A citation's prefix and suffix are the editor's Markdown,
rendered inline (raw HTML in them shown as text); every string from the
bibliography is escaped. Inside a link's text or an attribute (alt text) a
marker becomes its plain text, so no link nests in a link; so it does in the
table of contents (the MkDocs adapter), and `heading_slug` keeps placeholders
out of heading ids.

Each marker also has a *search view*: the same visible text with no markup,
which is all a search indexer keeps of it. Handing the indexer that view (and
readers the full HTML) saves it parsing tooltips it would drop anyway, the
largest cost citations add to a build. A page's References are left out of its
search view: every reference title says "depression", and search results
flooded with References sections would bury the pages' own text. Sources are
found through the site bibliography, whose search view lists each one once.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass, field

from .bibliography import SECONDARY, Bibliography, Entry
from .check import PageReport, SiteReport, readable_sentence
from .citations import Citation, CitationGroup, document_citations
from .document import normalise, parse_document
from .formatting import author_year, reference_html, reference_text
from .records import ReadingGrades
from .status import VERDICT_LABELS
from .styles import NUMERIC, CitationStyle, citation_style

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
    def of(cls, groups: list[CitationGroup], bibliography: Bibliography) -> PageCitations:
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


#: What a source is, when its entry gives no `evidence` type, by BibTeX entry type.
SOURCE_KINDS = {"article": "journal article", "online": "web page", "book": "book", "report": "report", "techreport": "report"}


def plain_label(entry: Entry) -> str:
    """The words that lead a citation preview, built only from what the entry
    records (its year, its `evidence` type or entry type, its provenance):
    "2016 meta-analysis", "2019 randomised trial. Secondary source: ...". Never a
    count or a detail the entry does not state."""
    kind = EVIDENCE_LABELS[entry.evidence].lower() if entry.evidence else SOURCE_KINDS.get(entry.type.lower(), "source")
    label = f"{entry.year} {kind}" if entry.year is not None else kind.capitalize()
    if entry.provenance == SECONDARY:
        label += ". " + SECONDARY_LABEL
    return label[0].upper() + label[1:]


@dataclass(frozen=True)
class Markup:
    """HTML for readers, and what a search indexer should get in its place."""

    html: str
    search: str


#: What would start a block (a list, heading, quote or rule) at the start of a prefix or suffix.
BLOCK_START = re.compile(r"^(?:\d+(?=[.)] )|(?=[-+*>#]))")
#: Plain text, which needs no Markdown run (the common locator: "p. 12").
NO_MARKDOWN = re.compile(r"[^\\`*_\[\]<&!]*")


def _inline_html(text: str) -> str:
    """A prefix or suffix as Markdown renders it: inline only, one line, as Pandoc reads it."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = BLOCK_START.sub(lambda m: m.group(0) + "\\", text, count=1)
    if NO_MARKDOWN.fullmatch(text) and "\\" not in text:
        return html.escape(text, quote=False)
    converter = _inline_markdown()
    converter.reset()
    return converter.convert(text).removeprefix("<p>").removesuffix("</p>")


@functools.cache
def _inline_markdown():
    import markdown

    converter = markdown.Markdown()
    converter.preprocessors.deregister("html_block")  # HTML in a citation is shown as text, as before
    converter.inlinePatterns.deregister("html")
    return converter


@dataclass(frozen=True)
class _Label:
    """How one citation shows: its marker HTML and its search view."""

    html: str
    search: str


def _label(citation: Citation, position: int, index: int, page: PageCitations, bibliography: Bibliography, style: CitationStyle, name_shown: bool | str) -> _Label:
    """A key's marker: the reference number (or author and year) with its tooltip;
    `name_shown` when a narrative citation's author names stand before it, or
    "in-label" when they are the marker's own text ("Fekadu et al. (2018)")."""
    entry = bibliography.get(citation.key)
    if entry is None:
        unknown = f"@{html.escape(citation.key)}?"
        return _Label(f'<span class="citation-unknown" title="Unknown reference">{unknown}</span>', unknown)
    number = page.numbers[citation.key]
    text = str(number) if style.numbered else author_year(entry)  # author_year is HTML already
    if not style.numbered and (name_shown or citation.suppress_author):
        name, _, year = text.rpartition(", ")
        text = f"{name} ({year})" if name_shown == "in-label" else year
    tip_id = f"{group_anchor(index)}-tip-{position}"
    return _Label(
        f'<span class="cite-ref"><a href="#ref-{number}" class="cite-link" aria-describedby="{tip_id}">{text}</a>'
        f'<span class="cite-tip" role="tooltip" id="{tip_id}" data-search-exclude><strong class="cite-tip-label">{html.escape(plain_label(entry))}.</strong> '
        f'{html.escape(reference_text(entry))}</span></span>',
        text,
    )


def _author_names(citation: Citation, bibliography: Bibliography) -> str:
    """A narrative citation's author names, as HTML (author_year escapes them)."""
    entry = bibliography.get(citation.key)
    return author_year(entry).rpartition(", ")[0] if entry is not None and not citation.suppress_author else ""


def _marker(group: CitationGroup, index: int, page: PageCitations, bibliography: Bibliography, style: CitationStyle, source: str, shift: int) -> Markup:
    """A citation group as HTML: prefixes and suffixes rendered as the Markdown
    they are, citations written inside a suffix (`[@a, @b]`) rendered in it."""
    first = group.citations[0]
    # An author-year narrative citation standing alone links its whole text: "Fekadu et al. (2018)".
    alone = not style.numbered and group.narrative and first.author_in_text and len(group.citations) == 1 and first.suffix_span[0] == first.suffix_span[1]
    labels = [_label(c, n, index, page, bibliography, style, "in-label" if alone else group.narrative and n == 1 and c.author_in_text)
              for n, c in enumerate(group.citations, start=1)]
    nested = {n: label for n, (c, label) in enumerate(zip(group.citations, labels)) if c.in_suffix}
    parts: list[tuple[str, str]] = []
    decorated = bool(nested)  # a prefix, a suffix or a citation inside one
    for n, citation in enumerate(group.citations):
        if citation.in_suffix:
            continue
        prefix = _inline_html(source[citation.prefix_span[0] - shift:citation.prefix_span[1] - shift])
        suffix_source, tokens = source[citation.suffix_span[0] - shift:citation.suffix_span[1] - shift], {}
        for m, inner in nested.items():
            c = group.citations[m]
            if citation.suffix_span[0] <= c.key_span[0] < citation.suffix_span[1]:
                token = f"CLAIMCHECKNEST{m:05d}X"
                at = c.key_span[0] - citation.suffix_span[0]
                suffix_source = suffix_source[:at] + token + suffix_source[at + c.key_span[1] - c.key_span[0]:]
                name = _author_names(c, bibliography) if style.numbered else ""
                tokens[token] = (f"{name} [{inner.html}]" if name else inner.html, f"{name} [{inner.search}]" if name else inner.search)
        suffix = _inline_html(suffix_source)
        if suffix and suffix[0].isalnum():
            suffix = ", " + suffix
        full, searched = suffix, _text_of(suffix)
        for token, (token_html, token_search) in tokens.items():
            full, searched = full.replace(token, token_html), searched.replace(token, token_search)
        label = labels[n]
        decorated = decorated or bool(prefix or full)
        parts.append((f"{prefix + ' ' if prefix else ''}{label.html}{full}", f"{_text_of(prefix) + ' ' if prefix else ''}{label.search}{searched}"))
    if style.numbered and not group.narrative and not decorated and all(c.key in page.numbers for c in group.citations):
        # A bare list of references reads in ascending order: [2, 5, 11], however the editor listed them.
        parts = [part for _, part in sorted(zip((page.numbers[c.key] for c in group.citations), parts), key=lambda pair: pair[0])]
    body, text = style.separator.join(p[0] for p in parts), style.separator.join(p[1] for p in parts)
    anchor = group_anchor(index)
    if alone:
        return Markup(f'<span class="citation citation-narrative" id="{anchor}">{body}</span>', text)
    if group.narrative and first.author_in_text:
        name = _author_names(first, bibliography)
        opening, closing = (" " + style.opening if name else style.opening), style.closing
        return Markup(f'<span class="citation citation-narrative" id="{anchor}">{name}{opening}{body}{closing}</span>', f"{name}{opening}{text}{closing}")
    return Markup(f'<span class="citation" id="{anchor}">{style.opening}{body}{style.closing}</span>', f"{style.opening}{text}{style.closing}")


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


def render_markdown(markdown: str, bibliography: Bibliography, style: CitationStyle | str = NUMERIC, scanned: PageReport | None = None) -> RenderedPage:
    """Swap every citation for a placeholder and append a References section.

    `scanned` is the page as already checked from its file: when `markdown` is
    that file minus its front matter (as MkDocs passes it), its citations are
    reused rather than parsed again."""
    source = normalise(markdown)
    chosen = citation_style(style)
    shift = 0
    if scanned is not None and scanned.document.source.endswith(source):
        shift = len(scanned.document.source) - len(source)
        groups = [g for g in scanned.groups if g.start >= shift]
    else:
        groups = document_citations(parse_document(source))
    page = PageCitations.of(groups, bibliography)
    markers: dict[str, Markup] = {}
    pieces: list[str] = []
    last = 0
    for index, group in enumerate(groups, start=1):
        token = PLACEHOLDER.format(index)
        markers[token] = _marker(group, index, page, bibliography, chosen, source, shift)
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


#: A placeholder, or a tag that matters to one: a link's start or end (`<a ...>`,
#: `</a>`), or a tag holding a placeholder (in an attribute) or a `<` (which could
#: hide either). Any other tag holds neither, so skipping it character by character
#: finds nothing in it: the same result as reading every tag, with a call for a
#: few tags a page rather than for all of them (a build's largest cost here).
TAG_OR_PLACEHOLDER = re.compile(r"(?P<tag><(?P<close>/?)(?:(?P<link>a(?=[\s>]))|(?=[^>]*(?:CLAIMCHECK\d{5}X|<)))[^>]*>)|CLAIMCHECK\d{5}X")


def fill_placeholders(content: str, rendered: RenderedPage, search_view: bool = False) -> str:
    """Put the HTML (or, for a search indexer, the search view) in place of
    the placeholders, after Markdown conversion. Inside a link's text or an
    attribute (an image's alt text), a marker is its plain text: no link in
    a link, no markup in an attribute."""
    if rendered.references:
        if search_view:
            content = REFERENCES_SECTION.sub("", content, count=1)
        content = content.replace(f"<p>{REFERENCES_PLACEHOLDER}</p>", rendered.references)
    if "CLAIMCHECK" not in content:  # a heading without citations, a page's search view without them
        return content
    in_link = 0

    def fill(match: re.Match[str]) -> str:
        nonlocal in_link
        if match.group("tag") is not None:
            if match.group("link"):
                in_link = max(0, in_link + (-1 if match.group("close") else 1))
            return PLACEHOLDER_PATTERN.sub(lambda m: html.escape(plain_text(m.group(0), rendered)), match.group(0))
        found = rendered.markers.get(match.group(0))
        if found is None:
            return html.escape(match.group(0))
        return found.search if search_view or in_link else found.html

    return TAG_OR_PLACEHOLDER.sub(fill, content)


def plain_text(text: str, rendered: RenderedPage) -> str:
    """Text with its placeholders as the plain text of their markers (for a
    table of contents, a title or an attribute)."""
    def plain(match: re.Match[str]) -> str:
        found = rendered.markers.get(match.group(0))
        return html.unescape(found.search) if found is not None else match.group(0)

    return PLACEHOLDER_PATTERN.sub(plain, text)


def heading_slug(value: str, separator: str) -> str:
    """Python-Markdown's heading ids, less citation placeholders: `## Results
    [@a]` gets the id `results` (set as the `toc` extension's `slugify`)."""
    from markdown.extensions.toc import slugify

    return slugify(PLACEHOLDER_PATTERN.sub("", value), separator)


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
    entries = sorted((entry for k in cited if (entry := bibliography.get(k)) is not None), key=lambda e: author_year(e).lower())
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


#: Each claim's check, in words a reader understands (its `status` is in the technical details).
STATUS_LABELS = {
    "supported": "Matches the figure recorded from the source",
    "unsupported": "Does not match any figure recorded from the source",
    "off-topic": "Matches a figure recorded from the source, but one about something else",
    "unverified": "Source cited, but no figure from it has been recorded to check against",
    "unsourced": "No source is cited for this number",
    "unknown-key": "The cited source is missing from the bibliography",
    "waived": "Not checked by the program: an editor marked it as a deliberate exception",
}
LEDGER_PAGE = "ledger-page"
LEDGER_INTRODUCTION = (
    '<p class="ledger-introduction">How to read this list: each row is one number stated in the guide, '
    "grouped by page. <em>Number</em> is the figure as the page states it, in the sentence shown. "
    "<em>Source</em> is the study or document cited for it; follow the link for the full reference. "
    "<em>Recorded figure</em> is what our editors noted down from that source. <em>Check</em> says whether "
    "the two agree. Open <em>Technical details</em> for what editors use to find a number: the line in the "
    "page's file, the source's citation key and the recorded figure's name.</p>"
)
LEDGER_COLUMNS = ("Number", "Sentence", "Source", "Recorded figure", "Check")


def ledger_anchor(path: str) -> str:
    """The id of a page's section in the evidence ledger ("treatments/ect.md" -> "ledger-page-treatments-ect")."""
    return "ledger-page-" + slug(path.removesuffix(".md").replace("/", "-"))


STATUS_COLUMNS = ("Page", "Status", "Sentence", "Source", "Newest source dated", "Verdict")


def _cells(columns: tuple[str, ...], values: tuple[str, ...]) -> str:
    """A row's cells, each labelled with its column (phones show each row as a card of labelled cells)."""
    return "".join(f'<td data-label="{label}">{value}</td>' for label, value in zip(columns, values))


def _head(columns: tuple[str, ...]) -> str:
    return "<thead><tr>" + "".join(f"<th>{label}</th>" for label in columns) + "</tr></thead>"


def _technical(items: list[tuple[str, str]]) -> str:
    """What editors need to find a claim, folded away: line, keys, finding ID, check result."""
    shown = "".join(f"<li>{name}: {value}</li>" for name, value in items if value)
    return f'<details class="ledger-technical"><summary>Technical details</summary><ul>{shown}</ul></details>'


def reading_grades_text(grades: ReadingGrades) -> str:
    """A page's reading grades as the ledger shows them, in plain words (US school grades)."""
    text = f"Reading level of the page: grade {grades.body:.1f}"
    return f"{text} (lower is easier to read)" if grades.summary is None else f"{text}; of the summary box: grade {grades.summary:.1f} (lower is easier to read)"


def ledger_html(report: SiteReport, links: dict[str, PageLink], here: str, scores: dict[str, ReadingGrades] | None = None) -> str:
    """Every claim on the site, grouped by page (one anchor each), with its source and its check in words."""
    scores = scores or {}
    claims = report.claims
    bib_href = html.escape(relative_url(here, links[BIBLIOGRAPHY_PAGE].url)) if BIBLIOGRAPHY_PAGE in links else None
    checked = sum(1 for c in claims if c.status == "supported")
    out = [
        f'<p class="ledger-summary">{len(claims)} numbers on {len(report.pages)} pages; {checked} match a figure recorded from the cited source.</p>',
        LEDGER_INTRODUCTION,
        ('<div class="ledger-filter"><label for="ledger-filter">Filter claims</label> '
         '<input type="search" id="ledger-filter" placeholder="e.g. ketamine, 30%, does not match" autocomplete="off"></div>'),
    ]
    for page in report.pages:
        if not page.claims:
            continue
        link = links.get(page.path)
        title = html.escape(link.title if link else page.path)
        href = html.escape(relative_url(here, link.url)) if link else ""
        heading = f'<a href="{href}">{title}</a>' if link else title
        score = f' <span class="ledger-grade">{reading_grades_text(scores[page.path])}</span>' if page.path in scores else ""
        rows = []
        for claim in page.claims:
            finding = "—"
            if claim.finding is not None:
                finding = html.escape(claim.finding.text)
                if claim.finding.note:
                    finding += f" ({html.escape(claim.finding.note)})"
            technical = _technical([
                ("File", f"<code>{html.escape(page.path)}</code>, line {claim.line}"),
                ("Citation keys", ", ".join(f"<code>{html.escape(key)}</code>" for key in claim.citations)),
                ("Recorded figure", f"<code>{html.escape(claim.finding.id)}</code> of <code>{html.escape(claim.finding.key)}</code>" if claim.finding else ""),
                ("Check result", f"<code>{claim.status}</code>"),
            ])
            rows.append(f'<tr class="ledger-row status-{claim.status}">' + _cells(LEDGER_COLUMNS, (
                f"<strong>{html.escape(claim.text)}</strong>", (page.readable.get(claim.sentence) or page.readable.setdefault(claim.sentence, readable_sentence(claim.sentence)))[:300],
                _sources_html(claim.citations, report.bibliography, bib_href), finding, STATUS_LABELS[claim.status] + technical,
            )) + "</tr>")
        out.append(
            f'<section class="{LEDGER_PAGE}" id="{ledger_anchor(page.path)}"><h3>{heading}{score}</h3>\n<table class="ledger">'
            + _head(LEDGER_COLUMNS) +
            f'<tbody>{"".join(rows)}</tbody></table></section>'
        )
    out.append(status_html(report, links, here, bib_href))
    out.append(disagreements_html(report, bib_href))
    return "\n".join(out)


def _sources_html(keys: tuple[str, ...], bibliography: Bibliography, bib_href: str | None) -> str:
    """Cited sources as "Author et al. (year)", linked to the bibliography, secondary sources marked."""
    shown = []
    for key in keys:
        entry = bibliography.get(key)
        if entry is None:
            shown.append(f"unknown source <code>{html.escape(key)}</code>")
            continue
        name, _, year = author_year(entry).rpartition(", ")  # already escaped
        text = f"{name} ({year})" if name else year
        if bib_href is not None:
            text = f'<a href="{bib_href}#bib-{slug(key)}">{text}</a>'
        if entry.provenance == SECONDARY:
            text += ' <span class="provenance-secondary">(secondary source)</span>'
        shown.append(text)
    return "; ".join(shown) or "—"


def status_html(report: SiteReport, links: dict[str, PageLink], here: str, bib_href: str | None) -> str:
    """Every sentence stating regulatory or guideline status, with its newest
    cited source and whether that source is recent enough."""
    heading = '<h2 id="status-statements">Regulatory and guideline status</h2>'
    claims = report.status_claims
    if not claims:
        return heading + "\n<p>No page states a regulatory or guideline status.</p>"
    rows = []
    shown: dict[str, str] = {}  # each sentence once, however many statements it makes
    for claim in claims:
        newest = f"{claim.newest[1].isoformat()}" if claim.newest else "—"
        link = links.get(claim.file)
        where = f'<a href="{html.escape(relative_url(here, link.url))}">{html.escape(link.title)}</a>' if link else html.escape(claim.file)
        technical = _technical([("File", f"<code>{html.escape(claim.file)}</code>, line {claim.line}"),
                                ("Citation keys", ", ".join(f"<code>{html.escape(key)}</code>" for key in claim.citations)),
                                ("Newest source", f"<code>{html.escape(claim.newest[0])}</code>" if claim.newest else "")])
        rows.append(f'<tr class="status-row verdict-{claim.verdict}">' + _cells(STATUS_COLUMNS, (
            where, f"<strong>{html.escape(claim.text)}</strong>", shown.setdefault(claim.sentence, readable_sentence(claim.sentence))[:300],
            _sources_html(claim.citations, report.bibliography, bib_href), newest, VERDICT_LABELS[claim.verdict] + technical,
        )) + "</tr>")
    return (
        f"{heading}\n<p>Statements of what regulators, guideline bodies and payers have decided go out of date fastest. "
        "Each must cite a source recent at the page's review, unless it reports a dated past decision.</p>\n"
        f'<table class="ledger-status">{_head(STATUS_COLUMNS)}'
        f'<tbody>{"".join(rows)}</tbody></table>'
    )


def disagreements_html(report: SiteReport, bib_href: str | None = None) -> str:
    """The "sources disagree" table: one quantity, different recorded values."""
    if not report.disagreements:
        return '<h2 id="sources-disagree">Where sources disagree</h2>\n<p>No recorded finding is reported differently by two sources.</p>'
    rows = []
    for finding_id, findings in sorted(report.disagreements.items()):
        values = "<br>".join(
            f"{html.escape(f.text)} — {_sources_html((f.key,), report.bibliography, bib_href)}" + (f" ({html.escape(f.note)})" if f.note else "") for f in findings
        )
        rows.append(f"<tr><td><code>{html.escape(finding_id)}</code></td><td>{values}</td></tr>")
    return (
        '<h2 id="sources-disagree">Where sources disagree</h2>\n'
        "<p>These quantities are reported differently by different sources. The guide states each value with its own source.</p>\n"
        f'<table class="disagreements"><thead><tr><th>Quantity</th><th>Values and sources</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
