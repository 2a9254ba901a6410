"""The notification channels and the contact centre as real processes on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.credentials import ADMIN, SERVICE, TOKEN_ENV
from tests.targets.test_clearing_app import free_port, running_service


@pytest.mark.integration
def test_notifications_process_keeps_its_log_across_a_restart(tmp_path: Path) -> None:
    """All 5 seeded customers are notified; 401 without the credential; after a restart on the
    same --db the export still holds the first notification and ids go on."""
    db = str(tmp_path / "notifications.sqlite")
    admin_port = free_port()
    args = ["--db", db, "--customers", "5", "--admin-port", str(admin_port), "--seed", "2"]
    body = {
        "channel": "push",
        "reason": "reset",
        "incident_id": None,
        "message": "Please change your password at your next login.",
        "audience": {"all": True},
    }
    with running_service("targets.notifications", args, tmp_path / "n1.log") as service:
        refused = httpx.post(f"{service.url}/v1/notifications", json=body, timeout=5)
        assert refused.status_code == 401
        sent = httpx.post(f"{service.url}/v1/notifications", json=body, headers=SERVICE, timeout=5)
        assert sent.status_code == 202 and sent.json()["recipients"] == 5
        assert httpx.get(f"{service.url}/admin/export", headers=ADMIN, timeout=5).status_code == 404
    with running_service("targets.notifications", args, tmp_path / "n2.log") as service:
        again = httpx.post(f"{service.url}/v1/notifications", json=body, headers=SERVICE, timeout=5)
        assert again.json() == {"notification_id": "NTF-000002", "recipients": 5}
        export = httpx.get(f"http://127.0.0.1:{admin_port}/admin/export", headers=ADMIN, timeout=5)
        rows = export.json()["deliveries"]
        assert [n["notification_id"] for n in export.json()["notifications"]] == [
            "NTF-000001",
            "NTF-000002",
        ]
        assert sorted({r["customer_id"] for r in rows}) == [f"CUST-{i:04d}" for i in range(1, 6)]
        assert len(rows) == 10


@pytest.mark.integration
@pytest.mark.parametrize(("profile", "overflow"), [("fragile", "busy"), ("hardened", "callback")])
def test_contact_centre_process_under_a_call_surge(
    tmp_path: Path, profile: str, overflow: str
) -> None:
    """30 calls at once to 4 agents on long calls: 4 answered, 20 on hold, 6 busy (fragile) or
    offered a callback (hardened); customers need no credential."""
    admin_port = free_port()
    args = [
        "--profile",
        profile,
        "--set",
        "contact_handle_s=10000",  # no call ends during the test
        "--set",
        "contact_callback_after_wait_s=50000",  # the estimate at position 20: callbacks past it
        "--admin-port",
        str(admin_port),
    ]
    with running_service("targets.contact_centre", args, tmp_path / "cc.log") as service:
        outcomes = []
        with httpx.Client(base_url=service.url, timeout=5) as client:
            for i in range(30):
                body = {"customer_id": f"CUST-{i + 1:04d}", "reason": "breach", "patience_s": 600}
                outcomes.append(client.post("/v1/calls", json=body).json()["outcome"])
        assert outcomes == ["answered"] * 4 + ["queued"] * 20 + [overflow] * 6
        export = httpx.get(f"http://127.0.0.1:{admin_port}/admin/export", headers=ADMIN, timeout=5)
        assert [c["outcome"] for c in export.json()["calls"]] == outcomes


@pytest.mark.integration
def test_contact_centre_refuses_knobs_out_of_range_with_a_usage_line() -> None:
    """`--set contact_agents=0` is a one-line usage error (exit 2), not a traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "targets.contact_centre", "--set", "contact_agents=0"],
        env={**os.environ, **TOKEN_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "contact_agents must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
