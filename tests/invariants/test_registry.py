"""The invariant table: names, unknown names, and crashing checkers."""

from collections.abc import Sequence
from pathlib import Path

import pytest

from harness import invariants
from harness.errors import ConfigError
from harness.history.bankstate import BankState
from harness.history.samples import Sample
from harness.invariants import INVARIANTS, InvariantResult, checker_named, run_invariants
from tests.invariants.bank import Story, transfer_sample


def test_each_invariant_is_registered_under_its_module_name() -> None:
    """Every checker is the `check` of the module of the same name, and every module is in."""
    folder = Path(invariants.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "result", "customer_view"}
    assert set(INVARIANTS) == modules
    for name, checker in INVARIANTS.items():
        assert checker.__module__ == f"harness.invariants.{name}", name


def test_unknown_name_lists_valid_ones() -> None:
    """An unknown invariant name is a ConfigError naming the valid ones."""
    with pytest.raises(
        ConfigError,
        match="'money_kept' is unknown; valid invariants: acknowledged_durable, exactly_once",
    ):
        checker_named("money_kept")
    with pytest.raises(ConfigError):
        run_invariants(["money_conserved", "nope"], Story().state(), [])


def test_crashing_checker_gives_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checker that raises becomes unknown with the exception; the others still run."""

    def broken(state: BankState, samples: Sequence[Sample]) -> InvariantResult:
        raise KeyError("ACC-0009")

    monkeypatch.setitem(INVARIANTS, "money_conserved", broken)
    story = Story()
    story.transfer("T1", 1, 2, 100)
    results = run_invariants(
        ["money_conserved", "acknowledged_durable"], story.state(), [transfer_sample("T1", 1.0)]
    )
    assert results[0].status == "unknown"
    assert "crashed: KeyError" in results[0].summary
    assert results[1].status == "ok"
