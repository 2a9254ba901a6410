"""The command line of each bank service, wired to the proxies of a placement (every runtime)."""

from __future__ import annotations

from harness.runtime.base import BankConfig
from harness.topology import Endpoint, Placement


def service_command(
    name: str, placement: Placement, config: BankConfig, data_dir: str, bind: Endpoint
) -> tuple[str, list[str]]:
    """(module, args) that start service `name` listening on `bind`, dialling only proxies."""
    args = [
        "--host", bind.host, "--port", str(bind.port), "--profile", config.profile,
        "--admin-token", config.admin_token, "--log-level", "info", "--seed", str(config.seed),
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
