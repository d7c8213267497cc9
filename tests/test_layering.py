"""Dependencies between the apps point one way (docs/design.md, "Layers").

The apps of `budgetapp/` are stacked in LAYERS, from the bottom up. A module may import its own
app and the apps of lower layers, never a higher layer's, nor an app beside it in its own
layer. Every import counts: at the top of a module, inside a function, under TYPE_CHECKING.
The whole graph is read from the source (ast), so the test needs no database and no Django.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "budgetapp"

# Bottom first. Apps in one layer are independent of each other.
LAYERS: list[set[str]] = [
    {"core"},  # settings helpers, domain errors, formatting, HTTP helpers, shared admin bases
    {"audit"},  # the security audit log every write path records to
    {"units"},  # regions, units, accounts and roles, budget years
    {"identity", "indicators"},  # login and second factor; indicator frameworks and values
    {"security"},  # the 安全管理员's and 审计管理员's pages
    {"targets"},  # the two tables, their services, revisions and forms
    {"layouts"},  # the official layouts: one description, rendered as HTML
    {"checks"},  # 智能审核
    {"exports"},  # PDF and Excel from the layouts, publications, stored files
    {"review"},  # the workflow: submit, return, approve, publish (freezing through exports)
    {"library", "monitoring", "portal"},  # indicator library; 运行监控; the public portal
    {"evaluation", "guide"},  # 绩效自评 (from the monitoring projection); 填报帮助
    {"imports"},  # the Excel import: target tables, monitoring sheets, self-evaluations
    {"demo"},  # the demo loader drives the real services of every app
]


# Modules whose imports are known to go against the layers, each with the way out. Keep this
# empty: an entry is a debt, not a permission.
KNOWN_EXCEPTIONS: dict[str, str] = {}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # what it imports, dotted (`pkg.module` or `pkg.module.name`)
    line: int

    @property
    def where(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[Import]:
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            found += [Import(module, f"{source}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _app_of(dotted: str) -> str | None:
    parts = dotted.split(".")
    if len(parts) >= 2 and parts[0] == "budgetapp" and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return None


def _is_migration(path: Path) -> bool:
    return "migrations" in path.relative_to(PACKAGE).parts


APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "apps.py").is_file())
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if _app_of(_module_name(p)))
CODE = [p for p in SOURCES if not _is_migration(p)]


def _cross_app_imports() -> list[tuple[str, str, Import]]:
    """(importing app, imported app, the import) for every import between two apps."""
    edges = []
    for path in CODE:
        if _module_name(path) in KNOWN_EXCEPTIONS:
            continue
        for found in _imports(path):
            source, target = _app_of(found.module), _app_of(found.target)
            if target is not None and source is not None and target != source:
                edges.append((source, target, found))
    return edges


def test_every_app_has_its_place_in_the_layers():
    placed = [app for layer in LAYERS for app in layer]
    assert len(placed) == len(set(placed)), "an app is in two layers"
    assert sorted(placed) == APPS


def test_apps_import_only_apps_below_them():
    level = {app: i for i, layer in enumerate(LAYERS) for app in layer}
    wrong = [
        f"{source} → {target}: {found.where}"
        for source, target, found in _cross_app_imports()
        if level[target] >= level[source]
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_cycle_between_apps():
    graph: dict[str, set[str]] = defaultdict(set)
    for app in APPS:
        graph[app]
    for source, target, _ in _cross_app_imports():
        graph[source].add(target)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_app_imports_another_apps_views_or_private_names():
    """Views are entry points, not a library; `_name` is a module's own business."""
    wrong = []
    for _, _, found in _cross_app_imports():
        parts = found.target.split(".")
        if "views" in parts[2:] or any(part.startswith("_") for part in parts[2:]):
            wrong.append(found.where)
    assert not wrong, "\n".join(wrong)


def test_data_migrations_do_not_run_application_code():
    """A data migration installs what it installed the day it was written: its data is frozen
    into it (or a file next to it), so it imports nothing of the application's."""
    wrong = []
    for path in SOURCES:
        if not _is_migration(path) or "RunPython" not in path.read_text(encoding="utf-8"):
            continue
        wrong += [found.where for found in _imports(path) if found.target.startswith("budgetapp")]
    assert not wrong, "\n".join(wrong)


# Modules of the application stay small: about 400 lines at most (a few over is not yet a god
# module; split by concern well before this). Known exceptions, each with its reason:
LINE_LIMIT = 420
OVER_LIMIT: dict[str, str] = {}


def test_no_application_module_over_about_400_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in CODE
    }
    over = {name: n for name, n in sizes.items() if n > LINE_LIMIT and name not in OVER_LIMIT}
    assert not over, f"split these by concern: {over}"
