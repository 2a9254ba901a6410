"""Who owns what a run started, and whether that owner still lives.

An owner is the harness process that started a run (or `harness up`): its host name, its PID
and the start time of that PID (field 22 of /proc/<pid>/stat, in clock ticks since boot), so a
PID the kernel handed to another process later is not mistaken for the owner. Processes carry
it in their environment (`BANK_CHAOS_OWNER=<host>:<pid>:<start>`, set by the launcher next to
the run marker), containers and networks as the Docker label `bank-chaos.owner`, and each run
folder in `owner.json`. `harness doctor` removes only what belongs to an owner that is gone.

This module reads /proc and the run folder's small owner file; it never signals anything.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

OWNER_MARKER = "BANK_CHAOS_OWNER"
OWNER_LABEL = "bank-chaos.owner"
OWNER_FILE = "owner.json"


class Liveness(Enum):
    ALIVE = "alive"
    GONE = "gone"
    ELSEWHERE = "elsewhere"
    UNKNOWN = "unknown"


def start_ticks(pid: int) -> int | None:
    """When `pid` started (clock ticks after boot, /proc/<pid>/stat field 22); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces and ')'
    if fields[0] == "Z":  # a zombie has ended; only its parent's wait is missing
        return None
    return int(fields[19])  # field 22 overall; fields[0] is field 3


@dataclass(frozen=True)
class Owner:
    """The harness process that started something: host, PID and the PID's start time."""

    host: str
    pid: int
    started: int

    @property
    def text(self) -> str:
        return f"{self.host}:{self.pid}:{self.started}"

    @classmethod
    def parse(cls, text: str | None) -> Owner | None:
        """The owner written as `host:pid:start`; None for anything else."""
        host, _, rest = (text or "").rpartition(":")
        host, _, pid = host.rpartition(":")
        if not host or not pid.isdigit() or not rest.isdigit():
            return None
        return cls(host, int(pid), int(rest))

    def liveness(self) -> Liveness:
        """ALIVE when on this host the PID exists and started when the owner did."""
        if self.host != socket.gethostname():
            return Liveness.ELSEWHERE
        return Liveness.ALIVE if start_ticks(self.pid) == self.started else Liveness.GONE


def this_harness() -> Owner:
    """The owner identity of the running process."""
    pid = os.getpid()
    started = start_ticks(pid)
    assert started is not None, "a running process has a /proc/<pid>/stat"
    return Owner(socket.gethostname(), pid, started)


def why(owner: Owner | None) -> tuple[Liveness, str]:
    """The owner's liveness and the reason in words, for doctor's lines."""
    if owner is None:
        return Liveness.UNKNOWN, "no owner recorded (an older harness); --all removes it"
    state = owner.liveness()
    reason = {
        Liveness.ALIVE: f"its harness (pid {owner.pid}) is alive",
        Liveness.GONE: f"its harness (pid {owner.pid}) is gone",
        Liveness.ELSEWHERE: f"its harness runs on host {owner.host} (pid {owner.pid}); "
        "run doctor there",
    }[state]
    return state, reason


def write_owner_file(run_dir: Path, owner: Owner) -> None:
    """Record in the run folder who owns the run (read back by `read_owner_file`)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / OWNER_FILE).write_text(json.dumps({"owner": owner.text}) + "\n")


def read_owner_file(run_dir: Path) -> Owner | None:
    """The run folder's recorded owner; None when there is none or it is unreadable."""
    try:
        data = json.loads((run_dir / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return Owner.parse(data.get("owner")) if isinstance(data, dict) else None


BORROWED_FILE = "toxiproxy.json"


def record_borrowed_proxy(run_dir: Path, url: str, name: str, listen: str) -> None:
    """Note in the run folder a proxy the run created on a Toxiproxy server it did not start."""
    url_, proxies = read_borrowed_proxies(run_dir)
    proxies = {**(proxies if url_ == url else {}), name: listen}
    document = {"url": url, "proxies": proxies}
    (run_dir / BORROWED_FILE).write_text(json.dumps(document, indent=2) + "\n")


def read_borrowed_proxies(run_dir: Path) -> tuple[str, dict[str, str]]:
    """The server URL and the proxies (name -> listen address) the run created there."""
    try:
        data = json.loads((run_dir / BORROWED_FILE).read_text())
        url, proxies = data["url"], data["proxies"]
    except (OSError, ValueError, KeyError, TypeError):
        return "", {}
    if not isinstance(url, str) or not isinstance(proxies, dict):
        return "", {}
    return url, {str(k): str(v) for k, v in proxies.items()}


def forget_borrowed_proxies(run_dir: Path) -> None:
    """The run removed its proxies from the server: nothing is left for doctor to remove."""
    (run_dir / BORROWED_FILE).unlink(missing_ok=True)
