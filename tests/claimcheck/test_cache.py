"""The content-hash cache: reused only while inputs and code are unchanged."""

from __future__ import annotations

import pytest

from claimcheck import cache, formatting, pipeline
from claimcheck.bibliography import load_bibliography, parse_bibliography
from claimcheck.formatting import reference_html, restore_formatted, store_formatted

BIB = "@article{a, author={A, B}, title={T}, journal={J}, year={2020}, findings={x: 30.9%}}\n"


def test_checked_pages_come_from_the_cache_until_something_changes(tmp_path, monkeypatch):
    page = tmp_path / "p.md"
    page.write_text("---\nreviewed: 2026-01-01\n---\n\nAbout a third [@a].\n", encoding="utf-8")
    parsed = []
    real = pipeline.parse_document
    monkeypatch.setattr(pipeline, "parse_document", lambda *a: parsed.append(a) or real(*a))
    bib = parse_bibliography(BIB, "refs.bib")
    first = pipeline.check_files([(page, "p.md")], bib)
    second = pipeline.check_files([(page, "p.md")], bib)
    assert len(parsed) == 1
    assert [c.as_dict() for c in first.claims] == [c.as_dict() for c in second.claims]
    pipeline.check_files([(page, "p.md")], parse_bibliography(BIB.replace("30.9", "40"), "refs.bib"))
    page.write_text(page.read_text() + "More.\n", encoding="utf-8")
    pipeline.check_files([(page, "p.md")], bib)
    assert len(parsed) == 3


def test_formatted_references_survive_into_the_next_cold_build(tmp_path, monkeypatch):
    import claimcheck.bibliography as module

    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    bib = load_bibliography(path)
    restore_formatted(bib)
    first = reference_html(bib.get("a"))
    store_formatted(bib)
    module._CACHE.clear()
    monkeypatch.setattr(formatting, "FORMATTED", formatting.FormattedReferences())  # a new process
    monkeypatch.setattr(formatting, "format_reference", lambda entry: pytest.fail("formatted again"))
    again = load_bibliography(path)
    restore_formatted(again)
    assert again is not bib and reference_html(again.get("a")) == first


def test_entries_carry_no_formatting_state():
    """Formatting a reference leaves the parsed entry as it was (what is
    formatted lives in `formatting`, keyed by the entry's digest)."""
    bib = parse_bibliography(BIB, "refs.bib")
    before = dict(vars(bib.get("a")))
    reference_html(bib.get("a"))
    formatting.author_year(bib.get("a"))
    assert vars(bib.get("a")) == before and not hasattr(bib, "stored_formatted")


def test_editing_the_cli_keeps_cached_pages_and_bibliographies():
    """Keys hash only the code whose output is cached (and what it imports)."""
    for module in ("pipeline", "bibliography", "formatting"):
        needed = cache.code_modules(module)
        assert module in needed and "cli" not in needed and "config" not in needed, (module, needed)
    assert {"check", "document", "quantities", "standards"} <= set(cache.code_modules("pipeline"))
    assert "formatting" not in cache.code_modules("bibliography")


@pytest.mark.parametrize("library", cache.LIBRARIES)
def test_a_library_upgrade_changes_every_key(monkeypatch, library):
    before = cache.cache_key("pipeline", "p.md", "text")
    real = cache.metadata.version
    monkeypatch.setattr(cache.metadata, "version", lambda name: "99.0" if name == library else real(name))
    cache.environment.cache_clear()
    cache.code_version.cache_clear()
    try:
        assert cache.cache_key("pipeline", "p.md", "text") != before
        assert f"{library} 99.0" in cache.environment()
    finally:
        monkeypatch.undo()
        cache.environment.cache_clear()
        cache.code_version.cache_clear()
    assert cache.cache_key("pipeline", "p.md", "text") == before


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAIMCHECK_CACHE", "off")  # the `fresh_cache` fixture turned it on
    page = tmp_path / "p.md"
    page.write_text("Text.\n", encoding="utf-8")
    pipeline.check_files([(page, "p.md")], parse_bibliography(BIB, "refs.bib"))
    assert not (tmp_path / "cache").exists()


def test_entries_unused_for_a_month_are_pruned_and_used_ones_kept(tmp_path, monkeypatch):
    import os
    import pickle
    import time

    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "page"
    folder.mkdir(parents=True)
    long_ago = time.time() - 40 * cache.DAY
    for name in ("stale", "used"):
        (folder / name).write_bytes(pickle.dumps(name))
        os.utime(folder / name, (long_ago, long_ago))
    cache.save("bibliography", "b", 1)  # pruning is per kind: pages untouched
    assert sorted(os.listdir(folder)) == ["stale", "used"]
    assert cache.load("page", "used") == "used"
    cache.save("page", "new", "new")
    assert sorted(os.listdir(folder)) == ["new", "used"]
    assert cache.load("page", "new") == "new" and cache.load("page", "stale") is None


def test_after_an_edit_only_changed_entries_are_formatted_again(tmp_path, monkeypatch):
    import claimcheck.bibliography as module

    path = tmp_path / "refs.bib"
    second = BIB.replace("{a,", "{b,").replace("title={T}", "title={Second}")
    path.write_text(BIB + second, encoding="utf-8")
    bib = load_bibliography(path)
    first_html = {key: reference_html(entry) for key, entry in bib.entries.items()}
    store_formatted(bib)

    formatted = []
    real = formatting.format_reference
    monkeypatch.setattr(formatting, "format_reference", lambda entry: formatted.append(entry.key) or real(entry))
    monkeypatch.setattr(formatting, "FORMATTED", formatting.FormattedReferences())  # a new process
    module._CACHE.clear()
    path.write_text(BIB + second.replace("title={Second}", "title={Second, corrected}"), encoding="utf-8")
    edited = load_bibliography(path)
    restore_formatted(edited)
    assert reference_html(edited.get("a")) == first_html["a"]
    assert "Second, corrected" in reference_html(edited.get("b"))
    assert formatted == ["b"]


def test_a_cached_bibliography_of_an_older_shape_is_parsed_again(tmp_path, monkeypatch):
    """A pickle lacking a field added since (here `damaged`) is not trusted, even
    when found under the current key (the key hashes the code, so it should not be)."""
    import claimcheck.bibliography as module

    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    old = parse_bibliography("", str(path))
    del old.__dict__["damaged"]
    key = cache.cache_key("bibliography", str(path), path.read_text(encoding="utf-8"))
    cache.save("bibliography", key, old)
    module._CACHE.clear()
    loaded = load_bibliography(path)
    assert loaded.damaged == {} and "a" in loaded.entries
