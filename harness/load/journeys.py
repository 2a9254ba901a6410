"""Locust users that behave like customers of the mobile API, paced by the open-model dispatcher.

Each simulated customer (one Locust user) is one bank customer, chosen deterministically from
the seed. In a loop it takes the next intent from the `Dispatcher`, waits for its due time
and runs the journey: login (a fresh app session), balance, movements, transfer, bill_payment,
and the people journeys of `people.py` (password_change, status_check, contact; after each
journey the calling model of `calling.py` may make the customer call the bank).
Before the run's clock starts, each of the first customers opens the app (logs in), so the
baseline measures customers' requests and not a login storm of the harness's making; a
session is shared by every user that plays the same customer (the pool grows with demand).
It logs in when it has no session (waiting out a login's 429/503 Retry-After first), changes
its password when the bank forces a reset (a weak one first: `people.forced_password_change`),
and drops the session on a 401 (or a 403 `password_change_required`) so the next intent logs
in again. Writes carry a fresh
Idempotency-Key per intent and are retried once, with the same key, after a timeout, a cut
connection or a 504. A pending (ACSP) transfer is looked at again a few times (journey
`transfer_status`), so a status that later flips is on record.

Every request ends as one `Sample` in the sink, latency measured from the intent's due time.
FastHttpUser (geventhttpclient) is used because it reaches several times HttpUser's request
rate per core (bench/load.py measures both). Importing this module imports locust, which
monkey-patches the process with gevent: only the runner child may import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

import gevent
from locust import FastHttpUser, constant, task

from harness.history.samples import LOAD_STOPPED, Sample
from harness.load import people
from harness.load.crowd import (
    LoadContext,
    TokenPair,
    account_id,
    customer_id,
    seeded_password,
)
from harness.load.outcome import (
    Answer,
    attempt_label,
    classify,
    is_retryable,
    retry_after_s,
)
from harness.load.pacing import Intent
from harness.load.responses import read_answer, session_lost
from harness.seeds import stream

POLL_DELAYS_S = (0.5, 1.0, 2.0)
"""Pauses before each look at a pending transfer (so at +0.5 s, +1.5 s, +3.5 s)."""

TERMINAL_STATUSES = frozenset({"ACSC", "RJCT"})


class BankCustomer(FastHttpUser):
    """One bank customer using the mobile app; `customer_class` binds it to a run."""

    abstract = True
    wait_time = constant(0)
    load_context: LoadContext

    def on_start(self) -> None:
        self.index, self.number = self.load_context.enrol()
        self.customer = customer_id(self.number)
        self.account = account_id(self.number)
        self.balance_path = f"/v1/accounts/{self.account}/balance"
        self.movements_path = f"/v1/accounts/{self.account}/movements"
        self.rng = stream(self.load_context.config.seed, f"load:customer:{self.index}")
        self.login_not_before_s = 0.0
        if not self.load_context.started.is_set():
            self._warm_up()
        self.load_context.ready += 1

    @property
    def token(self) -> str | None:
        """This customer's session, shared by every user that plays the same customer."""
        return self.load_context.sessions.get(self.number)

    @token.setter
    def token(self, value: str | None) -> None:
        if value is None:
            self.load_context.sessions.pop(self.number, None)
            self.load_context.refresh_tokens.pop(self.number, None)
        else:
            self.load_context.sessions[self.number] = value

    def _warm_up(self) -> None:
        """Open the app before the run's clock starts: log in, waiting out a 429/503's
        Retry-After until a session is open or the warm-up ends (any other refusal ends it at
        once), so the first requests of the baseline are customers' requests, not a login
        storm the harness caused."""
        ctx = self.load_context
        while self.token is None and ctx.clock.now_s() < ctx.warm_up_until_s:
            due = Intent(0, ctx.clock.now_s(), "login")
            answer = self._login(due)
            if self.token is not None or answer.status not in (429, 503):
                return  # in, or refused for good: the schedule will show what customers get
            pause_s = retry_after_s(answer.retry_after)
            gevent.sleep(min(pause_s, max(0.0, ctx.warm_up_until_s - ctx.clock.now_s())))

    @task
    def serve_next_intent(self) -> None:
        """Take the next intent, wait until it is due, run its journey."""
        ctx = self.load_context
        ctx.started.wait()
        claim = ctx.dispatcher.claim(ctx.clock.now_s())
        if claim.unserved:
            ctx.record_unserved(claim.unserved)
        if claim.intent is None:
            ctx.schedule_over.wait(0.2)
            return
        ctx.busy += 1  # holding an intent: waiting for its due time, then running it
        try:
            wait_s = claim.intent.due_s - ctx.clock.now_s()
            if wait_s > 0:
                gevent.sleep(wait_s)
            JOURNEYS[claim.intent.journey](self, claim.intent)
            people.after_journey(self)
        finally:
            ctx.busy -= 1

    # -- plumbing -----------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, name: str, body: object = None, key: str | None = None
    ) -> Answer:
        headers = {"X-Device-Id": f"app-{self.customer}"}  # each customer's own phone
        sent = self.token
        if sent:
            headers["Authorization"] = f"Bearer {sent}"
        if key is not None:
            headers["Idempotency-Key"] = key
        held = TokenPair(sent, self.load_context.refresh_tokens.get(self.number)) if sent else None
        response = self.client.request(method, path, name=name, json=body, headers=headers)
        answer = read_answer(response)
        if "/auth/" not in path and session_lost(answer):
            if answer.status == 401 and held is not None:  # the bank ended it: kept aside
                self.load_context.revoked[self.number] = held  # for `replay.py`
            self.token = None
        return answer

    def _sample(
        self,
        intent: Intent,
        journey: str,
        answer: Answer,
        *,
        detail: str | None = None,
        transfer_id: str | None = None,
        idempotency_key: str | None = None,
        payment_status: str | None = None,
        amount: str | None = None,
    ) -> Sample:
        verdict = classify(journey, answer)
        clock = self.load_context.clock
        return Sample(
            offered_rate_per_s=intent.offered_rate_per_s,
            t_s=clock.epoch_s(intent.due_s),
            journey=journey,
            status=answer.status,
            latency_ms=(clock.now_s() - intent.due_s) * 1000.0,
            outcome=verdict.outcome,
            customer=self.customer,
            detail=verdict.detail if detail is None else detail,
            transfer_id=transfer_id,
            idempotency_key=idempotency_key,
            payment_status=payment_status,
            amount=amount,
        )

    def _password(self) -> str:
        return self.load_context.passwords.get(self.number, seeded_password(self.number))

    # -- sessions -----------------------------------------------------------------------------

    def _login(self, intent: Intent) -> Answer:
        body = {"customer_id": self.customer, "password": self._password()}
        answer = self._send("POST", "/v1/auth/login", "/v1/auth/login", body)
        self.load_context.sink.add(self._sample(intent, "login", answer))
        token = (answer.body or {}).get("access_token")
        refresh = (answer.body or {}).get("refresh_token")
        if 200 <= answer.status < 300 and isinstance(token, str):
            self.token = token
            if isinstance(refresh, str):
                self.load_context.refresh_tokens[self.number] = refresh
            if (answer.body or {}).get("password_change_required") is True:
                people.forced_password_change(self, intent)
        return answer

    def _session(self, intent: Intent) -> tuple[int, str] | None:
        """None when logged in, else (status, detail) of why this intent cannot run.

        After a 429/503 with Retry-After on login the app waits that long before trying
        again, as a well-behaved app does; intents in between fail without a request.
        """
        if self.token is not None:
            return None
        if self.load_context.clock.now_s() < self.login_not_before_s:
            return 0, "waiting_retry_after"
        answer = self._login(intent)
        if self.token is not None:
            return None
        if answer.status in (429, 503):
            pause_s = retry_after_s(answer.retry_after)
            self.login_not_before_s = self.load_context.clock.now_s() + pause_s
        return answer.status, classify("login", answer).detail

    def _record_no_session(self, intent: Intent, refused: tuple[int, str]) -> None:
        status, why = refused
        sample = self._sample(intent, intent.journey, Answer(status), detail=f"no_session {why}")
        self.load_context.sink.add(replace(sample, outcome="failed"))

    def open_session(self, intent: Intent) -> None:
        """Journey `login`: the customer opens the app afresh."""
        self.token = None
        refused = self._session(intent)
        if refused is not None and refused[1] == "waiting_retry_after":
            sample = self._sample(intent, "login", Answer(0), detail=refused[1])
            self.load_context.sink.add(replace(sample, outcome="failed"))

    # -- reads --------------------------------------------------------------------------------

    def _read(self, intent: Intent, path: str, name: str) -> None:
        refused = self._session(intent)
        if refused is not None:
            self._record_no_session(intent, refused)
            return
        answer = self._send("GET", path, name)
        self.load_context.sink.add(self._sample(intent, intent.journey, answer))

    def check_balance(self, intent: Intent) -> None:
        self._read(intent, self.balance_path, "/v1/accounts/[id]/balance")

    def list_movements(self, intent: Intent) -> None:
        self._read(intent, self.movements_path, "/v1/accounts/[id]/movements")

    # -- writes -------------------------------------------------------------------------------

    def _payee(self) -> int:
        other = self.rng.randrange(1, self.load_context.config.customers)
        return other if other < self.number else other + 1

    def _pay(self, intent: Intent, kind: str) -> None:
        refused = self._session(intent)
        if refused is not None:
            self._record_no_session(intent, refused)
            return
        cents = self.rng.randint(100, 2000)
        amount = f"{cents // 100}.{cents % 100:02d}"
        key = str(uuid.uuid4())
        body = {
            "from_account": self.account,
            "creditor_account": account_id(self._payee()),
            "amount": amount,
            "currency": "PEN",
            "kind": kind,
        }
        ctx = self.load_context
        pending = Answer(0, error="timeout")
        ctx.in_flight_writes[self.index] = self._sample(
            intent,
            intent.journey,
            pending,
            detail=LOAD_STOPPED,
            idempotency_key=key,
            amount=amount,
        )
        answer = self._send("POST", "/v1/transfers", "/v1/transfers", body, key)
        retried = ""
        if is_retryable(answer):
            retried = f"retried_after_{attempt_label(answer)}"
            answer = self._send("POST", "/v1/transfers", "/v1/transfers", body, key)
        answer_body = answer.body or {}
        transfer_id = answer_body.get("transfer_id")
        shown = answer_body.get("status")
        sample = self._sample(
            intent,
            intent.journey,
            answer,
            idempotency_key=key,
            amount=amount,
            transfer_id=transfer_id if isinstance(transfer_id, str) else None,
            payment_status=shown if isinstance(shown, str) else None,
        )
        if retried:
            sample = replace(sample, detail=f"{sample.detail} {retried}".strip())
        ctx.sink.add(sample)
        del ctx.in_flight_writes[self.index]
        if sample.transfer_id and sample.payment_status == "ACSP" and 200 <= answer.status < 300:
            ctx.polls.spawn(self._follow_transfer, sample)

    def send_transfer(self, intent: Intent) -> None:
        self._pay(intent, "transfer")

    def pay_bill(self, intent: Intent) -> None:
        self._pay(intent, "bill")

    def _follow_transfer(self, submitted: Sample) -> None:
        """Look at a pending transfer a few times, one `transfer_status` sample per look."""
        clock = self.load_context.clock
        for delay_s in POLL_DELAYS_S:
            look = Intent(0, clock.now_s() + delay_s, "transfer_status")
            gevent.sleep(delay_s)
            if self.token is None:
                return
            path = f"/v1/transfers/{submitted.transfer_id}"
            answer = self._send("GET", path, "/v1/transfers/[id]")
            shown = (answer.body or {}).get("status")
            sample = self._sample(
                look,
                "transfer_status",
                answer,
                transfer_id=submitted.transfer_id,
                idempotency_key=submitted.idempotency_key,
                amount=submitted.amount,
                payment_status=shown if isinstance(shown, str) else None,
            )
            self.load_context.sink.add(sample)
            if sample.payment_status in TERMINAL_STATUSES:
                return


JOURNEYS: Mapping[str, Callable[[BankCustomer, Intent], None]] = {
    "login": BankCustomer.open_session,
    "balance": BankCustomer.check_balance,
    "movements": BankCustomer.list_movements,
    "transfer": BankCustomer.send_transfer,
    "bill_payment": BankCustomer.pay_bill,
    "password_change": people.change_password,
    "contact": people.call_contact_centre,
    "status_check": people.check_status,
}
"""Mix journey name -> what the customer does; config.MIX_JOURNEYS lists the same names."""


def customer_class(context: LoadContext) -> type[BankCustomer]:
    """A concrete user class bound to one run's context and client timeout."""
    timeout_s = context.config.client_timeout_s
    return type(
        "Customer",
        (BankCustomer,),
        {
            "abstract": False,
            "load_context": context,
            "network_timeout": timeout_s,
            "connection_timeout": timeout_s,
        },
    )
