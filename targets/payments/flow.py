"""One payment from hold to settlement: hold -> pacs.008 -> capture | release.

RCVD: place a hold on the debtor's account (AM04 from the core rejects the payment; a core
that cannot be reached refuses it: `PaymentRefusedError`, the API answers 503). ACSP: send
the pacs.008. If the scheme's answer is lost (timeout, reset, cut), `clearing_timeout_action`
decides: `inquire` asks with pacs.028 until the scheme's real outcome is known, never
resubmitting; `resubmit` (fragile) sends the transfer again under a NEW msg_id, which the scheme
settles again: a duplicate. ACSC: capture the hold to the settlement account. RJCT: release it.
A scheme that answers "unknown" (AG09) after the deadline plus grace has rejected it: AB05, the
hold is released. A scheme that does not answer at all is NOT taken as a reject: the payment
stays ACSP (in process, never shown as rejected) and inquiries go on, for up to
`silent_scheme_limit_s` past the deadline (within the hold's life); turning silence into a
reject is how a payment ends "rejected, then effective". Every step is resumable from the
stored state, so a restart finishes the job.
This module must not speak HTTP to customers; `app` does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import structlog

from targets.payments.dependency import DependencyUnavailableError, OutcomeUnknownError
from targets.payments.interbank import CreditTransfer, Interbank, SchemeProtocolError, SchemeStatus
from targets.payments.ledger import HoldRequest, Ledger, LedgerRefusalError
from targets.payments.lifecycle import REASON_CODES
from targets.payments.store import Payment, PaymentStore
from targets.profiles import Profile
from targets.service import DEADLINE

log = structlog.get_logger()

NOT_REACHED = (DependencyUnavailableError, OutcomeUnknownError, SchemeProtocolError)


class PaymentRefusedError(Exception):
    """Refused before anything happened (fail fast): the client may retry after a while."""

    def __init__(self, detail: str, retry_after_s: float) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class FlowTiming:
    """Pacing of the settlement loops (seconds).

    A silent scheme or an unreachable core must outlast every outage an operator can fix
    (15 minutes each here, longer than any experiment's fault at full length): giving up
    earlier releases the money of a payment the scheme may have settled. The hold outlives
    both, so a late capture still finds it."""

    inquiry_first_s: float = 0.1
    inquiry_cap_s: float = 0.5
    scheme_grace_s: float = 2.0
    silent_scheme_limit_s: float = 900.0
    posting_window_s: float = 900.0

    @property
    def hold_margin_s(self) -> float:
        """How long past the scheme deadline the debtor's hold lives."""
        return self.silent_scheme_limit_s + self.posting_window_s + 60.0


@contextlib.contextmanager
def detached_from_request() -> Iterator[None]:
    """Drop the customer request's deadline: settlement steps have their own bounds."""
    token = DEADLINE.set(None)
    try:
        yield
    finally:
        DEADLINE.reset(token)


class PaymentFlow:
    """Drives payments through the lifecycle against the ledger and the scheme."""

    def __init__(
        self,
        store: PaymentStore,
        ledger: Ledger,
        interbank: Interbank,
        profile: Profile,
        *,
        clock: Callable[[], float],
        timing: FlowTiming = FlowTiming(),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.interbank = interbank
        self.profile = profile
        self.timing = timing
        self._clock = clock
        self._sleep = sleep

    async def run(self, payment_id: str) -> Payment:
        """Take the payment as far as it can go; returns its state at the end."""
        payment = self._get(payment_id)
        if payment.status == "RCVD":
            payment = await self._reserve(payment)
        if payment.status == "ACSP":
            payment = await self._clear(payment)
        with detached_from_request():
            return await self._post(payment)

    async def _reserve(self, p: Payment) -> Payment:
        expires_in_s = max(1.0, p.settle_by_s - self._clock()) + self.timing.hold_margin_s
        request = HoldRequest(p.debtor_account, p.amount, p.currency, p.payment_id, expires_in_s)
        try:
            hold_id = await self.ledger.place_hold(request, p.idempotency_key)
        except LedgerRefusalError as refused:
            reason = refused.reason_code if refused.reason_code in REASON_CODES else "NARR"
            return self.store.transition(p.payment_id, "RJCT", reason, str(refused))
        except (DependencyUnavailableError, OutcomeUnknownError) as exc:
            retry_after_s = getattr(exc, "retry_after_s", self.profile.retry_after_s)
            self.store.transition(p.payment_id, "RJCT", "NARR", f"refused, no hold: {exc}")
            raise PaymentRefusedError(str(exc), retry_after_s) from None
        self.store.update(p.payment_id, hold_id=hold_id, hold_state="ACTIVE")
        return self.store.transition(p.payment_id, "ACSP")

    async def _clear(self, p: Payment) -> Payment:
        inquire = self.profile.clearing_timeout_action == "inquire"
        max_submissions = 1 if inquire else max(1, self.profile.retry_attempts)
        while True:
            if inquire and p.submissions >= 1:
                return await self._inquire_until_known(p)
            if p.submissions >= max_submissions:
                return self._give_up(p, "no answer from the scheme after resubmitting")
            number = p.submissions + 1
            p = self.store.update(p.payment_id, submissions=number)
            try:
                status = await self.interbank.submit(self._transfer(p, number))
            except DependencyUnavailableError as exc:
                if number == 1:
                    return await self._refuse_after_hold(p, exc)
                continue
            except (OutcomeUnknownError, SchemeProtocolError) as exc:
                log.warning(
                    "scheme_answer_lost",
                    payment_id=p.payment_id,
                    msg=str(exc),
                    action=self.profile.clearing_timeout_action,
                )
                continue
            if status.status == "ACSP":
                return await self._inquire_until_known(p)
            return self._decide(p, status)

    def _transfer(self, p: Payment, number: int) -> CreditTransfer:
        return CreditTransfer(
            msg_id=f"{p.payment_id}-{number}",
            end_to_end_id=p.end_to_end_id,
            debtor_account=p.debtor_account,
            creditor=p.creditor_account,
            amount=p.amount,
            currency=p.currency,
            expires_at_s=p.settle_by_s,
        )

    async def _refuse_after_hold(self, p: Payment, exc: DependencyUnavailableError) -> Payment:
        p = self.store.transition(p.payment_id, "RJCT", "NARR", f"refused: {exc}")
        with detached_from_request():
            await self._post(p)
        raise PaymentRefusedError(str(exc), exc.retry_after_s)

    async def _inquire_until_known(self, p: Payment) -> Payment:
        """pacs.028 with backoff until a final answer or the deadline; never resubmits."""
        final_at_s = p.settle_by_s + self.timing.scheme_grace_s
        silent_until_s = p.settle_by_s + self.timing.silent_scheme_limit_s
        interval_s = self.timing.inquiry_first_s
        with detached_from_request():
            while True:
                asked_at_s = self._clock()
                status: SchemeStatus | None = None
                with contextlib.suppress(*NOT_REACHED):
                    status = await self.interbank.inquire(p.end_to_end_id)
                if status is not None and _is_final(status, asked_at_s, p.settle_by_s):
                    return self._decide(p, status)
                silent_too_long = self._clock() >= silent_until_s
                if (status is not None and self._clock() >= final_at_s) or silent_too_long:
                    return self._give_up(p, "no final answer from the scheme by the deadline")
                await self._sleep(interval_s)
                interval_s = min(interval_s * 2, self.timing.inquiry_cap_s)

    def _decide(self, p: Payment, status: SchemeStatus) -> Payment:
        if status.status == "ACSC":
            return self.store.transition(p.payment_id, "ACSC")
        code = status.reason_code if status.reason_code in REASON_CODES else "NARR"
        detail = f"rejected by the scheme ({status.reason_code})"
        return self.store.transition(p.payment_id, "RJCT", code, detail)

    def _give_up(self, p: Payment, detail: str) -> Payment:
        log.warning("scheme_deadline_passed", payment_id=p.payment_id, detail=detail)
        return self.store.transition(p.payment_id, "RJCT", "AB05", detail)

    async def _post(self, p: Payment) -> Payment:
        """Capture a settled payment's hold or release a rejected one's, within a window."""
        if p.hold_id is None or p.hold_state != "ACTIVE":
            return p
        until_s = max(self._clock(), p.settle_by_s) + self.timing.posting_window_s
        interval_s = self.timing.inquiry_first_s
        while True:
            try:
                return await self._post_once(p, p.hold_id)
            except (DependencyUnavailableError, OutcomeUnknownError) as exc:
                if self._clock() + interval_s >= until_s:
                    log.error("posting_window_passed", payment_id=p.payment_id, msg=str(exc))
                    return p
            await self._sleep(interval_s)
            interval_s = min(interval_s * 2, self.timing.inquiry_cap_s)

    async def _post_once(self, p: Payment, hold_id: str) -> Payment:
        try:
            if p.status == "ACSC":
                journal_id = await self.ledger.capture(hold_id, p.payment_id)
                return self.store.update(p.payment_id, journal_id=journal_id, hold_state="CAPTURED")
            final = await self.ledger.release(hold_id)
            return self.store.update(p.payment_id, hold_state=final)
        except LedgerRefusalError as refused:
            log.error("posting_refused", payment_id=p.payment_id, msg=str(refused))
            return self.store.update(p.payment_id, hold_state=f"REFUSED:{refused.error}")

    def _get(self, payment_id: str) -> Payment:
        payment = self.store.get(payment_id)
        if payment is None:
            raise KeyError(f"payment {payment_id} not found")
        return payment


def _is_final(status: SchemeStatus, asked_at_s: float, settle_by_s: float) -> bool:
    """ACSC is final; RJCT too, except AG09 before the deadline (the transfer may be in flight)."""
    if status.status == "ACSC":
        return True
    if status.status == "RJCT":
        return status.reason_code != "AG09" or asked_at_s >= settle_by_s
    return False
