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
        for step in yaml.safe_load(block):
            seen.add(adapter.validate_python(step).action)
    assert seen == set(ACTION_KINDS)


def test_every_field_and_invariant_is_documented() -> None:
    """Every top-level field and every invariant name is mentioned in the guide."""
    text = DOC.read_text(encoding="utf-8")
    for name in [*Experiment.model_fields, *INVARIANTS]:
        assert f"`{name}" in text, name
