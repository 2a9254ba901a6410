"""How busy the machine was with work that is not this run's, sampled while the run goes on.

Timings measured on a machine whose CPUs another job is using (a second suite, a build, a CPU
hog) say nothing about the bank: a hardened bank sheds load and misses its bars because it is
starved, not because it is fragile. Once a second `MachineWatch.sample` reads `/proc/stat`
(all CPU time) and `/proc/<pid>/stat` of this run's processes (the harness and every process
it started, plus the processes of its containers) and keeps the share of all CPU capacity that
went to anything else. The analysis makes a run whose average foreign share was high
inconclusive (`machine:cpu`). Linux only; elsewhere, or when /proc cannot be read, it records
nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from harness.history.record import MachineRecord

PROC = Path("/proc")


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine since boot, in clock ticks."""
    fields = [int(f) for f in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is in user)
    return total - idle, total


def process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks used so far) for every process that can be read."""
    table: dict[int, tuple[int, int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            rest = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]))
    return table


def descendants(root: int, table: dict[int, tuple[int, int]]) -> set[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def in_containers(pids: set[int], container_ids: tuple[str, ...]) -> set[int]:
    """The pids whose cgroup names one of the containers (their processes are ours too)."""
    if not container_ids:
        return set()
    mine = set()
    for pid in pids:
        try:
            cgroup = (PROC / str(pid) / "cgroup").read_text()
        except OSError:
            continue
        if any(cid in cgroup for cid in container_ids):
            mine.add(pid)
    return mine


class MachineWatch:
    def __init__(self, container_ids: Callable[[], tuple[str, ...]], root: int = 0) -> None:
        self.root = root or os.getpid()
        self.container_ids = container_ids
        self.shares: list[float] = []
        self._busy, self._total = cpu_jiffies()
        self._own = self._own_ticks(process_table())

    def _own_ticks(self, table: dict[int, tuple[int, int]]) -> dict[int, int]:
        own = descendants(self.root, table)
        own |= in_containers(set(table) - own, self.container_ids())
        return {pid: table[pid][1] for pid in own}

    def sample(self) -> None:
        """Add the foreign share of the CPU time since the last sample."""
        busy, total = cpu_jiffies()
        own = self._own_ticks(process_table())
        own_used = sum(max(0, ticks - self._own.get(pid, 0)) for pid, ticks in own.items())
        if total > self._total:
            foreign = (busy - self._busy - own_used) / (total - self._total)
            self.shares.append(min(1.0, max(0.0, foreign)))
        self._busy, self._total, self._own = busy, total, own

    def record(self) -> MachineRecord | None:
        if not self.shares:
            return None
        return MachineRecord(
            cores=os.cpu_count() or 1,
            foreign_cpu_pct_mean=round(100.0 * sum(self.shares) / len(self.shares), 1),
            foreign_cpu_pct_peak=round(100.0 * max(self.shares), 1),
            samples=len(self.shares),
        )
