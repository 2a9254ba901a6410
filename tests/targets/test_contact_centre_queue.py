"""The contact centre's pure queue model: positions, busy signal, patience, callbacks, agents."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from targets.contact_centre.queue import Call, CentreConfig, ContactCentre


def centre(
    agents: int = 1,
    queue_max: int = 20,
    *,
    handle_s: float = 2.0,
    callbacks: bool = False,
    callback_after_wait_s: float = 10.0,
    seed: int = 7,
) -> ContactCentre:
    config = CentreConfig(agents, queue_max, handle_s, callbacks, callback_after_wait_s)
    return ContactCentre(config, random.Random(seed))


def test_queued_callers_get_positions_that_move_up() -> None:
    """With every agent busy, callers queue FIFO at 1, 2, 3...; one hanging up moves the rest."""
    c = centre(agents=2)
    first = [c.place(0.0, f"CUST-{i}", "outage", 60.0) for i in range(2)]
    assert [call.outcome for call in first] == ["answered", "answered"]
    queued = [c.place(0.0, f"CUST-{i}", "outage", 60.0) for i in range(2, 6)]
    assert [call.outcome for call in queued] == ["queued"] * 4
    assert [call.position_at_entry for call in queued] == [1, 2, 3, 4]
    assert [call.estimated_wait_s for call in queued] == [1.0, 2.0, 3.0, 4.0]  # p * 2.0 / 2
    c.hang_up(0.0, queued[1].call_id)
    assert [c.position(call.call_id) for call in queued] == [1, None, 2, 3]


def test_busy_signal_when_the_queue_is_full() -> None:
    """`queue_max` callers on hold: the next one hears busy and the call ends at once."""
    c = centre(agents=1, queue_max=3)
    calls = [c.place(0.0, f"CUST-{i}", "breach", 60.0) for i in range(6)]
    assert [call.outcome for call in calls] == ["answered", "queued", "queued", "queued"] + [
        "busy"
    ] * 2
    busy = calls[-1]
    assert (busy.position_at_entry, busy.ended_at_s, busy.wait_s(5.0)) == (None, 0.0, None)


def test_a_caller_whose_patience_runs_out_abandons() -> None:
    """A queued caller still on hold when `patience_s` runs out hangs up at exactly that time."""
    c = centre(agents=1, handle_s=1e6, seed=3)
    agent_call = c.place(0.0, "CUST-1", "outage", 60.0)
    ends_s = c.calls(0.0)[0]
    assert agent_call.outcome == "answered" and ends_s.ended_at_s is None
    waiting = c.place(1.0, "CUST-2", "outage", 5.0)
    assert c.lookup(5.999, waiting.call_id).outcome == "queued"  # type: ignore[union-attr]
    gone = c.lookup(6.5, waiting.call_id)
    assert gone is not None and gone.outcome == "abandoned"
    assert (gone.ended_at_s, gone.wait_s(100.0)) == (6.0, 5.0)
    assert c.lookup(6.5, agent_call.call_id).outcome == "answered"  # type: ignore[union-attr]


def test_callbacks_only_when_enabled() -> None:
    """Hardened offers a callback past the wait bar and instead of busy; fragile never does."""
    outcomes = {}
    for callbacks in (True, False):
        c = centre(agents=1, queue_max=2, handle_s=10.0, callbacks=callbacks)
        # position 1 waits about 10 s (not above the bar), position 2 about 20 s, then full
        outcomes[callbacks] = [c.place(0.0, f"C-{i}", "reset", 60.0).outcome for i in range(4)]
    assert outcomes[True] == ["answered", "queued", "callback", "callback"]
    assert outcomes[False] == ["answered", "queued", "queued", "busy"]


def test_callbacks_are_served_after_the_callers_on_hold() -> None:
    """An agent calls back only when nobody waits on the line."""
    c = centre(agents=1, queue_max=1, handle_s=10.0, callbacks=True)
    c.place(0.0, "C-1", "outage", 1e6)
    c.place(0.0, "C-2", "outage", 1e6)
    callback = c.place(0.0, "C-3", "outage", 1e6)
    assert callback.outcome == "callback"
    later = c.place(0.1, "C-4", "outage", 1e6)  # joins the line after C-2 left it
    assert later.outcome in ("queued", "callback")
    calls = {call.customer_id: call for call in c.calls(1e7)}
    assert calls["C-3"].answered_at_s is not None
    on_hold = [calls["C-2"]] + ([calls["C-4"]] if later.outcome == "queued" else [])
    assert all(
        call.answered_at_s is not None and call.answered_at_s <= calls["C-3"].answered_at_s
        for call in on_hold
    )
    assert calls["C-3"].outcome == "callback" and calls["C-3"].wait_s(1e7) is None


def test_bad_knobs_are_refused() -> None:
    with pytest.raises(ValueError, match="contact_agents"):
        centre(agents=0)
    with pytest.raises(ValueError, match="contact_handle_s"):
        centre(handle_s=0.0)


@dataclass(frozen=True)
class Step:
    """One thing that happens: a call placed (patience) or one hung up (which), `gap_s` later."""

    gap_s: float
    patience_s: float
    hang_up: int | None


steps = st.lists(
    st.builds(
        Step,
        gap_s=st.floats(0.0, 3.0),
        patience_s=st.floats(0.01, 30.0),
        hang_up=st.none() | st.integers(0, 200),
    ),
    max_size=120,
)


def replay(c: ContactCentre, plan: list[Step], check_each: bool = False) -> list[Call]:
    now_s = 0.0
    for i, step in enumerate(plan):
        now_s += step.gap_s
        if step.hang_up is not None and c.calls(now_s):
            c.hang_up(now_s, c.calls(now_s)[step.hang_up % len(c.calls(now_s))].call_id)
        else:
            c.place(now_s, f"CUST-{i}", "other", step.patience_s)
        if check_each:
            assert c.busy_agents <= c.config.agents
    return c.calls(now_s + 1e6)


@settings(max_examples=60, deadline=None)
@given(plan=steps, agents=st.integers(1, 5), queue_max=st.integers(0, 6), cb=st.booleans())
def test_agents_never_exceed_their_number_and_the_line_is_fifo(
    plan: list[Step], agents: int, queue_max: int, cb: bool
) -> None:
    """At no instant are more calls with agents than there are agents; the line is FIFO;
    nobody waits past their patience; the queue never holds more than `queue_max`."""
    calls = replay(
        centre(agents, queue_max, handle_s=1.5, callbacks=cb, callback_after_wait_s=3.0),
        plan,
        check_each=True,
    )
    talks = [(c.answered_at_s, c.ended_at_s) for c in calls if c.answered_at_s is not None]
    for start_s, _ in talks:
        overlapping = sum(1 for s, e in talks if s <= start_s and (e is None or start_s < e))
        assert overlapping <= agents
    held = [c for c in calls if c.position_at_entry is not None]
    assert all(c.position_at_entry <= queue_max for c in held)  # type: ignore[operator]
    for c in held:
        wait_s = c.wait_s(0.0)
        assert wait_s is not None and wait_s <= c.patience_s + 1e-9
    answered = [c for c in held if c.outcome == "answered"]
    assert [c.answered_at_s for c in answered] == sorted(c.answered_at_s or 0 for c in answered)
    assert not any(c.outcome == "callback" for c in calls) or cb


@settings(max_examples=30, deadline=None)
@given(plan=steps)
def test_lazy_advance_is_exact(plan: list[Step]) -> None:
    """Advancing in one jump gives the same calls as looking at the centre every 0.1 s."""
    jumped = replay(centre(2, 3, handle_s=1.0, callbacks=True, callback_after_wait_s=2.0), plan)
    stepped_centre = centre(2, 3, handle_s=1.0, callbacks=True, callback_after_wait_s=2.0)
    now_s = 0.0
    for i, step in enumerate(plan):
        for k in range(int(step.gap_s / 0.1)):
            stepped_centre.calls(now_s + k * 0.1)
        now_s += step.gap_s
        if step.hang_up is not None and stepped_centre.calls(now_s):
            listed = stepped_centre.calls(now_s)
            stepped_centre.hang_up(now_s, listed[step.hang_up % len(listed)].call_id)
        else:
            stepped_centre.place(now_s, f"CUST-{i}", "other", step.patience_s)
    assert stepped_centre.calls(now_s + 1e6) == jumped


def test_seeded_handle_times_repeat() -> None:
    """The same seed and calls repeat every handle time; another seed does not."""
    plan = [Step(0.3, 5.0, None)] * 40

    def handle_times(seed: int) -> list[float]:
        calls = replay(centre(agents=3, seed=seed), plan)
        return [
            c.ended_at_s - c.answered_at_s
            for c in calls
            if c.ended_at_s is not None and c.answered_at_s is not None
        ]

    assert handle_times(11) == handle_times(11)
    assert len(handle_times(11)) >= 10
    assert handle_times(11) != handle_times(12)
