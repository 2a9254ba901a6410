"""Generated bad files: mutated variants of a valid experiment load or give problems, never crash.

Each variant is written to disk and read through the loader, as a user's file would be. The
Hypothesis deadline bounds each example, so a mutation that made the loader slow would fail.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.spec import ExperimentFileError, check_file, load_experiment
from tests.spec.conftest import VALID_YAML

FUZZ = settings(
    max_examples=100,
    deadline=1000,  # ms per example; the loader normally takes a few ms
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.just([]),
    st.just({}),
    st.lists(st.text(max_size=5), max_size=3),
    st.sampled_from(["20s", "fault+5s", "0s", "-1s", "balance", "dc-b", "1e309", "~", "null"]),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _mutate(data: Any, draw: st.DataObject) -> Any:
    mutated = copy.deepcopy(data)
    path = draw.draw(st.sampled_from(_paths(mutated)[1:]))
    parent, last = _parent(mutated, path), path[-1]
    kind = draw.draw(st.sampled_from(["drop", "retype", "unknown_key", "rename"]))
    if kind == "drop":
        del parent[last]
    elif kind == "retype":
        parent[last] = draw.draw(ODD_VALUES)
    elif kind == "unknown_key" and isinstance(parent[last], dict):
        parent[last][draw.draw(st.text(min_size=1, max_size=12))] = draw.draw(ODD_VALUES)
    elif kind == "rename" and isinstance(parent, dict):
        parent[draw.draw(st.text(min_size=1, max_size=12))] = parent.pop(last)
    return mutated


def _check(path: Path) -> None:
    experiment, problems = check_file(path)
    assert (experiment is None) == bool(problems)
    assert all(p.reason and "\n" not in p.reason for p in problems)
    try:
        load_experiment(path)
    except ExperimentFileError as exc:
        assert exc.problems == problems


@FUZZ
@given(st.data())
def test_structural_mutations_load_or_report(tmp_path: Path, data: st.DataObject) -> None:
    """Dropped keys, wrong types, unknown and renamed keys give problems, never another error."""
    valid = yaml.safe_load(VALID_YAML)
    mutations = data.draw(st.integers(1, 3))
    for _ in range(mutations):
        valid = _mutate(valid, data) if _paths(valid)[1:] else valid
    path = tmp_path / "sample.yaml"
    path.write_text(yaml.safe_dump(valid, allow_unicode=True), encoding="utf-8")
    _check(path)


@FUZZ
@given(st.integers(0, len(VALID_YAML)), st.integers(0, 40), st.text(max_size=20))
def test_text_mutations_load_or_report(tmp_path: Path, at: int, cut: int, insert: str) -> None:
    """Random text cut out of or pasted into the file gives problems, never another error."""
    text = VALID_YAML[:at] + insert + VALID_YAML[at + cut :]
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _check(path)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_load_or_report(tmp_path: Path, blob: bytes) -> None:
    """Arbitrary bytes give problems, never another error."""
    path = tmp_path / "sample.yaml"
    path.write_bytes(blob)
    _check(path)
