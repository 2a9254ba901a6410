"""The command line and environment of each bank service, wired to the proxies of a placement.

The bank's tokens go in the environment (`service_env`), never on the command line, which
every local user can read in `ps`.
"""

from __future__ import annotations

from harness.runtime.base import BankConfig
from harness.topology import Endpoint, Placement


def service_env(config: BankConfig) -> dict[str, str]:
    """What every service of the bank finds in its environment: the two tokens."""
    return {"BANK_ADMIN_TOKEN": config.admin_token, "BANK_SERVICE_TOKEN": config.service_token}


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
    if name.startswith("core-"):
        dc = name.removeprefix("core-")
        role = "primary" if dc == placement.active_dc else "standby"
        return "targets.core_banking", [
            *args, "--dc", dc, "--role", role, "--db", f"{data_dir}/{name}.sqlite",
            "--replica-url", placement.via("core-replication"),
        ]  # fmt: skip
    if name == "payments":
        return "targets.payments", [
            *args, "--core-url", placement.via("payments-core"),
            "--clearing-url", placement.via("payments-clearing"),
            "--db", f"{data_dir}/payments.sqlite",
        ]  # fmt: skip
    if name == "mobile-api":
        return "targets.mobile_api", [
            *args, "--core-url", placement.via("mobile-core"),
            "--payments-url", placement.via("mobile-payments"),
            "--customers", str(config.customers),
        ]  # fmt: skip
    return "targets.clearing", args
