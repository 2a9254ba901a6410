"""The scheme's book: dedupe by msg_id, duplicates by end_to_end_id, inquiry and deadlines."""

import random

from hypothesis import given
from hypothesis import strategies as st

from targets.clearing.scheme import Pacs008, Scheme, SchemeConfig


class FakeClock:
    """A hand-driven clock (time is an input of the pure scheme)."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def transfer(msg_id: str, e2e: str = "E2E-1", expires_at_s: float | None = None) -> Pacs008:
    return Pacs008(msg_id, e2e, "ACC-0001", "ACC-9999", "10.00", "PEN", expires_at_s)


def make(reject_rate: float = 0.0, processing_ms: int = 100) -> tuple[Scheme, FakeClock]:
    clock = FakeClock()
    return Scheme(SchemeConfig(processing_ms, reject_rate), random.Random(7), clock), clock


def test_message_is_pending_until_processing_time_passes() -> None:
    """A pacs.008 is ACSP while processing and ACSC once the processing time has passed."""
    scheme, clock = make()
    assert scheme.receive(transfer("M1")).status == "ACSP"
    clock.now_s += 0.1
    assert scheme.outcome("M1").status == "ACSC"
    assert scheme.inquire("E2E-1").status == "ACSC"


def test_transport_retry_replays_first_answer_and_is_counted() -> None:
    """The same msg_id is not settled twice; its receipts are counted."""
    scheme, clock = make()
    scheme.receive(transfer("M1"))
    clock.now_s += 1
    scheme.receive(transfer("M1"))
    [message] = scheme.messages()
    assert message.receipts == 2 and not message.duplicate


def test_new_msg_id_for_settled_e2e_settles_again_as_duplicate() -> None:
    """A blind resubmit (new msg_id) of a settled payment is settled again and marked."""
    scheme, clock = make(reject_rate=0.0)
    scheme.receive(transfer("M1"))
    clock.now_s += 1
    scheme.config = SchemeConfig(processing_ms=0, reject_rate=1.0)
    answer = scheme.receive(transfer("M2"))
    assert answer.status == "ACSC"
    assert [m.duplicate for m in scheme.messages()] == [False, True]


def test_unknown_e2e_inquiry_is_ag09() -> None:
    """pacs.028 for a payment the scheme never saw answers RJCT AG09."""
    scheme, _ = make()
    answer = scheme.inquire("nope")
    assert (answer.status, answer.reason_code) == ("RJCT", "AG09")


def test_reject_carries_reason_only_once_decided() -> None:
    """A rejected message shows its reason code after processing, none while pending."""
    scheme, clock = make(reject_rate=1.0)
    assert scheme.receive(transfer("M1")).reason_code is None
    clock.now_s += 1
    answer = scheme.outcome("M1")
    assert (answer.status, answer.reason_code) == ("RJCT", "AM04")


def test_expired_message_is_rejected_ab05() -> None:
    """A message arriving after its deadline, or settling after it, is rejected AB05."""
    scheme, clock = make(processing_ms=500)
    scheme.receive(transfer("late", "E-late", expires_at_s=clock.now_s - 1))
    scheme.receive(transfer("slow", "E-slow", expires_at_s=clock.now_s + 0.2))
    clock.now_s += 1
    assert scheme.inquire("E-late").reason_code == "AB05"
    assert scheme.inquire("E-slow").reason_code == "AB05"


@given(st.lists(st.sampled_from(["M1", "M2", "M3"]), min_size=1, max_size=20))
def test_one_log_entry_per_distinct_msg_id(msg_ids: list[str]) -> None:
    """The log holds each distinct msg_id once, whatever the order of retries."""
    scheme, clock = make(reject_rate=0.5)
    for msg_id in msg_ids:
        scheme.receive(transfer(msg_id))
        clock.now_s += 0.05
    assert [m.transfer.msg_id for m in scheme.messages()] == list(dict.fromkeys(msg_ids))
    assert sum(m.receipts for m in scheme.messages()) == len(msg_ids)
