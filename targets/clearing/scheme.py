"""The interbank scheme's book: every pacs.008 received, its outcome, and pacs.028 answers.

The scheme decides a message's outcome when it receives it (a seeded draw against the reject
rate) and settles it `processing_ms` later, so settlement happens even if the sender hung up:
status is computed from the clock, never from a handler staying alive. Dedupe is by `msg_id`
only (a transport retry gets the first answer again); a NEW `msg_id` for an `end_to_end_id`
that is already settled settles again and is marked `duplicate`, which is how a blind resubmit
shows up. A message received after its `expires_at_s` is rejected `AB05` (SCT Inst deadline).
This module is pure: no HTTP, no sleeping; the clock and the random generator are passed in.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Status = Literal["ACSP", "ACSC", "RJCT"]

REJECT_REASON = "AM04"
EXPIRED_REASON = "AB05"
UNKNOWN_REASON = "AG09"


@dataclass(frozen=True)
class SchemeConfig:
    """How the scheme behaves; changed at run time through POST /admin/config."""

    processing_ms: int = 20
    reject_rate: float = 0.0


@dataclass(frozen=True)
class Pacs008:
    """A credit transfer as the sending bank submitted it."""

    msg_id: str
    end_to_end_id: str
    debtor_account: str
    creditor: str
    amount: str
    currency: str
    expires_at_s: float | None = None


@dataclass(frozen=True)
class SchemeMessage:
    """One distinct pacs.008 in the scheme's log and its decided outcome."""

    transfer: Pacs008
    received_at_s: float
    settles_at_s: float
    decided: Literal["ACSC", "RJCT"]
    reason_code: str | None
    duplicate: bool
    receipts: int = 1

    def status_at(self, now_s: float) -> Status:
        """Pending until the processing time has passed, then the decided outcome."""
        return self.decided if now_s >= self.settles_at_s else "ACSP"


@dataclass(frozen=True)
class SchemeAnswer:
    """What the scheme answers for a pacs.008 or pacs.028."""

    end_to_end_id: str
    status: Status
    reason_code: str | None
    msg_id: str | None = None
    settles_at_s: float | None = None


class Scheme:
    """In-memory log of the other banks' network; not thread-safe (one event loop)."""

    def __init__(self, config: SchemeConfig, rng: random.Random, clock: Callable[[], float]):
        self.config = config
        self._rng = rng
        self._clock = clock
        self._by_msg: dict[str, SchemeMessage] = {}
        self._by_e2e: dict[str, list[str]] = {}

    def receive(self, transfer: Pacs008) -> SchemeAnswer:
        """Log a pacs.008 and decide it; a known msg_id replays the first decision."""
        now = self._clock()
        known = self._by_msg.get(transfer.msg_id)
        if known is not None:
            self._by_msg[transfer.msg_id] = dataclasses.replace(known, receipts=known.receipts + 1)
            return self._answer(known)
        already_settled = self._settled(transfer.end_to_end_id)
        decided, reason = self._decide(transfer, now, already_settled)
        message = SchemeMessage(
            transfer=transfer,
            received_at_s=now,
            settles_at_s=now + self.config.processing_ms / 1000,
            decided=decided,
            reason_code=reason,
            duplicate=already_settled,
        )
        expires = transfer.expires_at_s
        if decided == "ACSC" and expires is not None and message.settles_at_s > expires:
            message = dataclasses.replace(message, decided="RJCT", reason_code=EXPIRED_REASON)
        self._by_msg[transfer.msg_id] = message
        self._by_e2e.setdefault(transfer.end_to_end_id, []).append(transfer.msg_id)
        return self._answer(message)

    def inquire(self, end_to_end_id: str) -> SchemeAnswer:
        """pacs.028: settled if any message settled, else the latest one's status; unknown AG09."""
        now = self._clock()
        messages = [self._by_msg[m] for m in self._by_e2e.get(end_to_end_id, [])]
        if not messages:
            return SchemeAnswer(end_to_end_id, "RJCT", UNKNOWN_REASON)
        settled = [m for m in messages if m.status_at(now) == "ACSC"]
        chosen = settled[0] if settled else messages[-1]
        return SchemeAnswer(
            end_to_end_id,
            chosen.status_at(now),
            self._reason(chosen, now),
            chosen.transfer.msg_id,
            chosen.settles_at_s,
        )

    def outcome(self, msg_id: str) -> SchemeAnswer:
        """The current answer for a message already received (KeyError if never received)."""
        return self._answer(self._by_msg[msg_id])

    def messages(self) -> list[SchemeMessage]:
        """Every distinct message in arrival order."""
        return list(self._by_msg.values())

    def status_of(self, message: SchemeMessage) -> tuple[Status, str | None]:
        """A message's status and reason code now."""
        now = self._clock()
        return message.status_at(now), self._reason(message, now)

    def _decide(
        self, transfer: Pacs008, now: float, already_settled: bool
    ) -> tuple[Literal["ACSC", "RJCT"], str | None]:
        if transfer.expires_at_s is not None and now > transfer.expires_at_s:
            return "RJCT", EXPIRED_REASON
        if already_settled:
            return "ACSC", None
        if self._rng.random() < self.config.reject_rate:
            return "RJCT", REJECT_REASON
        return "ACSC", None

    def _settled(self, end_to_end_id: str) -> bool:
        return any(self._by_msg[m].decided == "ACSC" for m in self._by_e2e.get(end_to_end_id, []))

    def _answer(self, message: SchemeMessage) -> SchemeAnswer:
        now = self._clock()
        return SchemeAnswer(
            message.transfer.end_to_end_id,
            message.status_at(now),
            self._reason(message, now),
            message.transfer.msg_id,
            message.settles_at_s,
        )

    @staticmethod
    def _reason(message: SchemeMessage, now: float) -> str | None:
        return message.reason_code if message.status_at(now) == "RJCT" else None
