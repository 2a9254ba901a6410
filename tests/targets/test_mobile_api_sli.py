"""Unit tests for the mobile API's SLI: which product a request is, and the per-batch tally."""

from __future__ import annotations

import json

from targets.mobile_api.sli import SliTally, components_of, failed, login_customer


def transfer(creditor: str, kind: str = "transfer") -> bytes:
    body = {"from_account": "ACC-0001", "creditor_account": creditor, "amount": "1.00"}
    return json.dumps({**body, "kind": kind}).encode()


def test_routes_map_to_the_products_of_the_status_page() -> None:
    assert components_of("POST", "/v1/auth/login") == ("login", "app")
    assert components_of("GET", "/v1/me/accounts") == ("balances", "app")
    assert components_of("GET", "/v1/accounts/ACC-0001/balance") == ("balances", "app")
    assert components_of("GET", "/v1/accounts/ACC-0001/movements") == ("balances", "app")
    on_us = components_of("POST", "/v1/transfers", transfer("ACC-0002"))
    assert on_us == ("transfers_on_us", "app")
    other_bank = components_of("POST", "/v1/transfers", transfer("IBAN-PE-0042"))
    assert other_bank == ("transfers_interbank", "app")
    assert components_of("POST", "/v1/transfers", transfer("BILLER-7", "bill")) == (
        "bill_payments",
        "app",
    )
    assert components_of("GET", "/v1/transfers/PAY-1") == ("app",)
    assert components_of("POST", "/v1/auth/password") == ("app",)
    for path in ("/health/ready", "/admin/export"):
        assert components_of("GET", path) == ()


def test_a_transfer_body_that_is_not_json_still_counts_for_the_app() -> None:
    assert components_of("POST", "/v1/transfers", b"\xff not json")[-1] == "app"


def test_server_errors_and_no_answer_fail_customer_mistakes_do_not() -> None:
    assert [failed(s) for s in (200, 201, 400, 401, 403, 404, 409, 422, 429)] == [False] * 9
    assert [failed(s) for s in (500, 502, 503, 504, None)] == [True] * 5


def test_login_names_its_customer_only_when_well_formed() -> None:
    assert login_customer(b'{"customer_id": "CUST-0001", "password": "x"}') == "CUST-0001"
    assert login_customer(b'{"customer_id": "CUST 0001\\n"}') is None
    assert login_customer(b"[1, 2]") is None


def test_the_tally_drains_one_batch_and_starts_afresh() -> None:
    tally = SliTally()
    tally.record(("balances", "app"), True, "CUST-0001")
    tally.record(("balances", "app"), False, "CUST-0002")
    tally.record(("balances", "app"), False, "CUST-0002")
    tally.record(("login", "app"), False, None)
    assert tally.drain() == [
        {"component": "app", "ok": 1, "failed": 3, "failed_customers": ["CUST-0002"]},
        {"component": "balances", "ok": 1, "failed": 2, "failed_customers": ["CUST-0002"]},
        {"component": "login", "ok": 0, "failed": 1, "failed_customers": []},
    ]
    assert tally.drain() == []
