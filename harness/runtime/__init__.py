"""Runtimes start the mock bank somewhere (processes, containers) and apply process-level faults.

Registered by name; `make_runtime` builds one, an unknown name lists the valid ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from harness.errors import ConfigError
from harness.runtime.base import Runtime


def _local() -> Runtime:
    from harness.runtime.local import LocalRuntime

    return LocalRuntime()


def _docker() -> Runtime:
    from harness.runtime.docker import DockerRuntime

    return DockerRuntime()


RUNTIMES: Mapping[str, Callable[[], Runtime]] = {"local": _local, "docker": _docker}


def make_runtime(name: str) -> Runtime:
    if name not in RUNTIMES:
        raise ConfigError(f"--runtime: unknown runtime {name!r}; valid: {', '.join(RUNTIMES)}")
    return RUNTIMES[name]()
