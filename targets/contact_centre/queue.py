"""The contact centre's queue as a pure, exact discrete-event model: agents, a FIFO queue with
positions, a busy signal when it is full, callers' patience, and callbacks (hardened).

The centre's side of a call (the numbers are profile knobs, `targets.profiles`):
- `contact_agents` agents (4) each take one call at a time; never more calls are with an agent
  than there are agents. A call's handle time is exponential with mean `contact_handle_s`
  (2.0 s), drawn from the seeded generator passed in (the app passes the stream
  `contact-centre:agents`) at the moment an agent takes the call, so a rerun with the same
  seed and the same calls at the same times repeats every handle time.
- A caller who finds an agent free is answered at once. Otherwise the caller joins the FIFO
  queue at position `p` (1 = next), with an estimated wait of `p * contact_handle_s /
  contact_agents` (the mean time for `p` agents to come free while all are busy).
- Busy signal: when `contact_queue_max` (20) callers already wait, the next caller is not
  queued: the line is busy and the call ends there (the caller may try again: that is the
  load's side, as in the Interpark account where the seventh try got in at position 19).
- Patience: each caller says how long they will hold (`patience_s`); a queued caller still
  waiting when it runs out hangs up (abandoned), as does one who hangs up earlier (`hang_up`).
- Callbacks (`contact_callbacks`, hardened only): instead of queueing a caller whose estimated
  wait would exceed `contact_callback_after_wait_s` (10 s), or giving a busy signal, the centre
  offers a callback and the caller accepts. Callbacks wait in their own FIFO list (unbounded,
  no patience) and an agent calls back only when no caller waits on the line, so a callback
  never lengthens anyone's wait on hold. With the default numbers the estimate at position 20
  is exactly 10 s, so a callback is what a hardened centre offers instead of a busy signal.

Time: every operation takes `now_s` (epoch seconds, from the clock the app passes in) and
first advances the model to it, processing agents coming free and patience running out in
time order (an agent coming free at the same instant as a caller's patience ends answers that
caller first). Time is advanced lazily on each request: between requests nothing can be
observed, so the outcome is exactly what a background clock would give. A clock that steps
back is held at the latest time seen. This module does no I/O and reads no clock.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections import deque
from dataclasses import dataclass
from typing import Literal

CallOutcome = Literal["queued", "answered", "busy", "abandoned", "callback"]
Reason = Literal["outage", "reset", "breach", "other"]


@dataclass(frozen=True)
class CentreConfig:
    """The centre's knobs (from the profile)."""

    agents: int
    queue_max: int
    handle_s: float
    callbacks: bool
    callback_after_wait_s: float

    def __post_init__(self) -> None:
        if self.agents < 1:
            raise ValueError(f"contact_agents must be at least 1, not {self.agents}")
        if self.queue_max < 0:
            raise ValueError(f"contact_queue_max must be 0 or more, not {self.queue_max}")
        if not self.handle_s > 0:
            raise ValueError(f"contact_handle_s must be above 0, not {self.handle_s}")


@dataclass(frozen=True)
class Call:
    """One call as the centre records it. `outcome` is where it stands now: `queued` (on hold),
    `answered` (taken by an agent at once or from the queue), `busy`, `abandoned` or `callback`.
    `answered_at_s` is when an agent took it (for a callback: when the agent called back) and
    `ended_at_s` when the line closed (busy: at once; abandoned: at the hang-up; answered or
    callback: when the agent finished)."""

    call_id: str
    customer_id: str
    reason: Reason
    placed_at_s: float
    patience_s: float
    outcome: CallOutcome
    position_at_entry: int | None = None
    estimated_wait_s: float | None = None
    answered_at_s: float | None = None
    ended_at_s: float | None = None

    @property
    def gives_up_at_s(self) -> float:
        return self.placed_at_s + self.patience_s

    def wait_s(self, now_s: float) -> float | None:
        """Seconds on hold: until answered or abandoned, so far while still queued; None for a
        busy signal and a callback (neither held the line)."""
        if self.outcome in ("busy", "callback"):
            return None
        if self.outcome == "queued":
            return now_s - self.placed_at_s
        end_s = self.answered_at_s if self.outcome == "answered" else self.ended_at_s
        return None if end_s is None else end_s - self.placed_at_s


