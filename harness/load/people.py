"""The people journeys: changing a password, reading the status page, calling the bank.

- `password_change` (mix journey): the customer changes its password (`POST /v1/auth/password`)
  to a strong one. When the bank forces a change at login (`password_change_required`), the
  customer first tries a weak password (6-11 characters; sample journey `weak_password`, whose
  status says whether the bank refused it) and, if refused, a strong one (`password_change`).
  Around each customer's first change, `replay.py` signs in a second device beforehand and
  replays its tokens (after a forced change, the revoked session's too): journey `old_token`.
- `status_check` (mix journey): `GET <status_url>/v1/status`; the sample's `incident_shown`
  says whether an open incident was on the page.
- `contact` (mix journey, reason `other`; or by the calling model of `calling.py`): `POST
  <contact_url>/v1/calls`, then `GET /v1/calls/{id}` every `POLL_S` until answered, a
  callback, or abandoned (the centre hangs up at the caller's patience; the caller hangs up,
  `DELETE`, if the centre has not done so `HANG_UP_GRACE_S` later). A busy signal (or no
  answer) is a failed call, redialled after 5-15 s, at most 3 times (`calling.py` has the
  numbers; `config.redial_after_s` and `config.call_patience_s` may narrow them). One
  `contact` sample per dial, with `call_outcome`, `queue_position` and `wait_s`. Calls run
  beside the customer's other journeys (in the run's poll group), so a long wait holds no
  customer of the pool.

Without `status_url` / `contact_url` (a bank without those services) these intents are skipped
and record nothing, and nobody calls. Importing this module imports locust: runner child only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import gevent

from harness.history.samples import LOAD_STOPPED
from harness.load import replay
from harness.load.calling import (
    MAX_REDIALS,
    CallWish,
    OpenIncident,
    decide_to_call,
    open_incidents,
)
from harness.load.crowd import seeded_password
from harness.load.customer import Customer
from harness.load.outcome import Answer
from harness.load.pacing import Intent
from harness.load.responses import read_answer

POLL_S = 0.5
HANG_UP_GRACE_S = 2.0
ENDED = frozenset({"answered", "callback", "abandoned", "completed"})


def _outside(customer: Customer, method: str, url: str, name: str, body: object = None) -> Answer:
    """A request to a people-facing service: no bank session goes with it."""
    response = customer.client.request(method, url, name=name, json=body, headers={})
    return read_answer(response)


def _now_intent(customer: Customer, journey: str) -> Intent:
    return Intent(0, customer.load_context.clock.now_s(), journey)


# -- passwords ------------------------------------------------------------------------------


def _set_password(customer: Customer, intent: Intent, new: str, strength: str) -> Answer:
    body = {"old_password": customer._password(), "new_password": new}
    answer = customer._send("POST", "/v1/auth/password", "/v1/auth/password", body)
    journey = "weak_password" if strength == "weak" else "password_change"
    sample = replace(customer._sample(intent, journey, answer), password_strength=strength)
    customer.load_context.sink.add(sample)
    if 200 <= answer.status < 300:
        customer.load_context.passwords[customer.number] = new
    return answer


def strong_password(customer: Customer) -> str:
    return f"{seeded_password(customer.number)}-r{customer.rng.randrange(10**6):06d}"


def weak_password(customer: Customer) -> str:
    """6-11 characters: `pw` and six digits (8), what a hurried customer types first."""
    return f"pw{customer.rng.randrange(10**6):06d}"


def forced_password_change(customer: Customer, intent: Intent) -> None:
    """The bank forces a change: a weak password first, a strong one if that is refused;
    then the customer replays its old tokens (once: `replay.py`) and wants to call the bank
    (the calling model decides)."""
    second = replay.open_second_device(customer, intent)
    revoked = customer.load_context.revoked.pop(customer.number, None)
    answer = _set_password(customer, intent, weak_password(customer), "weak")
    if not 200 <= answer.status < 300:
        answer = _set_password(customer, intent, strong_password(customer), "strong")
    if second is not None and 200 <= answer.status < 300:
        replay.replay_old_tokens(customer, intent, second, revoked)
    customer.load_context.calling.forced_reset(customer.customer)


def change_password(customer: Customer, intent: Intent) -> None:
    """Journey `password_change`: log in if needed (a forced change happens there), else
    change to a strong password by choice."""
    forced_before = customer.load_context.passwords.get(customer.number)
    refused = customer._session(intent)
    if refused is not None:
        customer._record_no_session(intent, refused)
        return
    if customer.load_context.passwords.get(customer.number) != forced_before:
        return  # the login just forced (and made) the change
    second = replay.open_second_device(customer, intent)
    answer = _set_password(customer, intent, strong_password(customer), "strong")
    if second is not None and 200 <= answer.status < 300:
        replay.replay_old_tokens(customer, intent, second)


# -- the status page ------------------------------------------------------------------------


def read_status_page(customer: Customer, intent: Intent) -> Mapping[str, object] | None:
    """Read the page; one `status_check` sample; the page's body (None if unreadable)."""
    url = f"{customer.load_context.config.status_url}/v1/status"
    answer = _outside(customer, "GET", url, "/v1/status")
    page = answer.body if 200 <= answer.status < 300 else None
    shown = bool(open_incidents(page)) if page is not None else None
    sample = replace(customer._sample(intent, "status_check", answer), incident_shown=shown)
    customer.load_context.sink.add(sample)
    return page


