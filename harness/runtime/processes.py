"""Child processes of a run: started, signalled and stopped by PID, and found again after a crash.

Every child is started by the one launcher (`runtime.launcher`) with `BANK_CHAOS_RUN=<run id>`
in its environment, and `BANK_CHAOS_OWNER=<host>:<pid>:<start>` naming the harness that owns it.
The markers are how `harness doctor` finds processes a killed harness left behind (by scanning
/proc, then signalling each PID it found) and tells them from a live run's, so nothing depends
on the harness surviving.
This module must not know what the processes are; the runtime does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from harness.errors import InfraError
from harness.interrupts import shielded
from harness.runtime.launcher import RUN_MARKER, launch, terminate, terminate_all
from harness.runtime.ownership import OWNER_MARKER, Owner

log = structlog.get_logger()


@dataclass
class Child:
    name: str
    argv: tuple[str, ...]
    log_path: Path
    popen: subprocess.Popen[bytes]
    frozen: bool = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class ProcessGroup:
    """The processes one run started, by name."""

    run_id: str
    env: Mapping[str, str] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)
    planned_down: set[str] = field(default_factory=set)
    """Children stopped on purpose (a crash fault, a stop) and not started again since."""

    def unplanned_exits(self) -> list[str]:
        """Children that exited although nothing stopped them, with their exit codes."""
        return [
            f"{name} exited with code {child.popen.returncode} outside the plan"
            for name, child in self.children.items()
            if name not in self.planned_down and not child.alive()
        ]

    def start(self, name: str, argv: Sequence[str], log_path: Path) -> Child:
        """Start `argv` with its output in `log_path`; the child ignores terminal Ctrl-C."""
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        with shielded():  # an Interrupted raised here would lose track of the child
            with log_path.open("ab") as out:
                popen = launch(argv, env=env, run_id=self.run_id, stdout=out)
            child = Child(name, tuple(argv), log_path, popen)
            self.children[name] = child
            self.planned_down.discard(name)
        log.debug("process_started", name=name, pid=child.pid)
        return child

    def get(self, name: str) -> Child:
        if name not in self.children:
            raise InfraError(f"no process named {name!r}; running: {', '.join(self.children)}")
        return self.children[name]

    def kill(self, name: str) -> None:
        """SIGKILL `name` (a crash) and reap it."""
        child = self.get(name)
        self.planned_down.add(name)
        if child.frozen:
            self.thaw(name)
        if child.alive():
            os.kill(child.pid, signal.SIGKILL)
        child.popen.wait(timeout=10)

    def freeze(self, name: str) -> None:
        """SIGSTOP `name`: the process hangs with its sockets open (a gray failure)."""
        child = self.get(name)
        if child.alive():
            os.kill(child.pid, signal.SIGSTOP)
            child.frozen = True

    def thaw(self, name: str) -> None:
        child = self.get(name)
        if child.alive() and child.frozen:
            os.kill(child.pid, signal.SIGCONT)
        child.frozen = False

    def restart(self, name: str) -> Child:
        """Start `name` again with the same command line (after a crash or a stop)."""
        old = self.get(name)
        if old.alive():
            self.stop_one(name)
        return self.start(name, old.argv, old.log_path)

    def stop_one(self, name: str, timeout_s: float = 5.0) -> None:
        child = self.get(name)
        self.planned_down.add(name)
        child.frozen = False
        terminate(child.popen, timeout_s)

    def stop_all(self, timeout_s: float = 5.0) -> list[str]:
        """Stop every child (SIGTERM, then SIGKILL); returns the names that would not die."""
        for child in self.children.values():
            child.frozen = False
        self.planned_down.update(self.children)
        return terminate_all({c.name: c.popen for c in self.children.values()}, timeout_s)


def python_module(module: str, *args: str) -> tuple[str, ...]:
    """argv that runs `python -m module args` with this interpreter."""
    return (sys.executable, "-m", module, *args)


@dataclass(frozen=True)
class Leftover:
    pid: int
    run_id: str
    cmdline: str
    owner: Owner | None = None


def _marker(environ: list[bytes], name: str) -> str | None:
    prefix = f"{name}=".encode()
    for item in environ:
        if item.startswith(prefix):
            return item[len(prefix) :].decode(errors="replace")
    return None


def find_leftovers(exclude_run: str | None = None) -> list[Leftover]:
    """Processes carrying the run marker (from any run but `exclude_run`), with their owner."""
    found: list[Leftover] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        run_id = _marker(environ, RUN_MARKER)
        if run_id is not None and run_id != exclude_run:
            owner = Owner.parse(_marker(environ, OWNER_MARKER))
            found.append(Leftover(int(entry.name), run_id, cmdline.strip(), owner))
    return found


def kill_leftovers(leftovers: Sequence[Leftover]) -> None:
    """SIGCONT then SIGKILL each leftover PID (frozen ones must be thawed to die cleanly)."""
    for item in leftovers:
        for sig in (signal.SIGCONT, signal.SIGKILL):
            try:
                os.kill(item.pid, sig)
            except ProcessLookupError:
                break
