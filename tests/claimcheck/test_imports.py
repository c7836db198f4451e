"""No import cycle in `hooks/`, not even one only a type checker follows
(imports under `if TYPE_CHECKING:` count): every module can be read, and
imported, after the modules it names."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

HOOKS = ROOT / "hooks"
PACKAGE = "claimcheck"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(HOOKS).with_suffix("").parts)


def _imported_name(path: Path) -> str:
    return _module_name(path).removesuffix(".__init__")


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The modules of `hooks/` that a module imports anywhere in its text."""
    package = _module_name(path).rpartition(".")[0].split(".")  # `claimcheck.__init__` too
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(HOOKS.rglob("*.py"))
    modules = {_imported_name(path) for path in paths}
    return {_imported_name(path): imports_of(path, modules) - {_imported_name(path)} for path in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle as the path of modules that closes it, found by depth-first search."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                found.append(path[path.index(imported):] + [imported])
            elif imported not in done:
                visit(imported, path + [imported])
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    return found


def test_the_finder_sees_a_cycle_through_three_modules() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_graph_reads_relative_absolute_and_type_only_imports() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.document" in graph[f"{PACKAGE}.citations"]  # `from .document import ...`
    assert f"{PACKAGE}.markdown_ext" in graph["claimcheck_hooks"]  # `from claimcheck.markdown_ext import ...`
    assert graph[f"{PACKAGE}.cache"] == set()


def test_no_import_cycle_in_hooks() -> None:
    assert cycles(import_graph()) == []


#: Issue 17's size rule (ruff's PLR0915 and kin are off in pyproject.toml because of it).
LONGEST_FUNCTION = 60


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.name}:{node.lineno}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.end_lineno or node.lineno) - node.lineno + 1 > LONGEST_FUNCTION]


def test_the_size_rule_sees_a_long_function(tmp_path) -> None:
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * LONGEST_FUNCTION, encoding="utf-8")
    short = tmp_path / "short.py"
    short.write_text("def f():\n" + "    x = 1\n" * (LONGEST_FUNCTION - 1), encoding="utf-8")
    assert len(long_functions(long)) == 1 and long_functions(short) == []


def test_no_function_in_hooks_is_longer_than_60_lines() -> None:
    found = [line for path in sorted(HOOKS.rglob("*.py")) for line in long_functions(path)]
    assert not found, found
