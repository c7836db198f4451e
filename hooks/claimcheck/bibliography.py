"""references.bib → `Bibliography`: entries, the findings they record, and problems.

pybtex does the BibTeX parsing (macros, `#` concatenation, crossref). This
module adds what pybtex does not know: source line numbers, the project's
required fields, the `findings`, `topics` and `evidence` fields, misspelled
field names and entries damaged by a missing brace. Formatting references is
`formatting`'s work; `load_bibliography` keeps parses in `cache`, so
`mkdocs serve` re-parses only a changed file.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from . import cache
from .cache import cache_key
from .problems import Problem
from .quantities import BARE_VALUE, Quantity, parse_value
from .text import LineIndex, decode_utf8, is_http_url, is_pmid

if TYPE_CHECKING:
    from pybtex.database import Entry as PybtexEntry

#: `provenance`: the article, regulator or guideline body itself, or a copy or
#: report of it (news, newsletters, blogs, a label reprinted on another site).
PRIMARY, SECONDARY = "primary", "secondary"
PROVENANCES = (PRIMARY, SECONDARY)
EVIDENCE_TYPES = ("meta-analysis", "rct", "cohort", "case-series", "guideline", "review", "expert")
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "publisher", "institution", "organization", "school", "howpublished", "url")
DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
FINDING_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FINDING = re.compile(r"^\s*(?P<id>[^:]+?)\s*:\s*(?P<value>[^()]+?)\s*(?:\((?P<note>[^()]*)\))?\s*$", re.DOTALL)
TOPIC = re.compile(r"^\s*(?P<id>[^:]+?)\s*:(?P<words>[^:]*)$")
TOPIC_WORD = FINDING_ID
#: Fields this project adds to BibTeX; a name a slip away from one is a misspelling.
PROJECT_FIELDS = ("findings", "topics", "evidence", "provenance")
#: A finding ID naming a statistic that has no unit, so its VALUE may be a bare number.
UNITLESS_ID = re.compile(r"(?:^|-)(?:effect|smd|p-value|correlation|kappa|nnt|nnh|score)(?:-|$)")
#: A line that starts a field: inside a field's braces it means the field was never closed.
FIELD_START = re.compile(r"^[ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\d]", re.MULTILINE)
PROVENANCE_FIELD = re.compile(r"\bprovenance\s*=", re.IGNORECASE)
ENTRY_START = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s{}()]*)", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    """A figure a source records: `id` names the quantity across sources."""

    id: str
    value: Quantity
    text: str
    note: str
    key: str
    words: tuple[str, ...] = ()  # extra topic words declared for it in `topics`


#: A written date: "2023", "2023-05", "2023-05-17" (BibLaTeX's `date`, or a `year`).
WRITTEN_DATE = re.compile(r"\s*(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


@dataclass
class Entry:
    """One bibliography entry, as the checker and the renderer need it."""

    key: str
    type: str
    line: int
    fields: dict[str, str]
    findings: tuple[Finding, ...]
    evidence: str | None
    _source: Any = field(repr=False)  # pybtex's entry, or its pickle until first needed
    provenance: str = PRIMARY
    #: A hash of everything formatting reads (key, type, fields after crossref,
    #: names): the same digest is the same formatted reference.
    digest: str = ""

    @property
    def source(self) -> PybtexEntry:
        """pybtex's entry (names, for formatting). Cached copies keep it pickled,
        so loading a bibliography needs no pybtex until a reference is formatted."""
        if isinstance(self._source, bytes):
            self._source = pickle.loads(self._source)
        return self._source

    @property
    def written_date(self) -> str:
        """The entry's date as its editor wrote it: `date`, else `year`."""
        return (self.fields.get("date") or self.fields.get("year") or "").strip()

    @property
    def year(self) -> int | None:
        """The year of the entry's date, the one way every check reads it."""
        m = WRITTEN_DATE.match(self.written_date)
        return int(m.group("year")) if m else None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if not isinstance(state["_source"], bytes):
            state["_source"] = pickle.dumps(state["_source"], protocol=pickle.HIGHEST_PROTOCOL)
        return state


