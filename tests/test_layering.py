"""The import graph of curate/: imports only go down the floors of docs/architecture.md, no two
packages import each other (even through others), and no module takes another's private name.

Every import is read with `ast`, function-level ones included: a lazy import is still an edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

CURATE = Path(__file__).resolve().parents[1] / "curate"

# package (or top-level module) -> floor; a module imports its own floor or lower ones only
FLOORS = {
    "curate": 0, "record": 0, "globs": 0, "steps": 0, "params": 0, "layout": 0,
    "engine": 1, "render": 1,
    "readers": 2, "clean": 2, "dedup": 2, "extract": 2, "validate": 2,
    "pipeline": 3, "check": 3, "dataset": 3, "report": 3,
    "release": 4,
    "cli": 5, "cli_options": 5,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(CURATE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """The package (or top-level module) a module belongs to: its floor's key."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "curate"


def _imports() -> list[tuple[str, str, str | None, int]]:
    """(importer, imported module, imported name or None, line) for every curate import."""
    modules = {_module_name(p): p for p in CURATE.rglob("*.py")}
    found = []
    for name, path in sorted(modules.items()):
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # `from .x import y` inside package a.b: a.b.x
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                if base.split(".")[0] != "curate":
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.append((name, sub, None, node.lineno) if sub in modules
                                 else (name, base, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                found += [(name, a.name, None, node.lineno) for a in node.names
                          if a.name.split(".")[0] == "curate"]
    return found


IMPORTS = _imports()


def test_every_package_has_a_floor():
    units = {_unit(_module_name(p)) for p in CURATE.rglob("*.py")}
    assert units - set(FLOORS) == set()


def test_imports_only_go_down_the_floors():
    upward = [f"{a}:{line} imports {b} (floor {FLOORS[_unit(b)]} above {FLOORS[_unit(a)]})"
              for a, b, _, line in IMPORTS if FLOORS[_unit(b)] > FLOORS[_unit(a)]]
    assert upward == []


def test_no_packages_import_each_other_even_through_others():
    edges: dict[str, set[str]] = {}
    for a, b, _, _ in IMPORTS:
        if _unit(a) != _unit(b):
            edges.setdefault(_unit(a), set()).add(_unit(b))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    assert sorted(f"{a} <-> {b}" for a in edges for b in edges[a] if reaches(b, a)) == []


# modules whose private names html.py still takes: the HTML reader's files are being reworked on
# another branch; they make these names public there, then this set empties
PENDING_PRIVATE: set[tuple[str, str]] = set()  # (importer, module) pairs still being reworked


def test_no_module_imports_another_modules_private_names():
    private = [f"{a}:{line} takes {b}.{n}" for a, b, n, line in IMPORTS
               if n is not None and n.startswith("_") and not n.startswith("__") and a != b
               and (a, b) not in PENDING_PRIVATE]
    assert private == []


def test_a_function_level_import_says_why_it_is_lazy():
    """Lazy imports hide the graph: one stays only for a costly library or a cycle, saying so."""
    silent = []
    for path in sorted(CURATE.rglob("*.py")):
        if path.parent.name == "readers" and path.name.startswith("html"):
            continue  # reworked on another branch (see PENDING_PRIVATE)
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for func in ast.walk(ast.parse(text)):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(func):
                    if (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("curate"))
                            and "# lazy: " not in " ".join(lines[node.lineno - 1:node.end_lineno])):
                        silent.append(f"{path.relative_to(CURATE.parent)}:{node.lineno}")
    assert silent == []


def test_the_floors_are_the_ones_the_architecture_documents():
    doc = (CURATE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for floor in sorted(set(FLOORS.values())):
        names = sorted(u for u, f in FLOORS.items() if f == floor)
        assert f"floor {floor}: {', '.join(names)}" in doc


MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _oversized() -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES, by name."""
    found = []
    for path in sorted(CURATE.rglob("*.py")):
        name = path.relative_to(CURATE.parent).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.name}")
    return found


def test_no_module_is_over_400_lines_and_no_function_over_60():
    assert _oversized() == []
