"""A small real bank on loopback for the payments tests, wired through the real fault proxy.

fault proxy; core dc-b (standby); core dc-a (primary, shipping its journal to dc-b through the
`core-replication` proxy); clearing; payments dialling `payments-core` and `payments-clearing`
proxies. Every process is stopped by PID when the fixture ends, pass or fail.
"""

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE
from tests.targets.test_clearing_app import ServiceProcess, running_service


class FaultProxy:
    """`python -m harness.faultproxy --port 0` and its Toxiproxy-compatible API."""

    def __init__(self, service: ServiceProcess) -> None:
        self.service = service
        self.api = ""

    def wait_listening(self, timeout_s: float = 15.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = re.search(r"listening (\S+):(\d+)", self.service.log_path.read_text())
            if found:
                self.api = f"http://127.0.0.1:{found.group(2)}"
                return
            if self.service.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"fault proxy not listening: {self.service.log_path.read_text()}")

    def create(self, name: str, upstream_url: str) -> str:
        """A proxy named after the link; its listen URL."""
        upstream = upstream_url.removeprefix("http://")
        answer = httpx.post(
            f"{self.api}/proxies",
            json={"name": name, "listen": "127.0.0.1:0", "upstream": upstream},
            timeout=5,
        )
        answer.raise_for_status()
        return f"http://{answer.json()['listen']}"

    def add_toxic(
        self, link: str, name: str, kind: str, stream: str, attributes: dict[str, Any]
    ) -> None:
        answer = httpx.post(
            f"{self.api}/proxies/{link}/toxics",
            json={
                "name": name,
                "type": kind,
                "stream": stream,
                "toxicity": 1.0,
                "attributes": attributes,
            },
            timeout=5,
        )
        answer.raise_for_status()

    def remove_toxic(self, link: str, name: str) -> None:
        httpx.delete(f"{self.api}/proxies/{link}/toxics/{name}", timeout=5).raise_for_status()

    @contextlib.contextmanager
    def toxic(
        self, link: str, kind: str, stream: str, attributes: dict[str, Any]
    ) -> Iterator[None]:
        """A toxic for the body's duration (removed even if the body fails)."""
        self.add_toxic(link, f"{kind}_{stream}", kind, stream, attributes)
        try:
            yield
        finally:
            with contextlib.suppress(httpx.HTTPError):
                self.remove_toxic(link, f"{kind}_{stream}")


class Bank:
    """URLs of the running bank plus small admin reads used by the assertions."""

    def __init__(self, proxy: FaultProxy, core: str, clearing: str, payments: str) -> None:
        self.proxy, self.core, self.clearing, self.payments = proxy, core, clearing, payments

    def core_export(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.core}/admin/export", headers=ADMIN, timeout=5).json())

    def scheme_messages(self, e2e: str) -> list[dict[str, Any]]:
        body = httpx.get(f"{self.clearing}/admin/export", headers=ADMIN, timeout=5).json()
        return [m for m in body["messages"] if m["end_to_end_id"] == e2e]

    def journals_for(self, transfer_id: str) -> list[dict[str, Any]]:
        return [j for j in self.core_export()["journals"] if j["transfer_id"] == transfer_id]

    def booked(self, account_id: str) -> str:
        accounts = self.core_export()["accounts"]
        return str(next(a["booked"] for a in accounts if a["account_id"] == account_id))

    def configure_scheme(self, **config: float) -> None:
        httpx.post(
            f"{self.clearing}/admin/config", json=config, headers=ADMIN, timeout=5
        ).raise_for_status()

    def wait_terminal(self, payment_id: str, timeout_s: float = 15.0) -> dict[str, Any]:
        """Poll the payment until ACSC/RJCT (bounded)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            payment = httpx.get(
                f"{self.payments}/v1/payments/{payment_id}", headers=SERVICE, timeout=5
            ).json()
            if payment["status"] in ("ACSC", "RJCT"):
                return dict(payment)
            time.sleep(0.05)
        raise AssertionError(f"payment {payment_id} not terminal after {timeout_s}s")


@contextlib.contextmanager
def running_bank(tmp: Path, profile: str, sets: tuple[str, ...] = ()) -> Iterator[Bank]:
    """Start the whole bank for `profile`; stop every process afterwards."""
    common = ["--profile", profile, *(arg for knob in sets for arg in ("--set", knob))]
    with contextlib.ExitStack() as stack:
        proxy_service = ServiceProcess(
            "harness.faultproxy",
            ["--host", "127.0.0.1", "--port", "0"],
            tmp / "faultproxy.log",
            bank_flags=False,
        )
        stack.callback(proxy_service.stop)
        proxy = FaultProxy(proxy_service)
        proxy.wait_listening()
        standby = stack.enter_context(
            running_service(
                "targets.core_banking",
                [*common, "--dc", "dc-b", "--role", "standby", "--db", str(tmp / "core-b.db")],
                tmp / "core-b.log",
            )
        )
        replication = proxy.create("core-replication", standby.url)
        core = stack.enter_context(
            running_service(
                "targets.core_banking",
                [
                    *common,
                    "--dc",
                    "dc-a",
                    "--role",
                    "primary",
                    "--db",
                    str(tmp / "core-a.db"),
                    "--replica-url",
                    replication,
                ],
                tmp / "core-a.log",
            )
        )
        clearing = stack.enter_context(
            running_service(
                "targets.clearing",
                [*common, "--processing-ms", "50", "--seed", "11"],
                tmp / "clearing.log",
            )
        )
        payments_core = proxy.create("payments-core", core.url)
        payments_clearing = proxy.create("payments-clearing", clearing.url)
        payments = stack.enter_context(
            running_service(
                "targets.payments",
                [
                    *common,
                    "--core-url",
                    payments_core,
                    "--clearing-url",
                    payments_clearing,
                    "--db",
                    str(tmp / "payments.db"),
                ],
                tmp / "payments.log",
            )
        )
        httpx.post(
            f"{core.url}/admin/seed",
            json={"customers": 6, "balance": "1000.00"},
            headers=ADMIN,
            timeout=10,
        ).raise_for_status()
        yield Bank(proxy, core.url, clearing.url, payments.url)


@pytest.fixture(scope="module")
def hardened_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    with running_bank(tmp_path_factory.mktemp("hardened"), "hardened") as bank:
        yield bank


@pytest.fixture(scope="module")
def fragile_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    with running_bank(tmp_path_factory.mktemp("fragile"), "fragile") as bank:
        yield bank


def pay(bank: Bank, key: str, timeout_s: float = 10.0, **body: str) -> httpx.Response:
    """POST /v1/payments with ACC-0001 -> an outside creditor, 10.00 unless overridden."""
    payload = {
        "debtor_account": "ACC-0001",
        "creditor_account": "OTHERBANK-77",
        "amount": "10.00",
        "currency": "PEN",
        **body,
    }
    return httpx.post(
        f"{bank.payments}/v1/payments",
        json=payload,
        headers={**SERVICE, "Idempotency-Key": key},
        timeout=timeout_s,
    )
