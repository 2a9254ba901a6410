"""Proxies, toxics and errors as Toxiproxy 2.12 prints them, byte for byte.

Field order, the stray `"Logger":{}`, float32 toxicity and the error bodies follow the Go
server. This module must not change any state.
"""

from __future__ import annotations

from harness.faultproxy.codec import encode, format_float32
from harness.faultproxy.proxy import Proxy, ToxicEntry

JSON = "application/json"
PLAIN = "text/plain; charset=utf-8"


def toxic_json(entry: ToxicEntry) -> str:
    """`{"attributes":…,"name":…,"type":…,"stream":…,"toxicity":…}`."""
    return (
        f'{{"attributes":{encode(entry.toxic.attributes())},"name":{encode(entry.name)},'
        f'"type":{encode(entry.type_name)},"stream":{encode(entry.stream_text)},'
        f'"toxicity":{format_float32(entry.toxicity)}}}'
    )


def toxics_json(proxy: Proxy) -> str:
    """The proxy's toxics, upstream first."""
    return "[" + ",".join(toxic_json(entry) for entry in proxy.ordered_toxics()) + "]"


def proxy_json(proxy: Proxy) -> str:
    """`{"name","listen","upstream","enabled","Logger":{},"toxics":[…]}`."""
    return (
        f'{{"name":{encode(proxy.name)},"listen":{encode(proxy.listen)},'
        f'"upstream":{encode(proxy.upstream)},"enabled":{encode(proxy.enabled)},'
        f'"Logger":{{}},"toxics":{toxics_json(proxy)}}}'
    )


def proxies_json(proxies: dict[str, Proxy]) -> str:
    """`{name: proxy}` sorted by name."""
    items = (f"{encode(name)}:{proxy_json(proxies[name])}" for name in sorted(proxies))
    return "{" + ",".join(items) + "}"


def populate_json(proxies: list[Proxy] | None) -> str:
    """`{"proxies":[…]}`; null when nothing was processed."""
    listed = "null" if not proxies else "[" + ",".join(proxy_json(p) for p in proxies) + "]"
    return f'{{"proxies":{listed}}}'


def populate_error_json(status: int, message: str, proxies: list[Proxy] | None) -> str:
    """`{"error","status","proxies"}`, populate's own error body; null when none was done."""
    listed = "null" if not proxies else "[" + ",".join(proxy_json(p) for p in proxies) + "]"
    return f'{{"error":{encode(message)},"status":{status},"proxies":{listed}}}'


def error_json(status: int, message: str) -> str:
    """`{"error":…,"status":…}` plus the newline Go's http.Error appends."""
    return f'{{"error":{encode(message)},"status":{status}}}\n'
