"""Per-service seeds: for one run seed every service draws its own sequence, repeated on rerun.

The apps are built by their real builders (the code path `python -m targets.<service>` takes)
and their draws are read where they show: the `error_rate` fault flag (which requests get an
injected 500) and the clearing scheme's rejects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from harness.seeds import DEFAULT_SEED
from targets.access import Credentials
from targets.clearing.app import build_app as build_clearing
from targets.clearing.scheme import Pacs008, SchemeConfig
from targets.core_banking.app import CoreSettings, build_core_app
from targets.core_banking.node import NodeConfig
from targets.mobile_api.app import EdgeConfig
from targets.mobile_api.app import build_app as build_mobile
from targets.payments.app import PaymentsConfig
from targets.payments.app import build_app as build_payments
from targets.profiles import HARDENED
from targets.service import base_parser

CREDENTIALS = Credentials("chaos-admin")
TOKEN = {"X-Admin-Token": "chaos-admin"}
REQUESTS = 48

Builder = Callable[[int, Path], FastAPI]


def core(dc: str) -> Builder:
    def build(seed: int, tmp: Path) -> FastAPI:
        node = NodeConfig(dc=dc, role="primary", epoch=1, db_path=str(tmp / f"core-{dc}.db"))
        return build_core_app(CoreSettings(node, HARDENED, None, CREDENTIALS, seed=seed))

    return build


def payments(seed: int, tmp: Path) -> FastAPI:
    config = PaymentsConfig("http://core", "http://clearing", tmp / "p.db", CREDENTIALS, seed)
    return build_payments(config, HARDENED)


def mobile(seed: int, tmp: Path) -> FastAPI:
    config = EdgeConfig(
        "http://core", "http://payments", customers=1, seed=seed, credentials=CREDENTIALS
    )
    return build_mobile(config, HARDENED)


def clearing(seed: int, tmp: Path) -> FastAPI:
    return build_clearing(SchemeConfig(), seed, CREDENTIALS, HARDENED)


SERVICES: dict[str, Builder] = {
    "core-banking:dc-a": core("dc-a"),
    "core-banking:dc-b": core("dc-b"),
    "payments": payments,
    "mobile-api": mobile,
    "clearing": clearing,
}


async def _admin_then_draws(app: FastAPI, path: str, body: dict[str, float], draws: int) -> str:
    """POST `body` to the admin `path`, then GET a public path `draws` times: which were
    failed by the fault flags (1) and which were not (0)."""
    transport = httpx.ASGITransport(app)  # no lifespan: nothing is opened or called
    async with httpx.AsyncClient(transport=transport, base_url="http://bank") as client:
        assert (await client.post(path, json=body, headers=TOKEN)).is_success
        pattern = ""
        for _ in range(draws):
            answer = await client.get("/v1/draws")
            injected = answer.status_code == 500 and answer.json()["error"] == "injected_fault"
            pattern += "1" if injected else "0"
        return pattern


def injected_faults(build: Builder, seed: int, tmp: Path) -> str:
    """Which of REQUESTS public requests the `error_rate=0.5` flag failed, as 0s and 1s."""
    tmp.mkdir(parents=True, exist_ok=True)
    app = build(seed, tmp)
    return asyncio.run(_admin_then_draws(app, "/admin/flags", {"error_rate": 0.5}, REQUESTS))


def scheme_rejects(seed: int) -> str:
    """Which of REQUESTS transfers the clearing scheme rejected at `reject_rate=0.5`."""
    app = build_clearing(SchemeConfig(), seed, CREDENTIALS, HARDENED)
    asyncio.run(_admin_then_draws(app, "/admin/config", {"reject_rate": 0.5}, 0))
    scheme = app.state.scheme
    for n in range(REQUESTS):
        scheme.receive(Pacs008(f"M{n}", f"E{n}", "ACC-0001", "ACC-0002", "1.00", "PEN"))
    return "".join("1" if m.decided == "RJCT" else "0" for m in scheme.messages())


def test_services_draw_different_sequences_from_one_run_seed(tmp_path: Path) -> None:
    """Same run seed: every service's (and each DC's) fault draws differ; the clearing scheme's
    rejects differ from its flags' draws."""
    patterns = {
        name: injected_faults(build, 1, tmp_path / name) for name, build in SERVICES.items()
    }
    assert all("0" in p and "1" in p for p in patterns.values()), patterns
    assert len(set(patterns.values())) == len(patterns), patterns
    assert scheme_rejects(1) not in patterns.values()


@pytest.mark.parametrize("name", SERVICES)
def test_a_rerun_with_the_same_seed_repeats_the_draws(name: str, tmp_path: Path) -> None:
    """Rebuilt with the same seed, a service fails the same requests; another seed differs."""
    build = SERVICES[name]
    first = injected_faults(build, 7, tmp_path / "first")
    again = injected_faults(build, 7, tmp_path / "again")
    other = injected_faults(build, 8, tmp_path / "other")
    assert first == again != other


def test_scheme_rejects_repeat_with_the_seed() -> None:
    assert scheme_rejects(7) == scheme_rejects(7) != scheme_rejects(8)


def test_seed_flag_defaults_to_the_harness_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--seed` is the harness's DEFAULT_SEED unless BANK_SEED or the flag says otherwise."""
    monkeypatch.delenv("BANK_SEED", raising=False)
    assert base_parser("payments", "").parse_args([]).seed == DEFAULT_SEED
    assert base_parser("payments", "").parse_args(["--seed", "0"]).seed == 0
    monkeypatch.setenv("BANK_SEED", "42")
    assert base_parser("payments", "").parse_args([]).seed == 42
