"""A checked page's cache entry depends on the bibliography entries it cites
alone: editing one entry checks again only the pages citing it, and a page
from the cache always says what checking it afresh would."""

from __future__ import annotations

import random

import pytest

from claimcheck import pipeline
from claimcheck.bibliography import parse_bibliography


def entry(key: str, findings: str, damaged: bool = False) -> str:
    title = "{T," if damaged else "{T},"  # an unclosed field damages the entry
    return (f"@article{{{key},\n  author = {{A, B}}, title = {title}\n  journal = {{J}}, year = {{2020}},\n"
            f"  findings = {{{findings}}}\n}}\n\n")


ENTRIES = {"alpha": "remission: 30.9%", "beta": "relapse: 12%", "gamma": "response: 7%"}
PAGES = {
    "pa.md": "Remission came in 30.9% [@alpha].\n",
    "pb.md": "Relapse came in 12% [@beta].\n",
    "pg.md": "Response came in 7% [@{gamma}], and dropout in 4% [@alphaa].\n",
    "pm.md": "Remission came in 30.9% and relapse in 12% [see @beta, p. 2; @alpha].\n",
    "pn.md": "A page citing nothing, with 5 numbers.\n",
}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """Check the pages against a bibliography text; returns what was found, and
    records which pages were parsed (so checked rather than taken from the cache)."""
    for name, text in PAGES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [(tmp_path / name, name) for name in PAGES]
    parsed: list[str] = []
    real = pipeline.parse_document
    monkeypatch.setattr(pipeline, "parse_document", lambda text, shown: parsed.append(shown) or real(text, shown))

    def check(bib_text: str, cache: bool = True, path: str = "refs.bib") -> tuple[list, list]:
        with monkeypatch.context() as m:
            if not cache:
                m.setenv("CLAIMCHECK_CACHE", "off")
            result = pipeline.check_files(files, parse_bibliography(bib_text, path))
        problems = [(p.file, p.line, p.kind, p.text, p.message) for p in result.problems]
        claims = [(c.as_dict(), c.status, c.finding) for c in result.claims]
        return problems, claims

    check.parsed = parsed  # type: ignore[attr-defined]
    return check


def bib(entries: dict[str, str], damaged: tuple[str, ...] = (), above: str = "") -> str:
    return above + "".join(entry(key, findings, key in damaged) for key, findings in entries.items())


def status(claims: list, page: str) -> list[str]:
    return [c[1] for c in claims if c[0]["file"] == page]


def assert_as_fresh(site, text: str) -> tuple[list, list]:
    """Checked with the warm cache, the result is the result with no cache."""
    warm = site(text)
    assert warm == site(text, cache=False)
    return warm


def test_editing_one_entry_checks_again_only_the_pages_citing_it(site):
    _, claims = site(bib(ENTRIES))
    assert status(claims, "pa.md") == ["supported"]
    site.parsed.clear()
    problems, claims = assert_as_fresh(site, bib({**ENTRIES, "alpha": "remission: 40%"}))
    assert site.parsed[:2] == ["pa.md", "pm.md"]  # the warm run parsed these alone (the cold one, every page)
    assert site.parsed.count("pa.md") == 2 and site.parsed.count("pb.md") == 1
    assert status(claims, "pm.md") == ["unsupported", "supported"]
    assert status(claims, "pa.md") == ["unsupported"]
    assert any(p[0] == "pa.md" and p[2] == "unsupported" and "remission = 40%" in p[4] for p in problems)
    site.parsed.clear()
    site(bib({**ENTRIES, "alpha": "remission: 40%", "beta": "relapse: 12%; relapse-later: 3%"}))
    assert site.parsed == ["pb.md", "pm.md"]


def test_adding_and_removing_a_cited_entry_changes_the_citing_page(site):
    without = {k: v for k, v in ENTRIES.items() if k != "beta"}
    problems, claims = assert_as_fresh(site, bib(without))
    assert status(claims, "pb.md") == ["unknown-key"]
    assert any(p[0] == "pb.md" and p[2] == "unknown-key" for p in problems)
    problems, claims = assert_as_fresh(site, bib(ENTRIES))
    assert status(claims, "pb.md") == ["supported"]
    assert not any(p[0] == "pb.md" and p[2] == "unknown-key" for p in problems)
    problems, claims = assert_as_fresh(site, bib(without))
    assert status(claims, "pb.md") == ["unknown-key"]


