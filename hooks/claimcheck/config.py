"""Settings from mkdocs.yml, read without MkDocs so `claimcheck` runs alone.

`extra.claimcheck` is declared here, one `Option` a setting, and validated as
MkDocs validates its own configuration: an unknown key or a wrong value is a
`ConfigError` with one line saying what to write, and it stops the build (a
typo must not silently turn a check off, nor a wrong value the hooks).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Level, Problem, ProblemKind
from .standards import DEFAULT_GRADE_LIMITS, MAX_GRADE_BODY, MAX_GRADE_SUMMARY, GradeLimits
from .status import STATUS_MAX_AGE_YEARS
from .styles import CITATION_STYLES, NUMERIC, CitationStyle
from .text import decode_utf8

#: Optional claim forms `extra.claimcheck` can switch on.
OPTIONAL_FORMS = ("durations", "dated_events")


class ConfigError(Exception):
    """mkdocs.yml cannot be read, or its `extra.claimcheck` settings are wrong."""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring `!!python/name:` and `!ENV` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Settings:
    docs_dir: Path
    bibliography: Path
    citation_style: CitationStyle = NUMERIC
    options: frozenset[str] = frozenset()
    status_max_age_years: int = STATUS_MAX_AGE_YEARS
    #: Highest reading grades of a patient page's body and "In short" box.
    grade_limits: GradeLimits = DEFAULT_GRADE_LIMITS
    #: Files pymdownx.snippets appends to every page (the guide's abbreviations):
    #: their text is shown on every page, so it is checked too.
    snippets: tuple[Path, ...] = ()
    #: Problem kinds reported at another level than their own (`levels:`).
    levels: Mapping[ProblemKind, Level] = field(default_factory=dict)


def _one_of(choices: list[str], value: object) -> str:
    """"must be one of a, b" with a guess at what a mistyped `value` meant."""
    close = difflib.get_close_matches(str(value), choices, n=1) if isinstance(value, str) else []
    guess = f" (did you mean `{close[0]}`?)" if close else ""
    return f"must be one of {', '.join(choices)}, not {value!r}{guess}"


def _path(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"`extra.claimcheck.{name}` must be a file path such as `references.bib`, not {value!r}")
    return value


def _style(name: str, value: object) -> CitationStyle:
    if not isinstance(value, str) or value not in CITATION_STYLES:
        raise ConfigError(f"`extra.claimcheck.{name}` {_one_of(list(CITATION_STYLES), value)}")
    return CITATION_STYLES[value]


def _switch(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`extra.claimcheck.{name}` must be true or false, not {value!r}")
    return value


def _years(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"`extra.claimcheck.{name}` must be a whole number of years, 1 or more, not {value!r}")
    return value


def _grade(name: str, value: object) -> float:
    """A reading-grade limit (`max_grade_body: 9`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ConfigError(f"`extra.claimcheck.{name}` must be a reading grade, a number above 0 such as 9, not {value!r}")
    return float(value)


def _levels(name: str, value: object) -> dict[ProblemKind, Level]:
    """`levels: {review-overdue: warn, readability: ignore}`: each problem kind's level."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"`extra.claimcheck.{name}` must map problem kinds to levels, such as `review-overdue: warn`")
    levels = {}
    kinds = [kind.value for kind in ProblemKind]
    for kind, level in value.items():
        if kind not in kinds:
            raise ConfigError(f"`extra.claimcheck.{name}`: `{kind}` is not a problem kind: it {_one_of(kinds, kind)}")
        if level not in [lv.value for lv in Level]:
            raise ConfigError(f"`extra.claimcheck.{name}.{kind}` {_one_of([lv.value for lv in Level], level)}")
        levels[ProblemKind(kind)] = Level(level)
    return levels


@dataclass(frozen=True)
class Option:
    """One setting under `extra.claimcheck`: how its value is read (raising
    `ConfigError` when it is wrong) and its value when unset."""

    read: Callable[[str, Any], Any]
    default: Any


OPTIONS: dict[str, Option] = {
    "bibliography": Option(_path, "references.bib"),
    "citation_style": Option(_style, NUMERIC.name),
    "durations": Option(_switch, False),
    "dated_events": Option(_switch, False),
    "status_max_age_years": Option(_years, STATUS_MAX_AGE_YEARS),
    "max_grade_body": Option(_grade, MAX_GRADE_BODY),
    "max_grade_summary": Option(_grade, MAX_GRADE_SUMMARY),
    "levels": Option(_levels, None),
}


def read_options(extra: object) -> dict[str, Any]:
    """Every option's value from the `extra.claimcheck` mapping, validated."""
    if extra is None:
        extra = {}
    if not isinstance(extra, dict):
        raise ConfigError("`extra.claimcheck` in mkdocs.yml must be a mapping")
    for key in extra:
        if key not in OPTIONS:
            raise ConfigError(f"`extra.claimcheck.{key}` is not a setting: it {_one_of(list(OPTIONS), key)}")
    return {name: option.read(name, extra.get(name, option.default)) for name, option in OPTIONS.items()}


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


def settings_from(config: dict[str, Any], root: Path) -> Settings:
    """Settings from a loaded mkdocs.yml mapping; paths relative to `root`."""
    extra = config.get("extra") or {}
    if not isinstance(extra, dict):
        raise ConfigError("`extra` in mkdocs.yml must be a mapping")
    values = read_options(extra.get("claimcheck"))
    return Settings(
        docs_dir=root / str(config.get("docs_dir", "docs")),
        bibliography=root / values["bibliography"],
        citation_style=values["citation_style"],
        options=frozenset(name for name in OPTIONAL_FORMS if values[name]),
        snippets=snippet_files(config, root),
        status_max_age_years=values["status_max_age_years"],
        grade_limits=GradeLimits(body=values["max_grade_body"], summary=values["max_grade_summary"]),
        levels=values["levels"],
    )


def load_settings(mkdocs_yml: Path) -> Settings:
    try:
        text = decode_utf8(mkdocs_yml.read_bytes(), str(mkdocs_yml), "page-error")
    except OSError as exc:
        raise ConfigError(f"{mkdocs_yml}: cannot read ({exc.strerror or exc})") from None
    if isinstance(text, Problem):
        raise ConfigError(f"{text.file}:{text.line}: {text.message}")
    try:
        config = yaml.load(text, Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(f"{mkdocs_yml}:{line}: not valid YAML") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{mkdocs_yml}:1: must be a mapping")
    return settings_from(config, mkdocs_yml.parent)
