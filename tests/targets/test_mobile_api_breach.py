"""The mobile API's breach detector (pure, clock passed in): honeytoken logins and one device
signing in as many customers raise alerts; logins spread wider than the window, devices with a
customer each, and the fragile profile raise none."""

from __future__ import annotations

import pytest

from targets.mobile_api.breach import (
    HONEYTOKEN_IDS,
    MAX_DEVICE_ID_CHARS,
    BreachDetector,
    breach_detector,
)
from targets.profiles import FRAGILE, HARDENED


class Clock:
    def __init__(self) -> None:
        self.now_s = 1_000.0

    def __call__(self) -> float:
        return self.now_s


def detector(clock: Clock, enabled: bool = True) -> BreachDetector:
    return BreachDetector(enabled, device_customers=3, window_s=60.0, clock=clock)


def test_a_honeytoken_login_alerts_once_per_window() -> None:
    clock = Clock()
    breach = detector(clock)
    (alert,) = breach.observe_login("HONEY-0002", None)
    assert (alert.kind, alert.at_s) == ("honeytoken", 1_000.0)
    assert "HONEY-0002" in alert.detail
    clock.now_s += 30
    assert breach.observe_login("HONEY-0002", None) == []
    (other,) = breach.observe_login("HONEY-0003", None)  # another honeytoken: its own alert
    assert "HONEY-0003" in other.detail
    clock.now_s += 31
    assert [a.kind for a in breach.observe_login("HONEY-0002", None)] == ["honeytoken"]


def test_more_customers_than_the_bar_from_one_device_alert_once() -> None:
    clock = Clock()
    breach = detector(clock)
    for number in (1, 2, 3, 1, 2):
        assert breach.observe_login(f"CUST-{number:04d}", "attacker") == []
        clock.now_s += 10
    (alert,) = breach.observe_login("CUST-0004", "attacker")
    assert alert.kind == "access_anomaly"
    assert alert.customers == ("CUST-0001", "CUST-0002", "CUST-0003", "CUST-0004")
    assert "4 distinct customers" in alert.detail
    clock.now_s += 1
    assert breach.observe_login("CUST-0005", "attacker") == []  # one alert per window
    clock.now_s += 60  # a window after the alert; CUST-0005 still inside the window
    for number in (6, 7):
        assert breach.observe_login(f"CUST-{number:04d}", "attacker") == []
    (again,) = breach.observe_login("CUST-0008", "attacker")
    assert again.customers == ("CUST-0005", "CUST-0006", "CUST-0007", "CUST-0008")


def test_logins_spread_over_more_than_the_window_do_not_alert() -> None:
    clock = Clock()
    breach = detector(clock)
    for number in range(1, 30):
        assert breach.observe_login(f"CUST-{number:04d}", "slow-attacker") == []
        clock.now_s += 20.01  # never more than 3 within 60 s


def test_customers_on_their_own_devices_and_requests_without_one_do_not_alert() -> None:
    clock = Clock()
    breach = detector(clock)
    for _ in range(5):
        for number in range(1, 50):
            customer = f"CUST-{number:04d}"
            assert breach.observe_login(customer, f"phone-{customer}") == []
            assert breach.observe_login(customer, None) == []
            assert breach.observe_login(customer, "") == []


def test_a_device_with_a_honeytoken_among_many_customers_raises_both() -> None:
    clock = Clock()
    breach = detector(clock)
    for customer in ("CUST-0001", "CUST-0002", "CUST-0003"):
        breach.observe_login(customer, "attacker")
    alerts = breach.observe_login(HONEYTOKEN_IDS[0], "attacker")
    assert [a.kind for a in alerts] == ["honeytoken", "access_anomaly"]
    assert alerts[1].customers == ("CUST-0001", "CUST-0002", "CUST-0003")  # real ones only


def test_long_device_ids_are_one_key() -> None:
    clock = Clock()
    breach = detector(clock)
    prefix = "d" * MAX_DEVICE_ID_CHARS
    alerts = [breach.observe_login(f"CUST-{n:04d}", f"{prefix}{n}") for n in range(1, 5)]
    assert [a.kind for a in alerts[-1]] == ["access_anomaly"]


def test_fragile_never_notices() -> None:
    clock = Clock()
    breach = breach_detector(FRAGILE, clock)
    for number in range(1, 40):
        assert breach.observe_login(f"CUST-{number:04d}", "attacker") == []
    for honeytoken in HONEYTOKEN_IDS:
        assert breach.observe_login(honeytoken, "attacker") == []


def test_hardened_takes_its_knobs_and_bad_knobs_are_refused() -> None:
    breach = breach_detector(HARDENED, Clock())
    assert (breach.enabled, breach.device_customers, breach.window_s) == (True, 3, 60.0)
    with pytest.raises(ValueError, match="breach_device_customers"):
        BreachDetector(True, 0, 60.0, Clock())
    with pytest.raises(ValueError, match="breach_window_s"):
        BreachDetector(True, 3, 0.0, Clock())
