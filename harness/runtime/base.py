"""What every runtime offers the engine and faults: a bank to start, break and stop.

A runtime owns processes or containers; the fault proxy it starts (or attaches to) is driven
only through its HTTP API (`harness.control.toxiproxy.ProxyControl`).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from harness.runtime.faultproxy_process import ServerKind
from harness.seeds import DEFAULT_SEED
from harness.topology import Placement


@dataclass(frozen=True)
class BankConfig:
    """What to start: resilience profile (+ knob overrides), seed, customers, where to write."""

    run_id: str
    run_dir: Path
    profile: str = "hardened"
    overrides: tuple[str, ...] = ()
    seed: int = DEFAULT_SEED
    customers: int = 50
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    """Guards every service's `/admin/...`; random per bank, handed over in the environment."""
    service_token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    """What the bank's services show each other (`X-Service-Token`); random per bank."""
    toxiproxy_url: str | None = None
    proxy_server: ServerKind = "builtin"
    bypass_proxies: bool = False
    """Wire services straight to each other (no fault injection possible): only for measuring
    the proxy tax in `bench/bank.py`."""
    extra_env: dict[str, str] = field(default_factory=dict)


CREDENTIALS_FILE = "credentials.json"


def write_credentials(config: BankConfig) -> Path:
    """Write the bank's tokens to `<run dir>/credentials.json`, readable by its owner only
    (what `harness up` points its user at); returns the path."""
    path = config.run_dir / CREDENTIALS_FILE
    document = {"admin_token": config.admin_token, "service_token": config.service_token}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(document, file, indent=2)
    return path


class Runtime(Protocol):
    """Contract: `start` returns only when every service is healthy and seeded; `stop` never
    raises and leaves no process, container, network or toxic behind."""

    name: str

    def start(self, config: BankConfig) -> Placement: ...

    def stop(self) -> list[str]: ...

    def running(self, service: str) -> bool: ...

    def container_ids(self) -> tuple[str, ...]:
        """The ids of the containers this runtime started (none for processes)."""
        ...

    def unplanned_exits(self) -> list[str]:
        """What of the bank stopped although no fault or stop asked it to, in words."""
        ...

    def crash(self, service: str) -> None: ...

    def freeze(self, service: str) -> None: ...

    def thaw(self, service: str) -> None: ...

    def restart(self, service: str) -> None: ...

    def start_frozen(self, service: str) -> None:
        """Start a stopped service paused before it can answer (a slow boot)."""
        ...

    def wait_ready(self, service: str) -> None: ...

    def isolate(self, service: str) -> None: ...

    def reconnect(self, service: str) -> None: ...
