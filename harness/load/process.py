"""The parent's handle on the load child process, and a tail of its sample stream.

`LoadProcess.start` spawns `python -m harness.load.runner` with the config's flags, stderr to
a log file next to the samples; `stop` sends SIGTERM and, after `timeout_s`, SIGKILL. Only
the process this handle started is ever signalled, by its PID. `tail_samples` reads the
complete lines appended since an offset, for a live progress display.
This module must not import locust or gevent (the runner child does that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness.errors import LoadError
from harness.history.record import LoadRecord
from harness.history.samples import Sample
from harness.load.config import LoadConfig, validate
from harness.load.files import read_ready, read_summary
from harness.runtime.launcher import launch, terminate

__all__ = ["LoadConfig", "LoadProcess", "tail_samples"]

READY_TIMEOUT_S = 60.0
"""How long Locust may take to import and spawn its customers (seconds, on a busy machine)."""


@dataclass
class LoadProcess:
    """A running (or finished) load child; `start` makes one."""

    popen: subprocess.Popen[bytes]
    out_path: Path
    log_path: Path

    @classmethod
    def start(
        cls,
        config: LoadConfig,
        out_path: Path,
        *,
        log_path: Path | None = None,
        run_id: str | None = None,
    ) -> LoadProcess:
        """Spawn the runner for `config`, streaming samples to `out_path`.

        With `run_id`, the child carries the run marker, so `harness doctor` finds it when
        the harness that started it was killed."""
        validate(config)
        log_path = log_path or out_path.with_name(out_path.name + ".log")
        argv = [sys.executable, "-m", "harness.load.runner", *config.to_argv(out_path)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOCUST_")}
        try:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("ab") as log_file:
                popen = launch(argv, env=env, run_id=run_id, stdout=log_file, new_session=False)
        except OSError as exc:
            raise LoadError(f"load process: cannot start the runner: {exc}") from None
        return cls(popen=popen, out_path=out_path, log_path=log_path)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        """The exit code, or None while it runs."""
        return self.popen.poll()

    def wait(self, timeout_s: float | None = None) -> int:
        """Wait for the runner to exit; LoadError if it is still running after `timeout_s`."""
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise LoadError(
                f"load process {self.pid}: still running after {timeout_s:g} s"
            ) from None

    def await_ready(self, timeout_s: float = READY_TIMEOUT_S) -> float:
        """The epoch second the child's first request falls due, once its customers are up;
        LoadError when it exits first or is not ready within `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            t0_s = read_ready(self.out_path)
            if t0_s is not None:
                return t0_s
            if self.popen.poll() is not None:
                raise LoadError(self.failure() or f"load runner exited {self.popen.returncode}")
            time.sleep(0.02)
        raise LoadError(f"load process {self.pid}: not ready after {timeout_s:g} s")

    def summary(self) -> LoadRecord | None:
        """How the generator fared, once it has ended (None if it was killed first)."""
        return read_summary(self.out_path)

    def stop(self, timeout_s: float = 5.0) -> int | None:
        """SIGTERM (the runner flushes and exits 0), SIGKILL after `timeout_s`; the exit code."""
        return terminate(self.popen, timeout_s)

    def failure(self) -> str | None:
        """The runner's last stderr line when it exited non-zero, else None."""
        code = self.popen.poll()
        if code is None or code == 0:
            return None
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        last = lines[-1] if lines else "no output"
        return f"load runner exited {code}: {last}"


def tail_samples(path: Path, from_offset: int = 0) -> tuple[list[Sample], int]:
    """Samples in the complete lines after byte `from_offset`, and the offset to read from next."""
    try:
        with path.open("rb") as stream:
            stream.seek(from_offset)
            chunk = stream.read()
    except FileNotFoundError:
        return [], from_offset
    end = chunk.rfind(b"\n") + 1
    samples = [Sample(**json.loads(line)) for line in chunk[:end].splitlines() if line]
    return samples, from_offset + end
