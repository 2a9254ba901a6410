"""Check kinds, registered by name: each is a pure function `checks(evidence) -> [Check]`.

Adding a check kind is one module here and one line in `CHECK_KINDS`; its ids are
`<kind>:subject[:phase][:metric]` (`harness.spec.check_ids`). Importing this package registers
nothing by side effect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from harness.analysis.checks import Check
from harness.analysis.evidence import Evidence
from harness.analysis.kinds import (
    abort,
    cleanup,
    comms,
    detect,
    invariant,
    load,
    machine,
    notify,
    recovery,
    slo,
    support,
    timeline,
)

CheckKind = Callable[[Evidence], list[Check]]

CHECK_KINDS: Mapping[str, CheckKind] = {
    "slo": slo.checks,
    "recovery": recovery.checks,
    "invariant": invariant.checks,
    "abort": abort.checks,
    "timeline": timeline.checks,
    "cleanup": cleanup.checks,
    "load": load.checks,
    "machine": machine.checks,
    "comms": comms.checks,
    "notify": notify.checks,
    "detect": detect.checks,
    "support": support.checks,
}


def evaluate(evidence: Evidence) -> list[Check]:
    """Every check of every registered kind, in the registry's order."""
    return [check for kind in CHECK_KINDS.values() for check in kind(evidence)]
