"""Unit and property tests for the status page's incident lifecycle (pure, the clock by hand)."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from targets.profiles import FRAGILE, HARDENED
from targets.status.board import BoardPolicy, IncidentBoard
from targets.status.detection import COMPONENTS, ComponentStatus, Detection, Health
from targets.status.incident import Incident

AUTO = BoardPolicy.from_profile(HARDENED)  # updates every 5 s, resolved after 5 s of health
TICK_S = HARDENED.status_probe_interval_s
HEALTHY: dict[str, ComponentStatus] = dict.fromkeys(COMPONENTS, "operational")


def health(at_s: float, **hit: ComponentStatus) -> Health:
    return Health(at_s, {**HEALTHY, **hit})


def run(board: IncidentBoard, start_s: float, seconds: float, **hit: ComponentStatus) -> float:
    """Tick the board every TICK_S for `seconds` with the same health; the time after."""
    now = start_s
    for _ in range(round(seconds / TICK_S)):
        board.step(health(now, **hit))
        now += TICK_S
    return now


def only(board: IncidentBoard) -> Incident:
    (incident,) = board.incidents()
    return incident


def test_an_unhealthy_component_opens_an_incident_with_an_estimate() -> None:
    board = IncidentBoard(AUTO)
    assert board.step(health(10.0)) == []
    burn = Detection(10.5, "burn_rate", "balances", "balances degraded over 5 s")
    (opened,) = board.step(health(10.5, balances="degraded"), [burn])
    assert opened.status == "investigating"
    assert opened.kind == "availability"
    assert opened.source == "burn_rate"
    assert opened.components == ("balances",)
    (first,) = opened.updates
    assert first.at_s == 10.5
    assert first.estimated_restoration_s is not None and first.estimated_restoration_s > 10.5


def test_the_probe_is_named_as_the_source_when_it_saw_it() -> None:
    board = IncidentBoard(AUTO)
    probe = Detection(3.0, "probe", "app", "3 probes failed")
    (opened,) = board.step(health(3.0, app="outage"), [probe])
    assert opened.source == "probe"


def test_updates_come_at_the_cadence_each_with_an_estimated_restoration() -> None:
    board = IncidentBoard(AUTO)
    run(board, 0.0, 60.0, transfers_interbank="outage")
    updates = only(board).updates
    assert len(updates) >= 60.0 / AUTO.update_interval_s
    gaps = [b.at_s - a.at_s for a, b in pairwise(updates)]
    assert max(gaps) <= AUTO.update_interval_s + TICK_S
    for update in updates:
        assert update.estimated_restoration_s is not None
        assert update.estimated_restoration_s > update.at_s
    assert [u.status for u in updates[:2]] == ["investigating", "identified"]


def test_a_newly_hit_component_is_announced_at_once() -> None:
    board = IncidentBoard(AUTO)
    board.step(health(0.0, login="outage"))
    (changed,) = board.step(health(0.5, login="outage", balances="degraded"))
    assert changed.components == ("login", "balances")
    assert len(changed.updates) == 2


def test_not_resolved_before_health_held_for_resolve_after_s() -> None:
    """Healthy 3 s, relapse, then healthy again: resolved only 5 s after the last relapse."""
    board = IncidentBoard(AUTO)
    now = run(board, 0.0, 10.0, login="outage")
    now = run(board, now, 3.0)
    assert only(board).status == "monitoring"
    relapse_s = now
    now = run(board, now, 1.0, login="degraded")
    assert only(board).status == "identified"
    healthy_from_s = now
    now = run(board, now, AUTO.resolve_after_s - TICK_S)
    assert only(board).is_open
    run(board, now, 2 * TICK_S)
    incident = only(board)
    assert incident.status == "resolved"
    assert incident.resolved_at_s is not None
    assert incident.resolved_at_s - healthy_from_s >= AUTO.resolve_after_s
    assert incident.resolved_at_s > relapse_s + AUTO.resolve_after_s


def test_no_verdict_is_no_recovery() -> None:
    """After a restart detection knows nothing yet: the open incident must not resolve."""
    board = IncidentBoard(AUTO)
    run(board, 0.0, 2.0, app="outage")
    restarted = IncidentBoard(AUTO, board.incidents())
    for i in range(40):
        restarted.step(Health(100.0 + i * TICK_S, {}))
    incident = only(restarted)
    assert incident.is_open
    assert incident.updates[-1].estimated_restoration_s is not None


def test_manual_detection_never_opens_an_incident_by_itself() -> None:
    board = IncidentBoard(BoardPolicy.from_profile(FRAGILE))
    run(board, 0.0, 60.0, app="outage", login="outage")
    assert board.incidents() == ()
    assert board.security_alert(61.0, "honeytoken", "read of a honeytoken account") is None
    posted = board.open_manual(7200.0, "App unavailable", "We are looking into it.", ["app"],
                               "availability")  # fmt: skip
    assert posted.source == "manual"
    run(board, 7201.0, 30.0)  # health is back: a human's incident stays until a human acts
    assert only(board).is_open
    resolved = board.resolve(9000.0, posted.incident_id, "Fixed.")
    assert resolved is not None and resolved.status == "resolved"
    assert board.resolve(9001.0, "INC-9999", "x") is None


def test_a_security_alert_opens_one_security_incident() -> None:
    board = IncidentBoard(AUTO)
    first = board.security_alert(5.0, "honeytoken", "honeytoken account read")
    again = board.security_alert(6.0, "access_anomaly", "one client read 40 customers")
    assert first is not None and again is not None
    assert first.incident_id == again.incident_id
    assert again.kind == "security" and again.source == "honeytoken"
    assert len(again.updates) == 2


STATES = st.sampled_from(["operational", "degraded", "outage"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(STATES, st.integers(min_value=1, max_value=30)), max_size=12))
def test_never_resolved_while_or_soon_after_unhealthy(phases: list[tuple[str, int]]) -> None:
    """Whatever the sequence of health: an open incident is updated at the cadence, and it is
    resolved only after `resolve_after_s` of health since the last unhealthy tick."""
    board = IncidentBoard(AUTO)
    now, last_unhealthy_s = 0.0, None
    for state, ticks in phases:
        for _ in range(ticks):
            hit = {} if state == "operational" else {"balances": state}
            before = {i.incident_id: i.status for i in board.incidents()}
            for changed in board.step(health(now, **hit)):  # type: ignore[arg-type]
                if changed.status == "resolved" and before.get(changed.incident_id) != "resolved":
                    assert last_unhealthy_s is not None
                    assert now - last_unhealthy_s > AUTO.resolve_after_s
            if hit:
                last_unhealthy_s = now
            for incident in board.incidents():
                if incident.is_open:
                    assert now - incident.last_update_s < AUTO.update_interval_s
            now += TICK_S
    for incident in board.incidents():
        gaps = [b.at_s - a.at_s for a, b in pairwise(incident.updates)]
        assert all(gap <= AUTO.update_interval_s + TICK_S for gap in gaps)


def test_estimate_grows_with_the_incident() -> None:
    board = IncidentBoard(dataclasses.replace(AUTO, update_interval_s=5.0))
    run(board, 0.0, 60.0, login="outage")
    updates = only(board).updates
    late = updates[-1]
    assert late.estimated_restoration_s is not None
    assert late.estimated_restoration_s - late.at_s >= late.at_s - 0.0 - TICK_S
