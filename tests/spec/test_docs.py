"""docs/experiments.md stays true: its full example loads and every action example parses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter

from harness.spec import ACTION_KINDS, INVARIANTS, Action, Experiment, load_experiment

DOC = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_full_example_loads(tmp_path: Path) -> None:
    """The first YAML block is a complete experiment that validates."""
    path = tmp_path / "my-experiment.yaml"
    path.write_text(BLOCKS[0], encoding="utf-8")
    assert load_experiment(path).name == "my-experiment"


def test_every_action_kind_has_a_valid_example() -> None:
    """Each action kind appears in an example block, and every example step parses."""
    adapter: TypeAdapter[Any] = TypeAdapter(Action)
    seen = set()
    for block in BLOCKS[1:]:
        parsed = yaml.safe_load(block)
        if isinstance(parsed, dict):
            continue  # a `load:` example, checked below
        for step in parsed:
            seen.add(adapter.validate_python(step).action)
    assert seen == set(ACTION_KINDS)


def test_the_load_stages_example_loads(tmp_path: Path) -> None:
    """The `load:` example of "Load stages" replaces the full example's load and validates."""
    loads = [b for b in BLOCKS[1:] if isinstance(yaml.safe_load(b), dict)]
    assert len(loads) == 1 and "stages:" in loads[0]
    full = yaml.safe_load(BLOCKS[0])
    full["load"] = yaml.safe_load(loads[0])["load"]
    path = tmp_path / "my-experiment.yaml"
    path.write_text(yaml.safe_dump(full), encoding="utf-8")
    experiment = load_experiment(path)
    assert [s.shape for s in experiment.load.stages] == ["ramp", "step", "step"]


def test_every_field_and_invariant_is_documented() -> None:
    """Every top-level field and every invariant name is mentioned in the guide."""
    text = DOC.read_text(encoding="utf-8")
    for name in [*Experiment.model_fields, *INVARIANTS]:
        assert f"`{name}" in text, name
