"""targets.access: tokens only from the environment, the listener split and the service
credential, on an in-process app (the served bank is tested in tests/e2e/test_bank_access.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from targets.access import Credentials
from targets.clearing.app import build_app
from targets.clearing.scheme import SchemeConfig
from targets.profiles import HARDENED
from tests.credentials import ADMIN, ADMIN_TOKEN, SERVICE, SERVICE_TOKEN, TOKEN_ENV


def test_tokens_come_from_the_environment_or_nowhere() -> None:
    assert Credentials.from_env(TOKEN_ENV) == Credentials(ADMIN_TOKEN, SERVICE_TOKEN)
    with pytest.raises(ValueError, match="BANK_ADMIN_TOKEN is not set"):
        Credentials.from_env({"BANK_SERVICE_TOKEN": SERVICE_TOKEN})
    with pytest.raises(ValueError, match="BANK_SERVICE_TOKEN is shorter than 16"):
        Credentials.from_env({**TOKEN_ENV, "BANK_SERVICE_TOKEN": "short"})
    fresh, other = Credentials.generate(), Credentials.generate()
    assert fresh != other and fresh.admin_token != fresh.service_token


def _clearing(admin_port: int | None) -> TestClient:
    app = build_app(SchemeConfig(), 7, Credentials(ADMIN_TOKEN, SERVICE_TOKEN), HARDENED)
    app.state.admin_port = admin_port  # what `serve` sets when it binds the admin listener
    return TestClient(app)  # requests arrive on port 80


def test_admin_routes_answer_only_on_the_admin_listener() -> None:
    public, admin = _clearing(admin_port=8001), _clearing(admin_port=80)
    assert public.get("/admin/export", headers=ADMIN).status_code == 404
    assert admin.get("/admin/export", headers=ADMIN).status_code == 200
    assert admin.get("/admin/export").status_code == 401
    assert (
        admin.post("/v1/pacs028", json={"end_to_end_id": "E1"}, headers=SERVICE).status_code == 404
    )
    assert public.get("/health/live").status_code == admin.get("/health/live").status_code == 200


def test_inner_services_want_the_service_credential() -> None:
    client = _clearing(admin_port=None)
    inquiry = {"end_to_end_id": "E1"}
    refused = client.post("/v1/pacs028", json=inquiry)
    assert (refused.status_code, refused.json()["error"]) == (401, "service_credential_required")
    assert client.post("/v1/pacs028", json=inquiry, headers=ADMIN).status_code == 401
    assert client.post("/v1/pacs028", json=inquiry, headers=SERVICE).status_code == 200
    assert client.get("/internal/export").status_code == 401
    assert client.get("/internal/export", headers=SERVICE).status_code == 200
