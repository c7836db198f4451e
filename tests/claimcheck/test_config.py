"""`extra.claimcheck`: declared options, each wrong value rejected with one line
saying what to write, and per-kind levels that change what is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.cli import main
from claimcheck.config import ConfigError, settings_from
from claimcheck.problems import Level, ProblemKind, Severity
from claimcheck.styles import AUTHOR_YEAR, NUMERIC

ROOT = Path("/project")


def settings(**claimcheck):
    return settings_from({"extra": {"claimcheck": claimcheck}}, ROOT)


def test_defaults_and_valid_values():
    default = settings_from({}, ROOT)
    assert default.citation_style is NUMERIC and default.options == frozenset() and default.levels == {}
    assert default.bibliography == ROOT / "references.bib"
    assert (default.grade_limits.body, default.grade_limits.summary) == (9, 8)
    chosen = settings(citation_style="author-year", durations=True, dated_events=False, bibliography="refs.bib",
                      levels={"review-overdue": "warn", "readability": "ignore", "uncited-entry": "warn"},
                      max_grade_body=12, max_grade_summary=7.5)
    assert chosen.citation_style is AUTHOR_YEAR and chosen.options == frozenset({"durations"})
    assert chosen.bibliography == ROOT / "refs.bib"
    assert (chosen.grade_limits.body, chosen.grade_limits.summary) == (12, 7.5)
    assert chosen.levels == {ProblemKind.REVIEW_OVERDUE: Level.WARN, ProblemKind.READABILITY: Level.IGNORE,
                             ProblemKind.UNCITED_ENTRY: Level.WARN}


@pytest.mark.parametrize("claimcheck, message", [
    ({"citaton_style": "numeric"},
     ("`extra.claimcheck.citaton_style` is not a setting: it must be one of bibliography, citation_style, durations, "
      "dated_events, status_max_age_years, max_grade_body, max_grade_summary, levels, not 'citaton_style' (did you mean `citation_style`?)")),
    ({"citation_style": "harvard"},
     "`extra.claimcheck.citation_style` must be one of numeric, author-year, not 'harvard'"),
    ({"citation_style": "author_year"},
     "`extra.claimcheck.citation_style` must be one of numeric, author-year, not 'author_year' (did you mean `author-year`?)"),
    ({"durations": "yes please"}, "`extra.claimcheck.durations` must be true or false, not 'yes please'"),
    ({"dated_events": 1}, "`extra.claimcheck.dated_events` must be true or false, not 1"),
    ({"bibliography": ""}, "`extra.claimcheck.bibliography` must be a file path such as `references.bib`, not ''"),
    ({"status_max_age_years": 0}, "`extra.claimcheck.status_max_age_years` must be a whole number of years, 1 or more, not 0"),
    ({"max_grade_body": "easy"}, "`extra.claimcheck.max_grade_body` must be a reading grade, a number above 0 such as 9, not 'easy'"),
    ({"max_grade_summary": 0}, "`extra.claimcheck.max_grade_summary` must be a reading grade, a number above 0 such as 9, not 0"),
    ({"levels": ["review-overdue"]},
     "`extra.claimcheck.levels` must map problem kinds to levels, such as `review-overdue: warn`"),
    ({"levels": {"review-overdu": "info"}},
     "`extra.claimcheck.levels`: `review-overdu` is not a problem kind: it must be one of unsourced,"),
    ({"levels": {"review-overdue": "warning"}},
     "`extra.claimcheck.levels.review-overdue` must be one of error, warn, info, ignore, not 'warning' (did you mean `warn`?)"),
    ({"levels": {"review-overdue": None}},
     "`extra.claimcheck.levels.review-overdue` must be one of error, warn, info, ignore, not None"),
])
def test_each_wrong_setting_is_rejected_with_what_to_write(claimcheck, message):
    with pytest.raises(ConfigError) as raised:
        settings(**claimcheck)
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_unknown_kind_names_the_closest_one():
    with pytest.raises(ConfigError, match=r"did you mean `review-overdue`\?"):
        settings(levels={"review-overdu": "info"})


def test_extra_claimcheck_must_be_a_mapping():
    with pytest.raises(ConfigError, match=r"^`extra\.claimcheck` in mkdocs\.yml must be a mapping$"):
        settings_from({"extra": {"claimcheck": "numeric"}}, ROOT)
    with pytest.raises(ConfigError, match=r"^`extra` in mkdocs\.yml must be a mapping$"):
        settings_from({"extra": ["claimcheck"]}, ROOT)


def test_every_kind_has_a_default_severity():
    assert {kind.severity for kind in ProblemKind} == set(Severity)
    assert ProblemKind.UNSOURCED.severity is Severity.ERROR and ProblemKind.WAIVED.severity is Severity.INFO


def _site(tmp_path, levels=""):
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text("---\nreviewed: 2026-01-01\naudience: clinicians\n---\n\nAn uncited 42% of people.\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nextra:\n  claimcheck:\n    bibliography: refs.bib\n{levels}", encoding="utf-8")


def test_a_level_changes_the_outcome(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _site(tmp_path)
    assert main([]) == 1
    assert "index.md:6: unsourced: «42%»" in capsys.readouterr().out
    _site(tmp_path, "    levels:\n      unsourced: warn\n")
    assert main(["--format", "json"]) == 0
    (problem,) = [p for p in __import__("json").loads(capsys.readouterr().out)["problems"] if p["kind"] == "unsourced"]
    assert problem["severity"] == "warning"
    _site(tmp_path, "    levels:\n      unsourced: ignore\n")
    assert main([]) == 0
    assert "unsourced" not in capsys.readouterr().out


def test_a_wrong_setting_stops_the_cli_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _site(tmp_path, "    levels:\n      unsourced: loud\n")
    assert main([]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "claimcheck: `extra.claimcheck.levels.unsourced` must be one of error, warn, info, ignore, not 'loud'"


def test_a_new_style_is_one_entry_of_data():
    """The renderer reads brackets, separator and label kind from the style."""
    from claimcheck.bibliography import parse_bibliography
    from claimcheck.render import render_markdown
    from claimcheck.styles import CitationStyle

    bib = parse_bibliography("@article{a, author={Roe, A}, title={T}, journal={J}, year={2020}}\n"
                             "@article{b, author={Doe, B}, title={U}, journal={J}, year={2021}}\n", "refs.bib")
    angled = CitationStyle("angled", numbered=True, opening="⟨", closing="⟩", separator=" | ")
    (marker,) = render_markdown("Text [@a; @b].\n", bib, angled).markers.values()
    assert marker.search == "⟨1 | 2⟩"
    (marker,) = render_markdown("Text [@a; @b].\n", bib, "author-year").markers.values()
    assert marker.search == "(Roe, 2020; Doe, 2021)"


def test_a_mkdocs_yml_not_in_utf8_stops_the_cli_with_one_line(tmp_path, monkeypatch, capsys):
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: x\nsite_author: M\xfcller\n")
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    assert capsys.readouterr().err == f"claimcheck: {tmp_path / 'mkdocs.yml'}:2: not valid UTF-8 (byte 27); save the file as UTF-8\n"
