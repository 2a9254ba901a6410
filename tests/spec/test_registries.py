"""One source per registry: the spec, the registries and docs/experiments.md agree.

The spec takes invariant names from the checker registry; the fault registry builds every
action kind the spec parses (and no other); every check kind of the analysis is documented
with its id form.
"""

from __future__ import annotations

from pathlib import Path

from harness.analysis.kinds import CHECK_KINDS
from harness.faults import FAULTS
from harness.invariants import INVARIANTS as CHECKERS
from harness.spec import ACTION_KINDS, INVARIANTS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "experiments.md").read_text(encoding="utf-8")


def test_spec_invariants_are_the_checker_registry() -> None:
    assert tuple(CHECKERS) == INVARIANTS


def test_every_action_kind_has_a_fault_and_every_fault_an_action_kind() -> None:
    assert set(FAULTS) == set(ACTION_KINDS)


def test_docs_name_every_action_kind_invariant_and_check_kind() -> None:
    missing = [
        name
        for name in (*ACTION_KINDS, *CHECKERS)
        if f"`{name}`" not in DOC and f"`{name}:" not in DOC
    ]
    missing += [kind for kind in CHECK_KINDS if f"`{kind}:" not in DOC]
    assert not missing, f"docs/experiments.md does not document: {missing}"
