"""The package layout (README "Architecture"): one sub-package per stage, no import cycles, small modules.

Imports are read from the source (module level and inside functions alike), so a lazy import that
closes a circle counts as a circle too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PKG = Path(__file__).resolve().parent.parent / "mesokg"
MAX_LINES = 450
STAGES = ("knowledge", "store", "query", "network", "evidence", "curation", "export", "serve", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The mesokg modules ``name`` imports (``from x import y`` counts y when y is a module)."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            # importing a sub-module also runs its package's __init__, which is not a real edge back
            if t and t != name and not name.startswith(t + "."):
                found.add(t)
    return found


def import_graph() -> nx.DiGraph:
    mods = _modules()
    G = nx.DiGraph()
    for name, path in mods.items():
        G.add_node(name)
        for target in _imports(name, path, set(mods)):
            G.add_edge(name, target)
    return G


def test_no_import_cycles():
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == [], f"import cycles: {cycles}"


def test_every_stage_is_a_package():
    for stage in STAGES:
        assert (PKG / stage / "__init__.py").is_file(), stage


def test_no_flat_modules_beyond_the_shared_base():
    flat = sorted(p.name for p in PKG.glob("*.py"))
    allowed = {"__init__.py", "__main__.py", "errors.py", "paths.py", "rdfio.py", "procs.py", "sandbox.py"}
    assert set(flat) <= allowed, f"modules outside a stage package: {sorted(set(flat) - allowed)}"


def test_modules_stay_small():
    big = {n: len(p.read_text().splitlines()) for n, p in _modules().items()}
    assert {n: k for n, k in big.items() if k > MAX_LINES} == {}


def test_commands_live_in_cli():
    """Every command of ``mesokg --help`` is defined in ``mesokg/cli/``."""
    from mesokg.cli import COMMANDS

    for name, (target, _) in COMMANDS.items():
        assert target.startswith("mesokg.cli."), (name, target)