@dataclass
class Bibliography:
    path: str
    entries: dict[str, Entry]
    problems: list[Problem]
    digest: str = ""
    damaged: dict[str, Problem] = field(default_factory=dict)  # entry key -> the problem where its damage starts
    _findings_by_id: dict[str, list[Finding]] | None = field(default=None, repr=False)

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def suggestions(self, key: str, limit: int = 3) -> list[str]:
        """Existing keys closest to a mistyped one."""
        import difflib

        lowered = {k.lower(): k for k in self.entries}
        if key.lower() in lowered:
            return [lowered[key.lower()]]
        return [lowered[k] for k in difflib.get_close_matches(key.lower(), list(lowered), n=limit, cutoff=0.6)]

    def findings_by_id(self) -> dict[str, list[Finding]]:
        """Every finding, by the quantity it records (built once: the entries never change)."""
        if self._findings_by_id is None:
            table: dict[str, list[Finding]] = {}
            for entry in self.entries.values():
                for finding in entry.findings:
                    table.setdefault(finding.id, []).append(finding)
            self._findings_by_id = table
        return self._findings_by_id


def _parse_findings(raw: str, key: str) -> tuple[list[Finding], list[str]]:
    findings: list[Finding] = []
    errors: list[str] = []
    for part in (p for p in raw.split(";") if p.strip()):
        m = FINDING.match(part)
        if not m:
            errors.append(f"finding «{part.strip()}» is not `ID: VALUE (note)`")
            continue
        ident, value_text = m.group("id").strip(), m.group("value").strip()
        if not FINDING_ID.match(ident):
            errors.append(f"finding ID «{ident}» must be a lowercase slug such as `trd-share-treated-mdd`")
            continue
        if any(f.id == ident for f in findings):
            errors.append(f"finding ID «{ident}» is recorded twice: give each figure its own ID, or remove one")
            continue
        value = parse_value(value_text)
        if value is None:
            errors.append(f"finding «{ident}» has value «{value_text}», not a number or range with a unit such as `30.9%`, `2.8 million`, `1.5x`, `$43.8 billion`, `6 weeks`")
            continue
        if BARE_VALUE.match(value_text) and not _may_be_bare(ident, value):
            errors.append(f"finding «{ident}» has value «{value_text}» with no unit: write its unit (`{value_text}%`, `{value_text}x`, "
                          f"`{value_text} weeks`, ...); a bare number is only a count of 1,000 or more, or a statistic whose ID says it has no unit "
                          "(`effect`, `smd`, `p-value`, `correlation`, `kappa`, `nnt`, `nnh`, `score`)")
            continue
        findings.append(Finding(ident, value, value_text, (m.group("note") or "").strip(), key))
    return findings, errors


def _may_be_bare(ident: str, value: Quantity) -> bool:
    """A unitless VALUE is a count the prose grammar can state ("2,129"), or a
    statistic without a unit (an effect size, a p-value); any other bare number
    is a slip (`30` for `30%`) that would never match a claim."""
    whole_counts = value.low >= 1000 and value.low.is_integer() and value.high.is_integer()
    return whole_counts or bool(UNITLESS_ID.search(ident))


