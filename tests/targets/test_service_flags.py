"""Every service's command line refuses bad flags and environment values with one usage line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SERVICES = ("core_banking", "payments", "clearing", "mobile_api")


def _start(service: str, *flags: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", f"targets.{service}", *flags],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return result.returncode, result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    ("flags", "env", "reason"),
    [
        (("--port", "70000"), {}, "--port: 70000 is not a TCP port"),
        ((), {"BANK_PORT": "eighty"}, "--port: invalid tcp_port value: 'eighty'"),
        (("--log-level", "loud"), {}, "--log-level: invalid choice: 'loud'"),
        (("--seed", "-1"), {}, "--seed: -1 is not a seed"),
        (("--profile", "brittle"), {}, "unknown profile 'brittle'; valid: hardened, fragile"),
    ],
)
def test_bad_flags_are_one_usage_line(
    service: str, flags: tuple[str, ...], env: dict[str, str], reason: str
) -> None:
    code, last_line = _start(service, *flags, env=env)
    assert code == 2, last_line
    assert f"python -m targets.{service}: error:" in last_line and reason in last_line, last_line
