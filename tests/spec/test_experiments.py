"""The shipped experiment files load, and each proves what its fragile profile must reveal."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.spec import load_experiment, validate_files
from targets.profiles import load_profile

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"
FILES = sorted(EXPERIMENTS.glob("*.yaml"))

WANTED = {
    "interbank-core-crash": "slo:balance:fault:availability",
    "bancolombia-migration": "invariant:acknowledged_durable",
    "payments-retry-storm": "invariant:exactly_once",
    "intesa-silent-outage": "comms:status:first_update",
    "interbank-breach-reset": "invariant:weak_password_refused",
    "interpark-breach": "detect:security:time",
}


def test_all_experiment_files_validate() -> None:
    """Every file in experiments/ validates with no problem."""
    assert FILES
    assert [str(p) for p in validate_files(FILES)] == []


@pytest.mark.parametrize("name", sorted(WANTED))
def test_hardened_passes_and_fragile_fails_for_the_right_reason(name: str) -> None:
    """Hardened is expected to pass and fragile to fail with the check the incident is about."""
    experiment = load_experiment(EXPERIMENTS / f"{name}.yaml")
    assert experiment.profiles["hardened"].verdict == "pass"
    assert experiment.profiles["fragile"].verdict == "fail"
    assert WANTED[name] in experiment.profiles["fragile"].because
    assert experiment.incident.sources


def test_profile_overrides_apply_to_the_profile(tmp_path: Path, valid_yaml: str) -> None:
    """A profile's `set:` overrides come out as knob text that load_profile accepts."""
    path = tmp_path / "sample.yaml"
    text = valid_yaml.replace("{retry_attempts: 1}", "{retry_attempts: 1, fencing: false}")
    path.write_text(text, encoding="utf-8")
    settings = load_experiment(path).profiles["fragile"].knob_settings()
    assert settings == {"retry_attempts": "1", "fencing": "false"}
    profile = load_profile("fragile", settings)
    assert (profile.retry_attempts, profile.fencing) == (1, False)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_quick_runs_take_about_half_a_minute(path: Path) -> None:
    """At --time-scale 0.1 each run lasts 20-35 s and its faults fall in the fault phase."""
    schedule = load_experiment(path).schedule(0.1)
    assert 20 <= schedule.total_s <= 35
    fault = schedule.phase("fault")
    assert any(fault.start_s <= step.offset_s < fault.end_s for step in schedule.actions)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_recovery_fits_in_a_quick_run(path: Path) -> None:
    """At --time-scale 0.1 the recovery phase is long enough to see each journey recover."""
    experiment = load_experiment(path)
    assert experiment.recovery is not None
    needed_s = experiment.recovery.max_time_to_recover_s + experiment.recovery.window_s
    assert experiment.schedule(0.1).phase("recovery").length_s > needed_s