def _parse_topics(raw: str, key: str, findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """`topics = {finding-id: word, word; other-id: word}`: extra words the topic
    check accepts for a finding of the same entry."""
    words: dict[str, tuple[str, ...]] = {}
    errors: list[str] = []
    ids = [f.id for f in findings]
    for part in (p for p in raw.split(";") if p.strip()):
        m = TOPIC.match(part)
        if not m:
            errors.append(f"topics «{part.strip()}» is not `FINDING-ID: word, word`")
            continue
        ident = m.group("id").strip()
        if ident not in ids:
            known = ", ".join(ids) if ids else "none"
            errors.append(f"topics names «{ident}», which is not a finding of {key} (its findings: {known}): use one of its finding IDs")
            continue
        if ident in words:
            errors.append(f"topics lists «{ident}» twice: put all its words in one `{ident}: word, word` part")
            continue
        given = [w.strip() for w in m.group("words").split(",")]
        bad = [w for w in given if not TOPIC_WORD.match(w)]
        if bad or not given:
            errors.append(f"topics word «{bad[0] if bad else ''}» of «{ident}» is not a lowercase word (letters, digits, hyphens): write words such as `response, responders`")
            continue
        words[ident] = tuple(dict.fromkeys(given))
    return [Finding(f.id, f.value, f.text, f.note, f.key, words.get(f.id, ())) for f in findings], errors


def _fields(source: PybtexEntry) -> dict[str, str]:
    """An entry's fields by lowercase name. BibTeX names are case-insensitive,
    but the project's own fields are read only as written in lowercase."""
    return {name.lower(): str(value) for name, value in source.fields.items() if name.lower() not in PROJECT_FIELDS or name in PROJECT_FIELDS}


def _misspelled_fields(names: list[str]) -> list[tuple[str, str]]:
    """(field as written, the project field it was meant to be) for names that are
    a slip away from `findings`, `topics` or `evidence`, or one of them not in lowercase."""
    return [(name, meant) for name in names for meant in [_meant_field(name)] if meant]


@functools.cache
def _meant_field(name: str) -> str | None:
    """The project field `name` misspells, if any (a bibliography uses few distinct names)."""
    import difflib

    if name in PROJECT_FIELDS:
        return None
    for meant in PROJECT_FIELDS:
        lowered = name.lower()
        if lowered == meant or _edit_distance(lowered, meant) <= 2 and difflib.SequenceMatcher(None, lowered, meant).ratio() >= 0.75:
            return meant
    return None


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (field names are short)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _field_line(text: str, start: int, end: int, name: str, line_of: LineIndex, default: int) -> int:
    """The line where field `name` is set between offsets `start` and `end`."""
    for found in _field_pattern(name).finditer(text, start, end):
        if found.start() == 0 or not (text[found.start() - 1].isalnum() or text[found.start() - 1] in "_-"):
            return line_of(found.start())
    return default


@functools.cache
def _field_pattern(name: str) -> re.Pattern[str]:
    """`name =` (starting with the literal name: the regex engine then scans fast)."""
    return re.compile(rf"{re.escape(name)}\s*=")


def _damage(text: str, start: int, end: int, line_of: LineIndex) -> tuple[int, str] | None:
    """Where an entry's braces stop balancing, if they do: (line, what is wrong).

    A field value still open when a line starts a new field (`journal = {`) lost
    its closing brace there; an entry whose braces are unbalanced with no such
    line was never closed."""
    depth = 0
    field_at = start
    starts = {m.start(): m for m in FIELD_START.finditer(text, start, end)}
    open_field = None
    for offset in range(start, end):
        char = text[offset]
        if offset in starts:
            if depth >= 2 and open_field is not None:
                name = open_field.group(0).split("=")[0].strip()
                later = starts[offset].group(0).split("=")[0].strip()
                return line_of(field_at), (f"field `{name}` is never closed: its `{{` has no matching `}}` before `{later} =` "
                                           f"on line {line_of(offset)}; add the missing `}}`")
            if depth == 1:
                open_field, field_at = starts[offset], offset
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
    if depth > 0:
        return line_of(start), "this entry is never closed (unbalanced braces): add the missing `}`"
    return None


def _syntax_problems(errors: list[Any], text: str, path: str, starts: dict[str, list[int]], boundaries: list[int],
                     damaged: dict[str, Problem], line_of: LineIndex) -> list[Problem]:
    """pybtex's syntax errors as problems, but none inside a damaged entry (its
    own problem says where it starts)."""
    problems: list[Problem] = []
    # Each damaged entry's lines, to the start of the next entry (where pybtex notices the damage).
    damaged_spans = sorted((line_of(starts[k.lower()][0]), line_of(boundaries[bisect.bisect_right(boundaries, starts[k.lower()][0])])) for k in damaged)
    damaged_firsts = [first for first, _ in damaged_spans]
    for error in errors:
        message = str(error)
        if message.startswith("repeated bibliography entry"):
            continue
        line = getattr(error, "lineno", None) or 1
        at = bisect.bisect_right(damaged_firsts, line) - 1
        if (at >= 0 and line <= damaged_spans[at][1]) or ("premature end of file" in message and damaged):
            continue  # the damaged entry's own problem says where it starts
        message = re.sub(r"^syntax error in line \d+: ", "", message)
        if "premature end of file" in message:
            opened = [line_of(m.start()) for m in ENTRY_START.finditer(text)]
            line = max([first for first in opened if first <= line], default=line)
            message = "this entry is never closed (unbalanced braces)"
        problems.append(Problem(path, line, "bib-error", "", f"BibTeX syntax error: {message}; check the braces and commas of the entry around this line"))
    return problems


def _read_entry(text: str, path: str, key: str, source: PybtexEntry, data: Any, starts: dict[str, list[int]], boundaries: list[int],
                damaged: dict[str, Problem], line_of: LineIndex) -> tuple[Entry, list[Problem]]:
    """One entry as pybtex parsed it, checked: its fields, findings, topics, evidence and provenance."""
    problems: list[Problem] = []
    offsets = starts.get(key.lower(), [0])
    entry_offset = offsets[0]
    entry_end = boundaries[bisect.bisect_right(boundaries, entry_offset)]
    line = line_of(entry_offset)
    if key in damaged:  # its fields are whatever pybtex made of the damage: report nothing more
        return Entry(key, source.type, line, {}, (), None, source, digest=_entry_digest(key, source, {})), problems
    fields = _fields(source)
    for written, meant in _misspelled_fields(list(source.fields.keys())):
        field_line = _field_line(text, entry_offset, entry_end, written, line_of, line)
        problems.append(Problem(path, field_line, "bib-error", written, f"field `{written}` of {key} is not read: did you mean `{meant}`? Rename it (field names are lowercase)"))
    parent = data.entries.get(fields.get("crossref", "")) if "crossref" in fields else None
    if parent is not None:
        fields = {**{n: v for n, v in _fields(parent).items() if n not in ("findings", "topics")}, **fields}
        if not source.persons and parent.persons:
            source.persons.update(parent.persons)
    problems.extend(_validate(path, key, line, source, fields))
    findings: list[Finding] = []
    if "findings" in fields:
        findings_line = _field_line(text, entry_offset, entry_end, "findings", line_of, line)
        findings, errors_found = _parse_findings(fields["findings"], key)
        problems.extend(Problem(path, findings_line, "bib-error", key, f"{error}; fix the `findings` field of {key}") for error in errors_found)
    if "topics" in fields:
        topics_line = _field_line(text, entry_offset, entry_end, "topics", line_of, line)
        findings, errors_found = _parse_topics(fields["topics"], key, findings)
        problems.extend(Problem(path, topics_line, "bib-error", key, f"{error}; fix the `topics` field of {key}") for error in errors_found)
    evidence = fields.get("evidence", "").strip().lower() or None
    if evidence and evidence not in EVIDENCE_TYPES:
        problems.append(Problem(path, line, "bib-error", key, f"`evidence = {{{evidence}}}` is not one of {', '.join(EVIDENCE_TYPES)}"))
        evidence = None
    provenance = fields.get("provenance", PRIMARY).strip().lower() or PRIMARY
    if provenance not in PROVENANCES:
        found = PROVENANCE_FIELD.search(text, entry_offset)
        problems.append(Problem(path, line_of(found.start()) if found else line, "bib-error", provenance, f"`provenance = {{{provenance}}}` of {key} is not one of {', '.join(PROVENANCES)}: write `primary` for the original, `secondary` for a copy or report of it"))
        provenance = PRIMARY
    return Entry(key, source.type, line, fields, tuple(findings), evidence, source, provenance=provenance,
                 digest=_entry_digest(key, source, fields)), problems


def parse_bibliography(text: str, path: str = "references.bib") -> Bibliography:
    """Parse BibTeX text; every problem becomes a `Problem`, never an exception."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    line_of = LineIndex(text)
    problems: list[Problem] = []
    starts: dict[str, list[int]] = {}
    boundaries = [m.start() for m in ENTRY_START.finditer(text)] + [len(text)]
    damaged: dict[str, Problem] = {}
    for m in ENTRY_START.finditer(text):
        if m.group("type").lower() in ("string", "preamble", "comment"):
            continue
        end = boundaries[bisect.bisect_right(boundaries, m.start())]
        if m.group("key") and text.count("{", m.start(), end) != text.count("}", m.start(), end):
            damage = _damage(text, m.start(), end, line_of)
            if damage is not None:
                damaged.setdefault(m.group("key"), Problem(path, damage[0], "bib-error", m.group("key"), f"entry {m.group('key')} is damaged: {damage[1]}"))
        line = line_of(m.start())
        if not m.group("key"):
            problems.append(Problem(path, line, "bib-error", m.group(0).strip(), "entry has no key: write `@article{key,` with a unique key"))
            continue
        starts.setdefault(m.group("key").lower(), []).append(m.start())
    for key, offsets in starts.items():
        for offset in offsets[1:]:
            first = line_of(offsets[0])
            problems.append(Problem(path, line_of(offset), "bib-error", key, f"duplicate key (keys are case-insensitive; first defined on line {first}): rename or remove one entry"))
    import pybtex.errors  # here, not at the top: a run that finds the bibliography cached never needs pybtex
    from pybtex.database.input.bibtex import Parser

    with pybtex.errors.capture() as errors:
        try:
            data = Parser().parse_string(text)
        except Exception as exc:  # pybtex raises a few errors even in capture mode
            errors.append(exc)
            data = None
    problems.extend(_syntax_problems(errors, text, path, starts, boundaries, damaged, line_of))
    problems.extend(damaged.values())
    entries: dict[str, Entry] = {}
    for key, source in (data.entries.items() if data else []):
        if not key or key.startswith("unnamed-") and key.lower() not in starts:
            continue
        entries[key], found = _read_entry(text, path, key, source, data, starts, boundaries, damaged, line_of)
        problems.extend(found)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Bibliography(path, entries, sorted(problems, key=lambda p: p.line), digest, damaged=damaged)


def _validate(path: str, key: str, line: int, source: PybtexEntry, fields: dict[str, str]) -> list[Problem]:
    problems = []
    missing = []
    if not source.persons.get("author") and not source.persons.get("editor") and "organization" not in fields and "institution" not in fields:
        missing.append("author")
    if "title" not in fields:
        missing.append("title")
    if "year" not in fields and "date" not in fields:
        missing.append("year")
    if not any(name in fields for name in VENUE_FIELDS):
        missing.append("journal (or booktitle, publisher, institution, url)")
    if missing:
        problems.append(Problem(path, line, "bib-error", key, f"entry {key} lacks {', '.join(missing)}: add the missing field(s) from the source's own page"))
    doi = fields.get("doi", "").strip()
    if doi and not DOI.match(doi):
        problems.append(Problem(path, line, "bib-error", doi, f"DOI of {key} is malformed: write it bare, as `10.NNNN/suffix` (no https://doi.org/ prefix)"))
    pmid = fields.get("pmid", "").strip()
    if pmid and not is_pmid(pmid):
        problems.append(Problem(path, line, "bib-error", pmid, f"PMID of {key} must be digits only"))
    url = fields.get("url", "").strip()
    if url and not is_http_url(url):
        problems.append(Problem(path, line, "bib-error", url, f"URL of {key} is not an http(s) address; it will not be linked"))
    return problems


_CACHE: dict[str, tuple[tuple[int, int], Bibliography]] = {}


def load_bibliography(path: str | Path, display: str | None = None) -> Bibliography:
    """Parse `path`, reusing the last parse while the file is unchanged."""
    path = Path(path)
    shown = display or str(path)
    try:
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
        cached = _CACHE.get(str(path))
        if cached and cached[0] == signature:
            return cached[1]
        raw = path.read_bytes()
    except OSError as exc:
        return Bibliography(shown, {}, [Problem(shown, 1, "bib-error", "", f"cannot read the bibliography ({exc.strerror or exc}); create it or fix `bibliography` in mkdocs.yml")])
    text = decode_utf8(raw, shown, "bib-error")
    if isinstance(text, Problem):
        return Bibliography(shown, {}, [text])
    key = cache_key("bibliography", shown, text)
    cached = cache.load("bibliography", key)
    if _current(cached):
        bibliography = cached
    else:
        bibliography = parse_bibliography(text, shown)
        cache.save("bibliography", key, bibliography)
    _CACHE[str(path)] = (signature, bibliography)
    return bibliography


def _current(cached: object) -> TypeGuard[Bibliography]:
    """Is a cached object a `Bibliography` with every field this code reads? The
    key hashes this code, so an older shape should never be found under it; if one
    is (a copied cache folder), it is parsed again rather than trusted."""
    import dataclasses

    return isinstance(cached, Bibliography) and all(f.name in vars(cached) for f in dataclasses.fields(Bibliography))


def _entry_digest(key: str, source: PybtexEntry, fields: dict[str, str]) -> str:
    """Everything formatting reads from an entry (after crossref), hashed."""
    persons = sorted((role, tuple(str(p) for p in people)) for role, people in source.persons.items())
    return hashlib.sha256(repr((key, source.type, sorted(fields.items()), persons)).encode()).hexdigest()
