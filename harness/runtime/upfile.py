"""The state file of `harness up` (`<out>/up.json`), and `harness down` asking that `up` to stop.

`up` claims the file before it starts anything (refusing when a live `up` already holds it),
fills in where its bank answers once it is up, and removes the file when it has stopped its
bank. `down` reads the file, sends that `up` SIGTERM (its own teardown stops the bank), waits
a bounded time for it to be gone, then removes whatever a dead `up` of that run left. `down`
never touches another `up` or any run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, InfraError
from harness.runtime.leftovers import clean
from harness.runtime.ownership import Liveness, Owner

UP_FILE = "up.json"
STOP_WAIT_S = 60.0


@dataclass(frozen=True)
class UpState:
    """Which `harness up` holds `<out>`: its owner identity, its run and where its bank is."""

    owner: Owner
    run_id: str
    run_dir: str
    runtime: str
    edge_url: str | None = None
    fault_proxy_api: str | None = None

    def evolve(self, **changes: str) -> UpState:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _write(out: Path, state: UpState) -> None:
    document = {**dataclasses.asdict(state), "owner": state.owner.text}
    temporary = out / f".{UP_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(document, indent=2) + "\n")
    temporary.replace(out / UP_FILE)


def read_up_state(out: Path) -> UpState | None:
    """The `up` that holds `out`, or None when there is none; ConfigError if unreadable."""
    path = out / UP_FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc}); remove it if no `harness up` runs") from exc
    owner = Owner.parse(data.get("owner")) if isinstance(data, dict) else None
    if owner is None:
        raise ConfigError(f"{path}: no owner recorded; remove it if no `harness up` runs")
    fields = {f.name for f in dataclasses.fields(UpState)} - {"owner"}
    return UpState(owner, **{k: str(v) for k, v in data.items() if k in fields and v is not None})


def claim(out: Path, state: UpState) -> None:
    """Hold `out` for this `up`; ConfigError when a live `up` already holds it."""
    held = read_up_state(out)
    if held is not None and held.owner.liveness() is not Liveness.GONE:
        raise ConfigError(
            f"--out {out}: `harness up` (pid {held.owner.pid}) already runs there; "
            f"`harness down --out {out}` stops it, or choose another --out"
        )
    _write(out, state)


def update(out: Path, state: UpState) -> None:
    """Record where the bank answers (once it is up)."""
    _write(out, state)


def release(out: Path, owner: Owner) -> None:
    """Remove the state file if this `up` still holds it."""
    with contextlib.suppress(ConfigError):
        held = read_up_state(out)
        if held is not None and held.owner == owner:
            (out / UP_FILE).unlink(missing_ok=True)


def stop_up(out: Path, timeout_s: float = STOP_WAIT_S) -> list[str]:
    """Ask the `up` holding `out` to stop (SIGTERM), wait for it; what it did, one line each."""
    state = read_up_state(out)
    if state is None:
        return [f"no bank started by `harness up` under {out} ({out / UP_FILE} absent)"]
    owner = state.owner
    liveness = owner.liveness()
    if liveness is Liveness.ELSEWHERE:
        raise InfraError(
            f"{out / UP_FILE}: its `harness up` runs on host {owner.host}; run `harness down` there"
        )
    lines = []
    if liveness is Liveness.ALIVE:
        with contextlib.suppress(ProcessLookupError):
            os.kill(owner.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while owner.liveness() is Liveness.ALIVE:
            if time.monotonic() > deadline:
                raise InfraError(
                    f"`harness up` (pid {owner.pid}) did not stop within {timeout_s:g}s of "
                    f"SIGTERM; `harness doctor --all` removes its bank"
                )
            time.sleep(0.1)
        lines.append(f"stopped `harness up` (pid {owner.pid}) and its bank (run {state.run_id})")
    else:
        lines.append(f"`harness up` (pid {owner.pid}) of run {state.run_id} was already gone")
    lines += clean(out, run_id=state.run_id)
    (out / UP_FILE).unlink(missing_ok=True)
    return lines
