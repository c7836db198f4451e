"""A wrong `extra.claimcheck` setting stops `mkdocs build`, strict or not, with one
clear line (as MkDocs does for its own settings): it never turns the hooks off
and publishes raw `[@key]` markers."""

from __future__ import annotations


def settings(lines: str, page_text: str = ""):
    """A fixture change: `lines` added under `extra.claimcheck`, `page_text` to the home page."""
    def change(site):
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("bibliography: references.bib", "bibliography: references.bib\n" + lines))
        page = site / "docs" / "index.md"
        page.write_text(page.read_text() + page_text)

    return change


def test_a_wrong_setting_stops_a_non_strict_build(build_fixture):
    site, result = build_fixture("basic", settings("    citation_style: harvard"), strict=False)
    assert result.returncode != 0
    assert "mkdocs.yml: `extra.claimcheck.citation_style` must be one of numeric, author-year, not 'harvard'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "site" / "index.html").exists()


def test_an_unknown_setting_stops_the_build(build_fixture):
    site, result = build_fixture("basic", settings("    durration: true"), strict=False)
    assert result.returncode != 0
    assert "`extra.claimcheck.durration` is not a setting" in result.stderr and "(did you mean `durations`?)" in result.stderr


def test_a_level_lets_a_strict_build_through(build_fixture):
    """`unsourced: info` reports an uncited figure as a note, which `--strict` allows."""
    site, result = build_fixture("basic", settings("    levels:\n      unsourced: info", "\nAs many as 70% experience relief.\n"))
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "unsourced" in line]
    assert line.startswith("INFO") and "index.md:16: unsourced: «70%»" in line
    claims = (site / "site" / "claims.json").read_text(encoding="utf-8")
    assert '"kind": "unsourced", "severity": "info"' in claims