def check_status(customer: Customer, intent: Intent) -> None:
    """Journey `status_check`: the customer looks at the bank's status page."""
    if customer.load_context.config.status_url is not None:
        read_status_page(customer, intent)


# -- the contact centre ---------------------------------------------------------------------


def call_contact_centre(customer: Customer, intent: Intent) -> None:
    """Journey `contact`: the customer calls (reason `other`), beside its other journeys."""
    ctx = customer.load_context
    if ctx.config.contact_url is None or customer.customer in ctx.calling.on_the_phone:
        return
    ctx.calling.on_the_phone.add(customer.customer)
    ctx.polls.spawn(_calls, customer, intent, "other")


def after_journey(customer: Customer) -> None:
    """If the calling model says this customer wants to call, look at the page and call."""
    ctx = customer.load_context
    if ctx.config.contact_url is None:
        return
    wish = ctx.calling.take(customer.customer)
    if wish is not None:
        ctx.polls.spawn(_considered_call, customer, wish)


def _considered_call(customer: Customer, wish: CallWish) -> None:
    ctx = customer.load_context
    try:
        incidents: tuple[OpenIncident, ...] = ()
        if ctx.config.status_url is not None:
            page = read_status_page(customer, _now_intent(customer, "status_check"))
            incidents = open_incidents(page)
        if decide_to_call(wish, incidents, customer.rng):
            _dial(customer, _now_intent(customer, "contact"), wish.reason)
    finally:
        ctx.calling.hung_up(customer.customer)


def _calls(customer: Customer, intent: Intent, reason: str) -> None:
    try:
        _dial(customer, intent, reason)
    finally:
        customer.load_context.calling.hung_up(customer.customer)


def _dial(customer: Customer, intent: Intent, reason: str) -> None:
    """Dial, redialling after a busy signal (at most MAX_REDIALS times)."""
    config = customer.load_context.config
    patience_s = customer.rng.uniform(*config.call_patience_s)
    for attempt in range(MAX_REDIALS + 1):
        if attempt:
            gevent.sleep(customer.rng.uniform(*config.redial_after_s))
            intent = _now_intent(customer, "contact")
        if _one_call(customer, intent, reason, patience_s):
            return


def _one_call(customer: Customer, intent: Intent, reason: str, patience_s: float) -> bool:
    """One dial, one sample; True when the customer is done (it got through, or gave up
    waiting in the queue), False after a busy signal or no answer (it redials)."""
    ctx = customer.load_context
    url = f"{ctx.config.contact_url}/v1/calls"
    body = {"customer_id": customer.customer, "reason": reason, "patience_s": patience_s}
    placed = ctx.clock.now_s()
    stopped = replace(
        customer._sample(intent, "contact", Answer(0, error="timeout")), detail=LOAD_STOPPED
    )
    try:
        answer = _outside(customer, "POST", url, "/v1/calls", body)
        call = answer.body or {}
        outcome = call.get("outcome") if 200 <= answer.status < 300 else None
        position = call.get("position")
        position = position if isinstance(position, int) else None
        if outcome == "queued" and isinstance(call.get("call_id"), str):
            outcome = _wait_in_queue(customer, f"{url}/{call['call_id']}", placed, patience_s)
    except gevent.GreenletExit:
        ctx.sink.add(replace(stopped, outcome="unknown"))
        raise
    sample = customer._sample(intent, "contact", answer)
    got_through = outcome in ("answered", "callback", "completed")
    if outcome == "completed":
        outcome = "answered"
    sample = replace(
        sample,
        outcome="ok" if got_through else "failed",
        detail=sample.detail if outcome is None else f"{outcome} reason={reason}",
        call_outcome=outcome if isinstance(outcome, str) else None,
        queue_position=position,
        wait_s=ctx.clock.now_s() - placed if outcome in ENDED else None,
    )
    ctx.sink.add(sample)
    return got_through or outcome == "abandoned"


def _wait_in_queue(customer: Customer, call_url: str, placed: float, patience_s: float) -> str:
    """Poll the queued call until it ends; hang up when the centre has not, past patience."""
    clock = customer.load_context.clock
    while clock.now_s() - placed < patience_s + HANG_UP_GRACE_S:
        gevent.sleep(POLL_S)
        answer = _outside(customer, "GET", call_url, "/v1/calls/[id]")
        outcome = (answer.body or {}).get("outcome")
        if isinstance(outcome, str) and outcome in ENDED:
            return outcome
    _outside(customer, "DELETE", call_url, "/v1/calls/[id]")
    return "abandoned"
