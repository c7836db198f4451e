"""Citation styles as data: what a marker shows and the brackets and separator
around it, so a new style is one entry in `CITATION_STYLES`, not another
`if style == ...` in the renderer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CitationStyle:
    """How citations look. `numbered`: markers show the reference's number (the
    author names of a narrative citation stand before them); otherwise they show
    "Author, year" (just the year after names already written)."""

    name: str
    numbered: bool
    opening: str
    closing: str
    separator: str  # between the citations of one group


NUMERIC = CitationStyle("numeric", numbered=True, opening="[", closing="]", separator=", ")
AUTHOR_YEAR = CitationStyle("author-year", numbered=False, opening="(", closing=")", separator="; ")

#: Every style, by the name `extra.claimcheck.citation_style` gives it.
CITATION_STYLES = {style.name: style for style in (NUMERIC, AUTHOR_YEAR)}


def citation_style(style: CitationStyle | str) -> CitationStyle:
    """A style, given itself or its name (a `KeyError` for an unknown name: the
    settings reject those with a message)."""
    return style if isinstance(style, CitationStyle) else CITATION_STYLES[style]