def test_an_unknown_keys_suggestions_follow_entries_the_page_does_not_cite(site):
    """`@alphaa` has no entry: its "did you mean" names the keys nearest it,
    whichever entries they are, so adding one the page never cites changes it."""
    def hint(problems: list) -> str:
        return next(p[4] for p in problems if p[0] == "pg.md" and p[2] == "unknown-key")

    problems, _ = assert_as_fresh(site, bib(ENTRIES))
    assert "did you mean @alpha?" in hint(problems)
    problems, _ = assert_as_fresh(site, bib({**ENTRIES, "alphab": "dropout: 1%"}))
    assert "did you mean @alpha, @alphab?" in hint(problems)
    site(bib(ENTRIES))
    problems, _ = site(bib(ENTRIES), path="other.bib")
    assert "no entry `alphaa` in other.bib" in hint(problems)
    problems, _ = assert_as_fresh(site, bib({**ENTRIES, "alphaa": "dropout: 4%"}))
    assert not any(p[0] == "pg.md" and p[2] == "unknown-key" for p in problems)


def test_an_entry_becoming_damaged_and_mended(site):
    _, claims = assert_as_fresh(site, bib(ENTRIES))
    assert status(claims, "pb.md") == ["supported"]
    problems, claims = assert_as_fresh(site, bib(ENTRIES, damaged=("beta",)))
    assert status(claims, "pb.md") == ["unverified"]
    damage = [p for p in problems if p[2] == "damaged-entry"]
    assert [p[0] for p in damage] == ["pb.md", "pm.md", "pm.md"] and "damaged at refs.bib:8" in damage[0][4]
    _, claims = assert_as_fresh(site, bib(ENTRIES))
    assert status(claims, "pb.md") == ["supported"]


def test_entries_moving_down_keep_pages_cached_and_line_numbers_right(site):
    site(bib(ENTRIES, damaged=("beta",)))
    site.parsed.clear()
    above = entry("delta", "deaths: 1%")  # six lines inserted above every entry
    problems, claims = site(bib(ENTRIES, damaged=("beta",), above=above))
    assert sorted(site.parsed) == ["pb.md", "pm.md"]  # beta's damage moved; alpha and gamma only moved
    assert [p[4].count("refs.bib:14") for p in problems if p[2] == "damaged-entry"] == [1, 1, 1]
    assert (problems, claims) == site(bib(ENTRIES, damaged=("beta",), above=above), cache=False)
    site.parsed.clear()
    site(bib(ENTRIES, above=above + above.replace("delta", "epsilon")))  # beta mended: its pages checked again
    assert sorted(site.parsed) == ["pb.md", "pm.md"]
    site.parsed.clear()
    moved = bib(ENTRIES, above=above + above.replace("delta", "epsilon") + above.replace("delta", "eta"))
    assert site(moved) == site(moved, cache=False)
    assert site.parsed == list(PAGES)  # the warm run checked no page: every cited entry only moved


def edit(rng: random.Random, entries: dict[str, str], damaged: set[str]) -> str:
    """One random edit of the bibliography; returns the text above the entries."""
    key = rng.choice(["alpha", "beta", "gamma", "alphaa", "alphab", "delta"])
    action = rng.choice(["findings", "remove", "add", "damage", "mend", "move"])
    if action == "findings" and key in entries:
        entries[key] = rng.choice(["remission: 30.9%", "relapse: 12%", "response: 7%", "dropout: 4%", "remission: 40%", "relapse: 12%; numbers: 5"])
    elif action == "remove":
        entries.pop(key, None)
    elif action == "add":
        entries.setdefault(key, rng.choice(["dropout: 4%", "response: 7%", "dropout: 1%"]))
    elif action == "damage":
        damaged.add(key)
    elif action == "mend":
        damaged.discard(key)
    elif action == "move" and key in entries:
        entries[key] = entries.pop(key)  # to the end: it and those after it change lines
    return rng.choice(["", "% a comment\n\n", entry("zeta", "teens: 9%")])


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_give_what_a_run_without_the_cache_gives(site, seed):
    rng = random.Random(seed)
    entries, damaged = dict(ENTRIES), set()
    for _ in range(8):
        above = edit(rng, entries, damaged)
        text = bib(entries, tuple(damaged), above)
        warm = site(text)
        assert warm == site(text, cache=False)
        assert site(text) == warm  # and once more from the entries just saved
