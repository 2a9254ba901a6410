"""Tests of the parent-side handle: it must never pull gevent/locust into the harness process."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO_ROOT


def test_parent_side_modules_do_not_import_gevent_or_locust() -> None:
    """Importing process/config/pacing/outcome/sink leaves the interpreter un-patched."""
    code = (
        "import sys, harness.load.process, harness.load.config, harness.load.pacing, "
        "harness.load.outcome, harness.load.sink\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('gevent', 'locust'))\n"
        "print(','.join(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
