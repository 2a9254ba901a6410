"""Integration tests: the real runner child with stages and the people journeys, on the stub."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from pathlib import Path

import httpx
import pytest

from harness.history.samples import Sample, read_samples
from harness.load.config import LoadConfig
from harness.load.files import read_plan
from harness.load.plan import Stage

from .conftest import free_port
from .test_runner import running, stub_config

pytestmark = pytest.mark.integration


def run_to_end(config: LoadConfig, out: Path) -> tuple[float, list[Sample]]:
    with running(config, out) as proc:
        t0 = proc.await_ready()
        assert proc.wait(timeout_s=40) == 0, proc.failure()
    return t0, list(read_samples(out))


def test_a_surge_stage_is_offered_at_its_rate(mobile_stub: str, tmp_path: Path) -> None:
    """20/s for 1 s, then a step to 80/s with another mix for 1 s: 20 then 80 intents are
    due, each recorded with the rate offered when it fell due; the plan is on file."""
    surge = Stage(start_s=1.0, rate_per_s=80.0, mix=(("movements", 1.0),))
    config = stub_config(
        mobile_stub, duration_s=2.0, rate_per_s=20.0, mix=(("balance", 1.0),), stages=(surge,)
    )
    out = tmp_path / "load.jsonl"
    t0, samples = run_to_end(config, out)
    due = [s for s in samples if s.journey in ("balance", "movements")]
    before = [s for s in due if s.t_s - t0 < 1.0]
    during = [s for s in due if s.t_s - t0 >= 1.0]
    assert (len(before), len(during)) == (20, 80)
    assert {s.journey for s in before} == {"balance"} and {s.journey for s in during} == {
        "movements"
    }
    assert {s.offered_rate_per_s for s in before} == {20.0}
    assert {s.offered_rate_per_s for s in during} == {80.0}
    plan = read_plan(out)
    assert plan is not None and plan.rate_at(0.5) == 20.0 and plan.rate_at(1.5) == 80.0


def test_a_forced_change_tries_a_weak_password_then_a_strong_one(
    mobile_stub: str, tmp_path: Path
) -> None:
    """Even customers must change their password at first login: each tries a weak one
    (8 characters), is refused (400), then sets a strong one and logs in with it later."""
    config = stub_config(mobile_stub, users=6, customers=6, rate_per_s=20, duration_s=1.5,
                         mix=(("login", 1.0), ("password_change", 1.0)))  # fmt: skip
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    by_customer: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        if s.journey in ("weak_password", "password_change"):
            by_customer[s.customer].append(s)
    forced = {c for c in by_customer if int(c[-4:]) % 2 == 0}
    assert forced
    for customer in forced:
        weak, strong = by_customer[customer][:2]
        assert (weak.journey, weak.status, weak.password_strength) == ("weak_password", 400, "weak")
        assert weak.outcome == "failed" and "password_too_short" in weak.detail
        assert (strong.journey, strong.status, strong.password_strength) == (
            "password_change", 204, "strong")  # fmt: skip
    assert all(s.password_strength == "strong" for s in samples if s.journey == "password_change")
    logins = [s for s in samples if s.journey == "login"]
    assert logins and all(s.outcome == "ok" for s in logins)  # the strong password works


def test_a_bank_that_takes_a_weak_password_is_on_record(mobile_stub: str, tmp_path: Path) -> None:
    """A bank taking 6 characters: the weak try is accepted (204) and no strong one follows."""
    httpx.post(f"{mobile_stub}/stub/password-min", json={"length": 6})
    config = stub_config(mobile_stub, users=4, customers=4, rate_per_s=10, duration_s=1.0,
                         mix=(("login", 1.0),))  # fmt: skip
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    weak = [s for s in samples if s.journey == "weak_password"]
    assert weak and all(s.status == 204 and s.outcome == "ok" for s in weak)
    forced = {s.customer for s in weak}
    assert not [s for s in samples if s.journey == "password_change" and s.customer in forced]
    assert all(s.outcome == "ok" for s in samples if s.journey == "login")


def test_callers_redial_after_busy_and_hang_up_past_their_patience(
    mobile_stub: str, tmp_path: Path
) -> None:
    """Eight customers call once each (8/s for 1 s, then a trickle that brings no more due
    calls before the run ends at 6 s, so every call ends within the run). By the stub's
    script: busy twice then answered (three dials); always busy (one dial and three redials,
    then it gives up); queued at 19 then answered; queued and never answered (it hangs up
    after its patience, DELETE)."""
    config = stub_config(
        mobile_stub, users=8, customers=8, rate_per_s=8, duration_s=6.0, client_timeout_s=2.0,
        mix=(("contact", 1.0),), contact_url=f"{mobile_stub}/stub-contact",
        stages=(Stage(1.0, 1e-6),), call_patience_s=(0.5, 1.0), redial_after_s=(0.1, 0.3),
    )  # fmt: skip
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    calls: dict[str, list[Sample]] = defaultdict(list)
    for s in sorted((s for s in samples if s.journey == "contact"), key=lambda s: s.t_s):
        calls[s.customer].append(s)
    assert len(calls) == 8
    log = httpx.get(f"{mobile_stub}/stub/calls").json()
    for customer, dials in calls.items():
        outcomes = [d.call_outcome for d in dials]
        script = int(customer[-4:]) % 4
        assert log["dials"][customer] == len(dials)
        if script == 1:
            assert outcomes == ["busy", "busy", "answered"]
            assert [d.outcome for d in dials] == ["failed", "failed", "ok"]
            assert all(b.t_s - a.t_s >= 0.1 for a, b in itertools.pairwise(dials))
        elif script == 2:
            assert outcomes == ["busy"] * 4 and all(d.outcome == "failed" for d in dials)
        elif script == 3:
            assert outcomes == ["answered"] and dials[0].queue_position == 19
            assert dials[0].wait_s is not None and dials[0].wait_s >= 1.0  # two looks 0.5 s apart
        else:
            (call,) = dials
            assert (call.call_outcome, call.outcome) == ("abandoned", "failed")
            assert call.queue_position == 5
            assert call.wait_s is not None and 2.5 <= call.wait_s <= 5.0  # patience + 2 s grace
            assert f"{customer}-1" in log["hang_ups"]
    assert Counter(int(c[-4:]) % 4 for c in calls) == {0: 2, 1: 2, 2: 2, 3: 2}


def test_a_status_check_says_whether_an_incident_was_shown(
    mobile_stub: str, tmp_path: Path
) -> None:
    """The page shows an open incident from the moment the stub opens one."""
    status_url = f"{mobile_stub}/stub-status"
    config = stub_config(mobile_stub, users=2, rate_per_s=10, duration_s=1.0,
                         mix=(("status_check", 1.0),), status_url=status_url)  # fmt: skip
    _, quiet = run_to_end(config, tmp_path / "quiet.jsonl")
    httpx.post(f"{mobile_stub}/stub/incident", json={"open": True})
    _, told = run_to_end(config, tmp_path / "told.jsonl")
    for samples, shown in ((quiet, False), (told, True)):
        checks = [s for s in samples if s.journey == "status_check"]
        assert len(checks) == 10 and all(s.outcome == "ok" for s in checks)
        assert {s.incident_shown for s in checks} == {shown}


def test_without_people_urls_their_intents_are_skipped(mobile_stub: str, tmp_path: Path) -> None:
    """A bank without a status page or contact centre: those intents record nothing."""
    mix = (("status_check", 1.0), ("contact", 1.0), ("balance", 1.0))
    config = stub_config(mobile_stub, users=2, rate_per_s=10, duration_s=1.0, mix=mix)
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    journeys = {s.journey for s in samples}
    assert "balance" in journeys and not journeys & {"status_check", "contact"}


def test_customers_failed_three_times_read_the_page_then_call(
    mobile_stub: str, tmp_path: Path
) -> None:
    """The app is unreachable (nothing listens at the edge) while the status page and the
    contact centre answer: each customer's third failure in a row (its logins count too)
    sends it to the page (no incident shown) and then to the phone with reason `outage`."""
    config = stub_config(
        f"http://127.0.0.1:{free_port()}", users=4, customers=4, rate_per_s=16, duration_s=4.0,
        mix=(("balance", 1.0),), stages=(Stage(1.0, 1e-6),),
        status_url=f"{mobile_stub}/stub-status", contact_url=f"{mobile_stub}/stub-contact",
        call_patience_s=(0.2, 0.3), redial_after_s=(0.05, 0.1),
    )  # fmt: skip
    _, samples = run_to_end(config, tmp_path / "load.jsonl")
    for customer in {s.customer for s in samples if s.journey == "balance"}:
        mine = sorted((s for s in samples if s.customer == customer), key=lambda s: s.t_s)
        first_call = next(i for i, s in enumerate(mine) if s.journey == "contact")
        looked = [s for s in mine[:first_call] if s.journey == "status_check"]
        bank = [s for s in mine[:first_call] if s.journey in ("login", "balance")]
        failed = [s for s in bank if s.outcome == "failed"]
        assert len(looked) == 1 and looked[0].incident_shown is False
        assert len(failed) == len(bank) >= 3  # logins and balances: a run of failures
        assert "reason=outage" in mine[first_call].detail
