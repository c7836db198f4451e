"""Settings from mkdocs.yml, read without MkDocs so `claimcheck` runs alone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .standards import GradeLimits
from .status import STATUS_MAX_AGE_YEARS

STYLES = ("numeric", "author-year")


class ConfigError(Exception):
    """mkdocs.yml cannot be read, or its `extra.claimcheck` settings are wrong."""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring `!!python/name:` and `!ENV` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Settings:
    docs_dir: Path
    bibliography: Path
    citation_style: str = "numeric"
    options: frozenset[str] = frozenset()
    status_max_age_years: int = STATUS_MAX_AGE_YEARS
    grade_limits: GradeLimits = GradeLimits()
    #: Files pymdownx.snippets appends to every page (the guide's abbreviations):
    #: their text is shown on every page, so it is checked too.
    snippets: tuple[Path, ...] = ()


def snippet_files(config: dict[str, Any], root: Path) -> tuple[Path, ...]:
    """The files `pymdownx.snippets` appends to every page (`auto_append`),
    found in its `base_path` folders as the extension finds them."""
    for extension in config.get("markdown_extensions") or []:
        if isinstance(extension, dict) and isinstance(extension.get("pymdownx.snippets"), dict):
            options = extension["pymdownx.snippets"]
            bases = options.get("base_path", ["."])
            bases = [bases] if isinstance(bases, str) else list(bases)
            found = []
            for name in options.get("auto_append") or []:
                path = next((root / base / str(name) for base in bases if (root / base / str(name)).is_file()), None)
                if path is not None:
                    found.append(path)
            return tuple(found)
    return ()


def grade_limits(extra: dict[str, Any]) -> GradeLimits:
    """Reading-grade limits of patient pages: `max_grade_body` and `max_grade_summary`."""
    defaults, limits = GradeLimits(), {}
    for field, name in (("body", "max_grade_body"), ("summary", "max_grade_summary")):
        value = extra.get(name, getattr(defaults, field))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            raise ConfigError(f"`extra.claimcheck.{name}` must be a reading grade, a number above 0 such as 9, not {value!r}")
        limits[field] = float(value)
    return GradeLimits(**limits)


def settings_from(config: dict[str, Any], root: Path) -> Settings:
    """Settings from a loaded mkdocs.yml mapping; paths relative to `root`."""
    extra = (config.get("extra") or {}).get("claimcheck") or {}
    if not isinstance(extra, dict):
        raise ConfigError("`extra.claimcheck` in mkdocs.yml must be a mapping")
    style = extra.get("citation_style", "numeric")
    if style not in STYLES:
        raise ConfigError(f"`extra.claimcheck.citation_style` must be one of {', '.join(STYLES)}, not {style!r}")
    options = frozenset(name for name in ("durations", "dated_events") if extra.get(name))
    max_age = extra.get("status_max_age_years", STATUS_MAX_AGE_YEARS)
    if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 1:
        raise ConfigError(f"`extra.claimcheck.status_max_age_years` must be a whole number of years, 1 or more, not {max_age!r}")
    return Settings(
        docs_dir=root / str(config.get("docs_dir", "docs")),
        bibliography=root / str(extra.get("bibliography", "references.bib")),
        citation_style=style,
        options=options,
        snippets=snippet_files(config, root),
        status_max_age_years=max_age,
        grade_limits=grade_limits(extra),
    )


def load_settings(mkdocs_yml: Path) -> Settings:
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except OSError as exc:
        raise ConfigError(f"{mkdocs_yml}: cannot read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(f"{mkdocs_yml}:{line}: not valid YAML") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{mkdocs_yml}:1: must be a mapping")
    return settings_from(config, mkdocs_yml.parent)
