"""The files the load child leaves beside its samples (`load.jsonl`), and how they are read.

`load.ready.json` says when the first request fell due (`t0_s`, epoch seconds): the child
writes it once its customers are spawned, and the run's clock starts there.
`load.summary.json` says, at the end, how far the customer pool grew and whether the
generator fell short (due requests it could not send, a saturated CPU). `load.plan.json` is
the offered load over time (`harness.load.plan`: rate and mix by stage, seconds from t0), so
the analysis knows the rate offered at every moment. All are written whole, so a reader never
sees half a file. No gevent, no Locust: both sides import this.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.errors import LoadError
from harness.history.record import LoadRecord
from harness.load.plan import LoadPlan, plan_from_document


def ready_path(samples: Path) -> Path:
    return samples.with_name(samples.stem + ".ready.json")


def summary_path(samples: Path) -> Path:
    return samples.with_name(samples.stem + ".summary.json")


def plan_path(samples: Path) -> Path:
    return samples.with_name(samples.stem + ".plan.json")


def read_plan(samples: Path) -> LoadPlan | None:
    """The offered load of the run whose samples are at `samples`; None if never written."""
    path = plan_path(samples)
    try:
        return plan_from_document(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"{path}: not a load plan: {exc}") from None


def read_ready(samples: Path) -> float | None:
    """The epoch second the first request fell due, or None before the child is ready."""
    path = ready_path(samples)
    if not path.is_file():
        return None
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["t0_s"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"{path}: not a ready file: {exc}") from None


def read_summary(samples: Path) -> LoadRecord | None:
    """What the generator reported at its end; None when it never got there (killed)."""
    path = summary_path(samples)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return LoadRecord(
            peak_users=int(document["peak_users"]),
            max_users=int(document["max_users"]),
            unserved=int(document["unserved"]),
            cpu_saturated=bool(document["cpu_saturated"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoadError(f"{path}: not a load summary: {exc}") from None
