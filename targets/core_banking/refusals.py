"""The one way core-banking says no: a `RefusalError` carries the HTTP status and the error code.

Routes turn it into `{"error": code, "detail": ..., **extra}`; the ledger raises it where a
business rule refuses a request. It must not carry stack traces or internal addresses.
"""

from __future__ import annotations

from collections.abc import Mapping


class RefusalError(Exception):
    """A request refused on purpose: HTTP `status`, snake_case `code`, one-line `detail`."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        extra: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        """The JSON error body."""
        return {"error": self.code, "detail": self.detail, **self.extra}