class ContactCentre:
    """Agents, the queue on hold and the callback list of one contact centre."""

    def __init__(self, config: CentreConfig, rng: random.Random) -> None:
        self.config = config
        self._rng = rng
        self._calls: dict[str, Call] = {}
        self._on_hold: deque[str] = deque()
        self._callbacks: deque[str] = deque()
        self._with_agents: list[tuple[float, int, str]] = []  # (ends_at_s, tie-break, call_id)
        self._taken = 0
        self._now_s = float("-inf")

    # -- the caller's operations ------------------------------------------------------------

    def place(self, now_s: float, customer_id: str, reason: Reason, patience_s: float) -> Call:
        """A customer calls: answered at once, queued, offered a callback, or busy."""
        now_s = self._advance(now_s)
        call = Call(
            call_id=f"CALL-{len(self._calls) + 1:06d}",
            customer_id=customer_id,
            reason=reason,
            placed_at_s=now_s,
            patience_s=patience_s,
            outcome="queued",
        )
        if len(self._with_agents) < self.config.agents:  # then nobody is waiting either
            self._calls[call.call_id] = call
            self._take(call.call_id, now_s)
            return self._calls[call.call_id]
        position = len(self._on_hold) + 1
        estimate_s = self.estimated_wait_s(position)
        full = len(self._on_hold) >= self.config.queue_max
        if self.config.callbacks and (full or estimate_s > self.config.callback_after_wait_s):
            call = dataclasses.replace(call, outcome="callback", estimated_wait_s=estimate_s)
            self._callbacks.append(call.call_id)
        elif full:
            call = dataclasses.replace(call, outcome="busy", ended_at_s=now_s)
        else:
            call = dataclasses.replace(
                call, position_at_entry=position, estimated_wait_s=estimate_s
            )
            self._on_hold.append(call.call_id)
        self._calls[call.call_id] = call
        return call

    def hang_up(self, now_s: float, call_id: str) -> Call | None:
        """The caller hangs up: abandoned if still on hold; any other call is left as it is."""
        self._advance(now_s)
        call = self._calls.get(call_id)
        if call is not None and call.outcome == "queued":
            self._on_hold.remove(call_id)
            call = self._set(call_id, outcome="abandoned", ended_at_s=self._now_s)
        return call

    def lookup(self, now_s: float, call_id: str) -> Call | None:
        """The call as it stands now (None: no such call)."""
        self._advance(now_s)
        return self._calls.get(call_id)

    def position(self, call_id: str) -> int | None:
        """1-based place on hold of a queued call (None when not on hold)."""
        return self._on_hold.index(call_id) + 1 if call_id in self._on_hold else None

    def calls(self, now_s: float) -> list[Call]:
        """Every call so far, in the order placed."""
        self._advance(now_s)
        return list(self._calls.values())

    def estimated_wait_s(self, position: int) -> float:
        """Mean wait of the caller at `position` while every agent is busy."""
        return position * self.config.handle_s / self.config.agents

    @property
    def now_s(self) -> float:
        return self._now_s

    @property
    def busy_agents(self) -> int:
        return len(self._with_agents)

    # -- the clock ----------------------------------------------------------------------------

    def _advance(self, now_s: float) -> float:
        """Process every event up to `now_s`, in time order; each step ends one call."""
        now_s = max(now_s, self._now_s)
        while True:
            free_s = self._with_agents[0][0] if self._with_agents else None
            quitter = min(self._on_hold, key=lambda c: self._calls[c].gives_up_at_s, default=None)
            quit_s = None if quitter is None else self._calls[quitter].gives_up_at_s
            if free_s is not None and free_s <= now_s and (quit_s is None or free_s <= quit_s):
                self._finish(free_s)
            elif quitter is not None and quit_s is not None and quit_s <= now_s:
                self._on_hold.remove(quitter)
                self._set(quitter, outcome="abandoned", ended_at_s=quit_s)
            else:
                break
        self._now_s = now_s
        return now_s

    def _finish(self, at_s: float) -> None:
        """The agent whose call ends first hangs up and takes the next caller or callback."""
        _, _, call_id = heapq.heappop(self._with_agents)
        self._set(call_id, ended_at_s=at_s)
        if self._on_hold:
            self._take(self._on_hold.popleft(), at_s)
        elif self._callbacks:
            self._take(self._callbacks.popleft(), at_s)

    def _take(self, call_id: str, at_s: float) -> None:
        handle_s = self._rng.expovariate(1.0 / self.config.handle_s)
        self._taken += 1
        heapq.heappush(self._with_agents, (at_s + handle_s, self._taken, call_id))
        outcome = "callback" if self._calls[call_id].outcome == "callback" else "answered"
        self._set(call_id, outcome=outcome, answered_at_s=at_s)

    def _set(self, call_id: str, **changes: object) -> Call:
        call = dataclasses.replace(self._calls[call_id], **changes)  # type: ignore[arg-type]
        self._calls[call_id] = call
        return call
