"""A wrong `extra.claimcheck` setting stops `mkdocs build`, strict or not, with one
clear line (as MkDocs does for its own settings): it never turns the hooks off
and publishes raw `[@key]` markers."""

from __future__ import annotations


def test_a_wrong_setting_stops_a_non_strict_build(build_site):
    built = build_site("setting_wrong_value", strict=False)
    assert not built.ok
    assert "mkdocs.yml: `extra.claimcheck.citation_style` must be one of numeric, author-year, not 'harvard'" in built.log
    assert "Traceback" not in built.log
    assert not (built.out / "index.html").exists()


def test_an_unknown_setting_stops_the_build(build_site):
    built = build_site("setting_unknown", strict=False)
    assert not built.ok
    assert "`extra.claimcheck.durration` is not a setting" in built.log and "(did you mean `durations`?)" in built.log


def test_a_level_lets_a_strict_build_through(build_site):
    """`unsourced: info` reports an uncited figure as a note, which `--strict` allows."""
    built = build_site("setting_level_info")
    assert built.ok, built.log
    (line,) = [line for line in built.log.splitlines() if "unsourced" in line]
    assert line.startswith("INFO") and "index.md:16: unsourced: «70%»" in line
    claims = (built.out / "claims.json").read_text(encoding="utf-8")
    assert '"kind": "unsourced", "severity": "info"' in claims
