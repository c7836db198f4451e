"""Clauses: which citation group a number in a sentence answers to.

With one citation group in a sentence (or list item, table row), it supports
every number there. With several, each number answers to the group of its own
clause. A unit is cut into *segments* at

- `;` and table cell borders `|`,
- a comma followed by `and`, `while`, `whereas`, `but`, `or` or `yet`,
- `whereas` and `but` anywhere,
- the parentheses around a parenthetical that holds a citation group,

never inside a citation bracket. A segment holding citation groups answers to
them; one without answers to the first group after it (not one inside a
deeper parenthetical), else to the last group before it. Adjacent segments
answering to the same groups form one *clause*: its words are what the
topic check reads (README "Matching rules", rule 9).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .citations import CitationGroup

PARENTHESIS = re.compile(r"[()]")
BREAK = re.compile(r";|\||,\s+(?=(?:and|while|whereas|but|or|yet)\b)|\s(?=(?:whereas|but)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """Text of a unit (as (start, end) spans) and the citation groups it answers to."""

    spans: tuple[tuple[int, int], ...]
    groups: tuple[CitationGroup, ...]
    #: For a parenthetical, the clause text it elaborates on: "Response was
    #: 71% [@a] (64% in another trial [@b])": the 64% is a response too.
    context: tuple[tuple[int, int], ...] = ()

    def contains(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.spans)

    def text(self, prose: str) -> str:
        """The clause's words, after those of the clause it elaborates on."""
        return " ".join(" ".join(prose[a:b].split()) for a, b in self.context + self.spans)


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    depth: int


def _segments(prose: str, start: int, end: int, groups: list[CitationGroup], starts: list[int]) -> list[_Segment]:
    """Cut one region of a unit at clause breaks; depth counts the citing
    parentheticals around each segment. Linear in the region and its groups."""

    def in_group(offset: int) -> bool:
        at = bisect.bisect_right(starts, offset) - 1
        return at >= 0 and offset < groups[at].end

    cuts: dict[int, int] = {}  # offset -> change of depth after it (0 for a plain break)
    stack: list[int] = []
    for m in PARENTHESIS.finditer(prose, start, end):
        offset = m.start()
        if in_group(offset):
            continue
        if m.group() == "(":
            stack.append(offset)
        elif stack:
            opened = stack.pop()
            first_inside = bisect.bisect_right(starts, opened)
            if first_inside < len(starts) and starts[first_inside] < offset:
                cuts[opened] = cuts.get(opened, 0) + 1
                cuts[offset] = cuts.get(offset, 0) - 1
    for m in BREAK.finditer(prose, start, end):
        if not in_group(m.start()):
            cuts.setdefault(m.start(), 0)
    segments, depth, last = [], 0, start
    for offset in sorted(cuts):
        if offset > last:
            segments.append(_Segment(last, offset, depth))
        depth += cuts[offset]
        last = offset
    segments.append(_Segment(last, end, depth))
    return segments


def clauses(prose: str, regions: tuple[tuple[int, int], ...], groups: list[CitationGroup]) -> list[Clause]:
    """The clauses of one unit, given its citation groups in order."""
    if len(groups) <= 1:
        return [Clause(regions, tuple(groups))]
    starts = [g.start for g in groups]
    segments = [s for a, b in regions for s in _segments(prose, a, b, groups, starts)]
    depths = []
    at = 0
    for group in groups:
        while at < len(segments) - 1 and segments[at].end <= group.start:
            at += 1
        depths.append(segments[at].depth)
    answers: list[tuple[CitationGroup, ...]] = []
    first = 0  # index of the first group starting at or after the current segment
    for segment in segments:
        while first < len(groups) and groups[first].start < segment.start:
            first += 1
        last = first
        while last < len(groups) and groups[last].start < segment.end:
            last += 1
        own = tuple(groups[first:last])
        if not own:
            after = next((i for i in range(last, len(groups)) if depths[i] <= segment.depth), None)
            before = next((i for i in range(first - 1, -1, -1) if depths[i] <= segment.depth), None)
            own = (groups[after if after is not None else before if before is not None else -1],)
        answers.append(own)
    # Each clause: its segments' spans, its groups, and the span of the latest
    # segment less deep than its first (found from the latest segment at each
    # depth: looking back through every segment took a sentence of 5,000
    # clauses seconds).
    built: list[tuple[list[tuple[int, int]], tuple[CitationGroup, ...], tuple[tuple[int, int], ...]]] = []
    latest: dict[int, _Segment] = {}  # depth -> the latest segment at that depth
    for segment, own in zip(segments, answers):
        if built and built[-1][1] == own:
            built[-1][0].append((segment.start, segment.end))
        else:
            outer = max((s for depth, s in latest.items() if depth < segment.depth), key=lambda s: s.start, default=None)
            built.append(([(segment.start, segment.end)], own, ((outer.start, outer.end),) if outer is not None else ()))
        latest[segment.depth] = segment
    return [Clause(tuple(spans), own, context) for spans, own, context in built]


def clause_at(found: list[Clause]) -> Callable[[int], Clause]:
    """A lookup of the clause holding an offset (the first clause when none
    does), by bisection over their spans, which do not overlap: a sentence of
    5,000 clauses states 5,000 numbers."""
    spans = sorted((start, end, n) for n, clause in enumerate(found) for start, end in clause.spans if start < end)
    starts = [start for start, _, _ in spans]

    def at(offset: int) -> Clause:
        index = bisect.bisect_right(starts, offset) - 1
        return found[spans[index][2]] if index >= 0 and offset < spans[index][1] else found[0]

    return at
