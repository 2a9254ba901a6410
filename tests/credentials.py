"""The bank tokens tests give the service processes they start themselves (harness-started
banks make random ones), and the headers that carry them."""

from __future__ import annotations

ADMIN_TOKEN = "test-admin-token-0123456789"
SERVICE_TOKEN = "test-service-token-0123456789"
TOKEN_ENV = {"BANK_ADMIN_TOKEN": ADMIN_TOKEN, "BANK_SERVICE_TOKEN": SERVICE_TOKEN}
ADMIN = {"X-Admin-Token": ADMIN_TOKEN}
SERVICE = {"X-Service-Token": SERVICE_TOKEN}
