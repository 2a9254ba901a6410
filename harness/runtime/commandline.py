"""The command line and environment of each bank service, wired to the proxies of a placement.

The bank's tokens go in the environment (`service_env`), never on the command line, which
every local user can read in `ps`. The module each service runs is the topology's
(`harness.topology.SERVICES`); what it needs beyond the common flags is one entry of
`_WIRING`, keyed by module.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.runtime.base import BankConfig
from harness.topology import SERVICES, Endpoint, Placement

Wiring = Callable[[str, Placement, BankConfig, str], list[str]]
"""(service name, placement, config, data dir) -> the service's own flags."""


def service_env(config: BankConfig) -> dict[str, str]:
    """What every service of the bank finds in its environment: the two tokens."""
    return {"BANK_ADMIN_TOKEN": config.admin_token, "BANK_SERVICE_TOKEN": config.service_token}


def _core(name: str, placement: Placement, _: BankConfig, data_dir: str) -> list[str]:
    dc = name.removeprefix("core-")
    role = "primary" if dc == placement.active_dc else "standby"
    return [
        "--dc", dc, "--role", role, "--db", f"{data_dir}/{name}.sqlite",
        "--replica-url", placement.via("core-replication"),
    ]  # fmt: skip


def _payments(_: str, placement: Placement, __: BankConfig, data_dir: str) -> list[str]:
    return [
        "--core-url", placement.via("payments-core"),
        "--clearing-url", placement.via("payments-clearing"),
        "--db", f"{data_dir}/payments.sqlite",
    ]  # fmt: skip


def _mobile(_: str, placement: Placement, config: BankConfig, __: str) -> list[str]:
    return [
        "--core-url", placement.via("mobile-core"),
        "--payments-url", placement.via("mobile-payments"),
        "--status-url", placement.via("mobile-status"),
        "--customers", str(config.customers),
    ]  # fmt: skip


def _status(_: str, placement: Placement, __: BankConfig, data_dir: str) -> list[str]:
    return [
        "--db", f"{data_dir}/status.sqlite", "--probe-url", placement.via("edge-mobile"),
        "--notifications-url", placement.via("status-notifications"),
    ]  # fmt: skip


def _notifications(_: str, __: Placement, config: BankConfig, data_dir: str) -> list[str]:
    return ["--db", f"{data_dir}/notifications.sqlite", "--customers", str(config.customers)]


def _nothing(*_: object) -> list[str]:
    return []


_WIRING: dict[str, Wiring] = {
    "targets.core_banking": _core,
    "targets.payments": _payments,
    "targets.mobile_api": _mobile,
    "targets.status": _status,
    "targets.notifications": _notifications,
    "targets.clearing": _nothing,
    "targets.contact_centre": _nothing,
}

MODULES = {s.name: s.module for s in SERVICES}


def service_command(
    name: str,
    placement: Placement,
    config: BankConfig,
    data_dir: str,
    bind: Endpoint,
    *,
    admin_port: int,
) -> tuple[str, list[str]]:
    """(module, args) that start service `name` listening on `bind` (public) and `admin_port`
    (admin), dialling only proxies."""
    args = [
        "--host", bind.host, "--port", str(bind.port), "--admin-port", str(admin_port),
        "--profile", config.profile, "--log-level", "info", "--seed", str(config.seed),
    ]  # fmt: skip
    for item in config.overrides:
        args += ["--set", item]
    module = MODULES[name]
    return module, [*args, *_WIRING[module](name, placement, config, data_dir)]
