"""What runs left behind, and removing only what belongs to a harness that is gone.

`clean` is `harness doctor`: it finds processes (by the run marker), containers and networks
(by label) and run folders (by their owner file), groups them by run and owner, and removes a
group only when its owner is gone (or with `everything`, as `--all`). A run folder whose owner
is gone gets its `run.json` marked interrupted if it still says started/running, and the
proxies it created on a Toxiproxy server it did not start are removed from that server. Every
decision comes back as one line: what it removed or left alone, and why.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from harness.control.toxiproxy import ProxyControl
from harness.errors import HarnessError
from harness.history.record import read_record, write_record
from harness.runtime.docker_cleanup import (
    DockerLeftover,
    docker_client,
    find_docker_leftovers,
    remove_docker,
)
from harness.runtime.faultproxy_process import attach
from harness.runtime.ownership import (
    Liveness,
    Owner,
    forget_borrowed_proxies,
    read_borrowed_proxies,
    read_owner_file,
    why,
)
from harness.runtime.processes import Leftover, find_leftovers, kill_leftovers

ALL_WARNING = "warning: --all removes every run's leftovers, live runs included"


def clean(out: Path, *, everything: bool = False, run_id: str | None = None) -> list[str]:
    """Remove what gone owners left (`everything`: all of it), for `run_id` or every run."""
    lines = [ALL_WARNING] if everything else []
    lines += _clean_processes(find_leftovers(), everything, run_id)
    client = docker_client()
    if client is not None:
        lines += _clean_docker(find_docker_leftovers(client, run_id), everything)
    runs = out / "runs"
    folders = [runs / run_id] if run_id else sorted(p for p in runs.glob("*") if p.is_dir())
    for folder in folders:
        lines += _clean_folder(folder, everything)
    return lines


def _may_remove(owner: Owner | None, everything: bool) -> tuple[bool, str]:
    state, reason = why(owner)
    return everything or state is Liveness.GONE, reason


_PLURALS = {"process": "processes", "proxy": "proxies"}


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else _PLURALS.get(noun, noun + 's')}"


def _clean_processes(found: Sequence[Leftover], everything: bool, run_id: str | None) -> list[str]:
    groups: dict[tuple[str, Owner | None], list[Leftover]] = defaultdict(list)
    for item in found:
        if run_id is None or item.run_id == run_id:
            groups[(item.run_id, item.owner)].append(item)
    lines = []
    for (run, owner), items in groups.items():
        remove, reason = _may_remove(owner, everything)
        what = f"{_plural(len(items), 'process')} of run {run}"
        if remove:
            kill_leftovers(items)
            pids = ", ".join(str(p.pid) for p in items)
            lines.append(f"stopped {what} (pids {pids}): {reason}")
        else:
            lines.append(f"left {what} alone: {reason}")
    return lines


def _clean_docker(found: Sequence[DockerLeftover], everything: bool) -> list[str]:
    groups: dict[tuple[str, Owner | None], list[DockerLeftover]] = defaultdict(list)
    for thing in found:
        groups[(thing.run_id, thing.owner)].append(thing)
    lines = []
    for (run, owner), things in groups.items():
        remove, reason = _may_remove(owner, everything)
        containers = sum(1 for t in things if t.kind == "container")
        what = (
            f"{_plural(containers, 'container')} and "
            f"{_plural(len(things) - containers, 'network')} of run {run}"
        )
        if remove:
            remove_docker(things)
            lines.append(f"removed {what}: {reason}")
        else:
            lines.append(f"left {what} alone: {reason}")
    return lines


def _clean_folder(folder: Path, everything: bool) -> list[str]:
    owner = read_owner_file(folder)
    if owner is None:
        return []
    remove, reason = _may_remove(owner, everything)
    lines = _remove_borrowed_proxies(folder, reason) if remove else []
    if owner.liveness() is Liveness.GONE:
        lines += _mark_interrupted(folder, owner)
    return lines


def _remove_borrowed_proxies(folder: Path, reason: str) -> list[str]:
    url, recorded = read_borrowed_proxies(folder)
    if not recorded:
        return []
    run = folder.name
    try:
        control = ProxyControl(attach(url))
        listening = {p.name: p.listen for p in control.list()}
        ours = [n for n, listen in recorded.items() if listening.get(n) == listen]
        for name in ours:
            control.delete(name)
    except HarnessError as exc:
        return [f"left the proxies of run {run} on {url}: cannot remove them ({exc})"]
    forget_borrowed_proxies(folder)
    lines = [f"removed {_plural(len(ours), 'proxy')} (with their toxics) of run {run} from {url}: "
             f"{reason}"] if ours else []  # fmt: skip
    others = sorted(n for n in recorded if n in listening and n not in ours)
    if others:
        lines.append(f"left proxies {', '.join(others)} on {url} alone: another run re-made them")
    return lines


def _mark_interrupted(folder: Path, owner: Owner) -> list[str]:
    try:
        record = read_record(folder)
    except (HarnessError, OSError):
        return []  # no run.json (a `harness up` folder) or one this harness cannot read
    if record.status not in ("started", "running"):
        return []
    error = f"killed: its harness (pid {owner.pid}) died; cleaned by harness doctor"
    with contextlib.suppress(OSError):
        write_record(folder, record.evolve(status="interrupted", error=error))
        return [f"marked run {folder.name} interrupted: its harness (pid {owner.pid}) died"]
    return [f"could not mark run {folder.name} interrupted: {folder / 'run.json'} not writable"]
