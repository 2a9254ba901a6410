"""The system under test stays apart from the harness's machinery.

`targets/` may use only the harness modules that are shared definitions (flag types, seeds,
logging, the topology's names, the value caps of `harness.limits`); never the runtimes, the
engine or the fault machinery.
"""

from __future__ import annotations

import ast
from pathlib import Path

TARGETS = Path(__file__).resolve().parents[2] / "targets"
ALLOWED = {
    "harness.flags",
    "harness.seeds",
    "harness.logs",
    "harness.topology",
    "harness.limits",
}


def harness_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n for n in names if n == "harness" or n.startswith("harness."))
    return found


def test_targets_import_only_the_shared_harness_modules() -> None:
    files = sorted(TARGETS.rglob("*.py"))
    assert files
    used = {str(p.relative_to(TARGETS)): harness_imports(p) for p in files}
    offending = {name: sorted(mods - ALLOWED) for name, mods in used.items() if mods - ALLOWED}
    assert offending == {}
    assert set().union(*used.values()) >= {"harness.seeds", "harness.flags"}
