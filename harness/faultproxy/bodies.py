"""Request bodies decoded as Toxiproxy's Go handlers decode them: which fields each body has,
the Go types that error messages name, and the checks the handlers make before acting.

Create reads a `toxiproxy.Proxy`, populate a slice of an anonymous struct embedding it, a new
toxic a `toxics.ToxicWrapper` whose attributes start as a NoopToxic, and a toxic update an
anonymous `{attributes, toxicity}` struct (so `name`, `type` and `stream` are not even read).
This module must not touch proxies or toxics' state.
"""

from __future__ import annotations

from typing import Any

from harness.faultproxy.codec import (
    BOOL,
    FLOAT32,
    STRING,
    BodyError,
    decode_first,
    decode_struct,
    kind_of,
    object_of,
)
from harness.faultproxy.collection import ApiError, ProxyConfig

PROXY_TYPE = "toxiproxy.Proxy"
PROXY_FIELDS = {"name": STRING, "listen": STRING, "upstream": STRING, "enabled": BOOL}
POPULATE_ITEM_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }'
TOXIC_TYPE = "toxics.ToxicWrapper"
TOXIC_FIELDS = {
    "name": STRING,
    "type": STRING,
    "stream": STRING,
    "toxicity": FLOAT32,
    "attributes": object_of("toxics.NoopToxic"),
}
TOXIC_UPDATE_TYPE = (
    'struct { Attributes interface {} "json:\\"attributes\\""; '
    'Toxicity float32 "json:\\"toxicity\\"" }'
)


def proxy_fields(body: bytes) -> dict[str, Any]:
    """The fields of a proxy create or update body that are present and not null."""
    return decode_struct(decode_first(body), PROXY_TYPE, PROXY_FIELDS)


def proxy_config(fields: dict[str, Any], *, where: str = "") -> ProxyConfig:
    """A proxy to create; 400 `missing required field: …` (with `where`) for name, upstream."""
    name = str(fields.get("name", ""))
    upstream = str(fields.get("upstream", ""))
    if not name:
        raise ApiError(400, f"missing required field: name{where}")
    if not upstream:
        raise ApiError(400, f"missing required field: upstream{where}")
    return ProxyConfig(
        name, str(fields.get("listen", "")), upstream, bool(fields.get("enabled", True))
    )


def populate_configs(body: bytes) -> list[ProxyConfig]:
    """Every proxy of a populate body, all validated before any is acted on."""
    value = decode_first(body)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BodyError(
            f"json: cannot unmarshal {kind_of(value)} into Go value of type []{POPULATE_ITEM_TYPE}"
        )
    decoded = [decode_struct(item, POPULATE_ITEM_TYPE, PROXY_FIELDS, "") for item in value]
    return [proxy_config(f, where=f" at proxy {i}") for i, f in enumerate(decoded, start=1)]


def toxic_fields(body: bytes) -> dict[str, Any]:
    """The fields of a new toxic's body that are present and not null."""
    return decode_struct(decode_first(body), TOXIC_TYPE, TOXIC_FIELDS)


def toxic_update_fields(body: bytes, go_name: str) -> dict[str, Any]:
    """`attributes` and `toxicity` of a toxic update body; `go_name` is the toxic's Go type."""
    fields = {"attributes": object_of(f"toxics.{go_name}"), "toxicity": FLOAT32}
    return decode_struct(decode_first(body), TOXIC_UPDATE_TYPE, fields, "")
