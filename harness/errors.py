"""The harness's one error hierarchy and its exit codes; only the CLI exits with them.

    HarnessError
     ├── ConfigError   bad input: an experiment file, a CLI flag, an API body   (exit 2)
     ├── InfraError    the machinery failed: a process, a port, a container     (exit 3)
     │    ├── UnplannedExitError  a part of the bank stopped outside the plan
     │    └── ProxyError   the fault proxy refused or failed a call
     └── LoadError     the load generator could not run                         (exit 3)

Messages name the place (file, key, proxy) and the reason, on one line.
"""

from __future__ import annotations

EXIT_OK = 0
"""Every verdict as expected."""
EXIT_EXPECTATION = 1
"""A verdict differed from its expectation."""
EXIT_INPUT = 2
"""Bad input: an experiment file, a target file, a flag."""
EXIT_INFRA = 3
"""Infrastructure error, interruption or an inconclusive run."""


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""

    exit_code = EXIT_INFRA


class ConfigError(HarnessError):
    """Bad input from the user; the message names the place and the fix."""

    exit_code = EXIT_INPUT


class InfraError(HarnessError):
    """A runtime, process, port or container could not be brought to the wanted state."""


class UnplannedExitError(InfraError):
    """A part of the bank stopped although no fault or stop asked it to: the run says nothing
    about the bank's resilience (the harness or the machine failed, or the bank crashed by
    itself), so it is inconclusive, never a verdict."""


class ProxyError(InfraError):
    """The fault proxy's API answered with an error or not at all."""


class LoadError(HarnessError):
    """The load generator could not start or stream its records."""
