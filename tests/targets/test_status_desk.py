"""The status desk in process: feed -> detection -> incident -> store -> notifications."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from targets.profiles import FRAGILE, HARDENED, Profile
from targets.status.desk import StatusDesk
from targets.status.detection import Observation, ObservationBatch
from targets.status.notify import NotificationRequest
from targets.status.store import StatusStore


class Clock:
    def __init__(self, now_s: float = 1000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s


def desk_for(
    profile: Profile, path: str | Path = ":memory:"
) -> tuple[StatusDesk, Clock, list[NotificationRequest]]:
    clock, sent = Clock(), list[NotificationRequest]()
    return StatusDesk(profile, StatusStore(path), clock, sent.append), clock, sent


def feed(desk: StatusDesk, clock: Clock, seconds: float, *obs: Observation) -> None:
    for _ in range(round(seconds / 0.5)):
        desk.observe(ObservationBatch(clock.now_s, obs))
        desk.tick()
        clock.now_s += 0.5


def test_affected_customers_are_notified_once_each_and_new_ones_later() -> None:
    desk, clock, sent = desk_for(HARDENED)
    feed(desk, clock, 2.0, Observation("balances", 0, 5, ("CUST-0001", "CUST-0002")))
    (incident,) = desk.board.incidents()
    assert incident.kind == "availability"
    assert [(r.reason, r.customers) for r in sent] == [("outage", ("CUST-0001", "CUST-0002"))]
    feed(desk, clock, 1.0, Observation("balances", 0, 5, ("CUST-0002", "CUST-0003")))
    assert [r.customers for r in sent][1:] == [("CUST-0003",)]
    assert all(r.incident_id == incident.incident_id for r in sent)
    rows = desk.store.notifications()
    assert [row["customers"] for row in rows] == [2, 1]


def test_a_breach_and_a_reset_notify_every_customer() -> None:
    desk, clock, sent = desk_for(HARDENED)
    incident = desk.alert(clock.now_s, "honeytoken", "honeytoken account CUST-0999 read")
    assert incident is not None and incident.kind == "security"
    desk.alert(clock.now_s + 1, "access_anomaly", "one client read 30 customers")
    desk.notify_reset("Set a new password at your next login.")
    assert [(r.reason, r.customers) for r in sent] == [("breach", None), ("reset", None)]
    assert [d.kind for d in desk.store.detections()] == ["honeytoken", "access_anomaly"]


def test_fragile_changes_nothing_by_itself_and_notifies_no_one() -> None:
    desk, clock, sent = desk_for(FRAGILE)
    feed(desk, clock, 10.0, Observation("app", 0, 50, ("CUST-0001",)))
    assert desk.alert(clock.now_s, "honeytoken", "read") is None
    assert desk.notify_reset("reset") is None
    assert desk.board.incidents() == ()
    assert desk.store.detections() == []
    assert sent == []
    posted = desk.post("App down", "We are looking into it.", ["app"], "availability")
    assert posted.source == "manual"
    assert sent == []


def test_incidents_and_notifications_survive_a_new_desk_on_the_same_file(tmp_path: Path) -> None:
    db = tmp_path / "status.db"
    desk, clock, _ = desk_for(HARDENED, db)
    desk.alert(clock.now_s, "honeytoken", "honeytoken read")
    feed(desk, clock, 2.0, Observation("login", 0, 6, ("CUST-0004",)))
    before = desk.board.incidents()
    desk.store.close()
    again, _, sent_again = desk_for(HARDENED, db)
    assert again.board.incidents() == before
    again.tick()
    assert sent_again == []  # the breach was told to everyone before the restart
    assert len(again.store.notifications()) == 2


def test_hardened_without_notify_customers_puts_it_on_the_page_only() -> None:
    desk, clock, sent = desk_for(dataclasses.replace(HARDENED, notify_customers=False))
    feed(desk, clock, 2.0, Observation("login", 0, 6, ("CUST-0001",)))
    desk.alert(clock.now_s, "honeytoken", "honeytoken read")
    assert [i.kind for i in desk.board.incidents()] == ["availability", "security"]
    assert desk.notify_reset("reset") is None
    assert sent == []
    assert desk.store.notifications() == []
