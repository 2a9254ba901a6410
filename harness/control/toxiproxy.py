"""Drive a fault proxy (ours or a real Toxiproxy) through the Toxiproxy HTTP API.

`ProxyControl` is the harness's one way to create proxies, re-point them, and add, change and
remove toxics. It speaks only the public API, so any Toxiproxy 2.x server works.

Transport: the `toxiproxy` package (toxiproxy-python 0.1.1). Its `APIConsumer` keeps host and
port as class attributes, i.e. process-global, and its calls set no timeout. Rather than mutate
that global under a lock, every `ProxyControl` gets its own `APIConsumer` subclass bound to its
server: the classmethods read `cls.host`/`cls.port`, so each control is isolated and
thread-safe, and every call passes an explicit timeout through to `requests`. The package's
high-level `Toxiproxy`/`Proxy` objects are not used here because they are hard-wired to the
global consumer, cannot take a timeout, and turn a 5xx into a `KeyError`; the endpoints they
lack (`GET /proxies/{name}`, `POST /populate`, upstream and toxic updates) go through the same
consumer as plain HTTP.

Every failure (4xx, 5xx, timeout, refused connection, a body that is not the expected JSON)
leaves this module as a one-line `ProxyError` naming the proxy or toxic and the server's text.
This module must not start or stop server processes (see `harness.runtime.faultproxy_process`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import requests
import structlog
from toxiproxy.api import APIConsumer
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists

from harness.errors import HarnessError, ProxyError
from harness.topology import Endpoint

Stream = Literal["upstream", "downstream"]
_CLIENT_ERRORS: dict[type[Exception], int] = {ProxyExists: 409, NotFound: 404, InvalidToxic: 400}
_BARE_VERSION = re.compile(r"^v?[0-9A-Za-z.+-]{1,40}$")
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ToxicSpec:
    """A toxic to add: `type` as Toxiproxy names it, attributes in the type's units (ms, KB/s)."""

    type: str
    name: str | None = None
    stream: Stream = "downstream"
    toxicity: float = 1.0
    attributes: Mapping[str, int] = field(default_factory=dict)

    @property
    def effective_name(self) -> str:
        """The name the server gives it: `name`, or Toxiproxy's default `<type>_<stream>`."""
        return self.name or f"{self.type}_{self.stream}"


@dataclass(frozen=True)
class ToxicInfo:
    """A toxic as the server reports it."""

    name: str
    type: str
    stream: str
    toxicity: float
    attributes: Mapping[str, int]


@dataclass(frozen=True)
class ProxyInfo:
    """A proxy as the server reports it; `listen` is the bound address once it has started."""

    name: str
    listen: str
    upstream: str
    enabled: bool
    toxics: tuple[ToxicInfo, ...] = ()

    @property
    def listen_endpoint(self) -> Endpoint:
        """`listen` as an Endpoint (a wildcard bind is reached on 127.0.0.1)."""
        host, _, port = self.listen.rpartition(":")
        host = host.strip("[]")
        if host in ("", "::", "0.0.0.0"):
            host = "127.0.0.1"
        return Endpoint(host, int(port))


@dataclass(frozen=True)
class ProxySpec:
    """One entry of a `populate` call."""

    name: str
    listen: str
    upstream: str
    enabled: bool = True


class ProxyControl:
    """Client of one fault-proxy server's API, with a per-call timeout."""

    def __init__(self, api: Endpoint, timeout_s: float = 5.0) -> None:
        self.api = api
        self.timeout_s = timeout_s
        self._consumer: Any = type(
            f"APIConsumer[{api.address}]", (APIConsumer,), {"host": api.host, "port": api.port}
        )

    # -- proxies ---------------------------------------------------------------------------

    def create(
        self, name: str, listen: Endpoint | str, upstream: Endpoint | str, enabled: bool = True
    ) -> ProxyInfo:
        """Create proxy `name` listening on `listen` and forwarding to `upstream`."""
        body = {
            "name": name,
            "listen": _address(listen),
            "upstream": _address(upstream),
            "enabled": enabled,
        }
        info = _proxy_info(self._call("post", "/proxies", f"create proxy {name!r}", body))
        log.debug("proxy created", proxy=name, listen=info.listen, upstream=info.upstream)
        return info

    def get(self, name: str) -> ProxyInfo:
        """The proxy called `name`."""
        return _proxy_info(self._call("get", _proxy_path(name), f"get proxy {name!r}"))

    def list(self) -> tuple[ProxyInfo, ...]:
        """Every proxy on the server, sorted by name."""
        data = self._call("get", "/proxies", "list proxies")
        if not isinstance(data, dict):
            raise ProxyError(
                f"list proxies on {self.api.address}: expected an object, got {data!r:.80}"
            )
        return tuple(_proxy_info(data[key]) for key in sorted(data))

    def set_enabled(self, name: str, enabled: bool) -> ProxyInfo:
        """Enable (listen again on the same address) or disable (refuse, drop connections)."""
        verb = "enable" if enabled else "disable"
        info = _proxy_info(
            self._call("post", _proxy_path(name), f"{verb} proxy {name!r}", {"enabled": enabled})
        )
        log.debug("proxy toggled", proxy=name, enabled=enabled)
        return info

    def set_upstream(self, name: str, upstream: Endpoint | str) -> ProxyInfo:
        """Re-point proxy `name` at `upstream`, as an operator re-points a load balancer.

        The server restarts the proxy on the same listen address: open connections drop,
        new ones reach the new upstream.
        """
        target = _address(upstream)
        subject = f"re-point proxy {name!r} at {target}"
        info = _proxy_info(self._call("post", _proxy_path(name), subject, {"upstream": target}))
        log.info("proxy re-pointed", proxy=name, upstream=target)
        return info

    def delete(self, name: str) -> None:
        """Delete proxy `name`: its listener and connections close."""
        self._call("delete", _proxy_path(name), f"delete proxy {name!r}")

    def populate(self, proxies: Sequence[ProxySpec]) -> tuple[ProxyInfo, ...]:
        """Create or replace proxies in one `POST /populate` (unchanged ones keep toxics)."""
        body = [
            {"name": p.name, "listen": p.listen, "upstream": p.upstream, "enabled": p.enabled}
            for p in proxies
        ]
        subject = f"populate {len(body)} proxies"
        data = self._call("post", "/populate", subject, body)
        created = data.get("proxies") if isinstance(data, dict) else None
        if data is None or not isinstance(data, dict) or not isinstance(created, list | None):
            raise ProxyError(f"{subject} on {self.api.address}: unexpected answer {data!r:.80}")
        return tuple(_proxy_info(item) for item in created or [])

    def reset(self) -> None:
        """Re-enable every proxy and remove every toxic (`POST /reset`)."""
        self._call("post", "/reset", "reset all proxies")

    def version(self) -> str:
        """The server's version string, e.g. "2.12.0"."""
        data = self._call("get", "/version", "get version", allow_text=True)
        if isinstance(data, dict) and isinstance(data.get("version"), str):
            return str(data["version"])
        if isinstance(data, str) and _BARE_VERSION.match(data):
            return data
        raise ProxyError(f"get version from {self.api.address}: unexpected answer {data!r:.80}")

    # -- toxics ----------------------------------------------------------------------------

    def add_toxic(self, proxy: str, spec: ToxicSpec) -> ToxicInfo:
        """Add `spec` at the end of its stream's chain; it applies to open connections too."""
        body: dict[str, Any] = {
            "type": spec.type,
            "stream": spec.stream,
            "toxicity": spec.toxicity,
            "attributes": dict(spec.attributes),
        }
        if spec.name is not None:
            body["name"] = spec.name
        subject = f"add toxic {spec.effective_name!r} ({spec.type}) to proxy {proxy!r}"
        info = _toxic_info(self._call("post", _toxics_path(proxy), subject, body))
        log.info("toxic added", proxy=proxy, toxic=info.name, type=info.type, stream=info.stream)
        return info

    def update_toxic(
        self,
        proxy: str,
        name: str,
        attributes: Mapping[str, int] | None = None,
        toxicity: float | None = None,
    ) -> ToxicInfo:
        """Change a toxic's attributes (merged into the current ones) and/or toxicity."""
        body: dict[str, Any] = {}
        if attributes is not None:
            body["attributes"] = dict(attributes)
        if toxicity is not None:
            body["toxicity"] = toxicity
        path = f"{_toxics_path(proxy)}/{quote(name, safe='')}"
        subject = f"update toxic {name!r} on proxy {proxy!r}"
        return _toxic_info(self._call("post", path, subject, body))

    def remove_toxic(self, proxy: str, name: str) -> None:
        """Remove toxic `name` from proxy `proxy` (and from its open connections)."""
        path = f"{_toxics_path(proxy)}/{quote(name, safe='')}"
        self._call("delete", path, f"remove toxic {name!r} from proxy {proxy!r}")
        log.info("toxic removed", proxy=proxy, toxic=name)

    def toxics(self, proxy: str) -> tuple[ToxicInfo, ...]:
        """Toxics of `proxy`: upstream chain first, then downstream, each in chain order."""
        data = self._call("get", _toxics_path(proxy), f"list toxics of proxy {proxy!r}")
        if not isinstance(data, list):
            raise ProxyError(f"list toxics of proxy {proxy!r}: expected an array, got {data!r:.80}")
        return tuple(_toxic_info(item) for item in data)

    # -- cleanup (never raises) ------------------------------------------------------------

    def remove_all_toxics(self) -> tuple[str, ...]:
        """Remove every toxic of every proxy, leaving `enabled` alone; what could not be done."""
        try:
            proxies = self.list()
        except HarnessError as exc:
            return (str(exc),)
        problems: list[str] = []
        for proxy in proxies:
            for toxic in proxy.toxics:
                try:
                    self.remove_toxic(proxy.name, toxic.name)
                except HarnessError as exc:
                    problems.append(str(exc))
        return tuple(problems)

    def heal(self) -> tuple[str, ...]:
        """Bring every proxy back to enabled with no toxics; returns what is still unhealed.

        Tries `POST /reset` first; if that fails part-way, heals proxy by proxy. Never raises
        for a server-side failure: cleanup after a run must always get as far as it can.
        """
        try:
            self.reset()
        except HarnessError as exc:
            log.warning("reset failed, healing proxy by proxy", error=str(exc))
            self._heal_each()
        return self._unhealed()

    def _heal_each(self) -> None:
        self.remove_all_toxics()
        try:
            proxies = self.list()
        except HarnessError:
            return
        for proxy in proxies:
            if not proxy.enabled:
                try:
                    self.set_enabled(proxy.name, True)
                except HarnessError as exc:
                    log.warning("could not re-enable proxy", proxy=proxy.name, error=str(exc))

    def _unhealed(self) -> tuple[str, ...]:
        try:
            proxies = self.list()
        except HarnessError as exc:
            return (str(exc),)
        problems = [f"proxy {p.name!r}: still disabled" for p in proxies if not p.enabled]
        problems += [
            f"proxy {p.name!r}: toxics left: {', '.join(t.name for t in p.toxics)}"
            for p in proxies
            if p.toxics
        ]
        return tuple(problems)

    # -- transport -------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, subject: str, body: Any = None, allow_text: bool = False
    ) -> Any:
        """One API call; the decoded JSON (None for an empty body) or a ProxyError."""
        where = f"{subject} on {self.api.address}"
        kwargs: dict[str, Any] = {"timeout": self.timeout_s}
        if body is not None:
            kwargs["json"] = body
        try:
            response = getattr(self._consumer, method)(path, **kwargs)
        except (ProxyExists, NotFound, InvalidToxic) as exc:
            status = _CLIENT_ERRORS[type(exc)]
            raise ProxyError(f"{where}: HTTP {status}: {_server_text(exc.args)}") from exc
        except requests.Timeout as exc:
            raise ProxyError(f"{where}: no answer within {self.timeout_s:g}s") from exc
        except requests.ConnectionError as exc:
            raise ProxyError(f"{where}: cannot connect ({_root_cause(exc)})") from exc
        except requests.RequestException as exc:
            raise ProxyError(f"{where}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            text = _server_text((response.content,))
            raise ProxyError(f"{where}: HTTP {response.status_code}: {text}")
        if not response.content:
            return None
        try:
            return json.loads(response.content)
        except ValueError as exc:
            text = response.content.decode(errors="replace").strip()
            if allow_text:
                return text
            raise ProxyError(f"{where}: answer is not JSON: {text[:80]!r}") from exc


def _address(where: Endpoint | str) -> str:
    return where.address if isinstance(where, Endpoint) else where


def _proxy_path(name: str) -> str:
    return f"/proxies/{quote(name, safe='')}"


def _toxics_path(proxy: str) -> str:
    return f"{_proxy_path(proxy)}/toxics"


def _server_text(args: tuple[Any, ...]) -> str:
    """The server's `error` text from an error body, else the body's first line (bounded)."""
    raw = args[0] if args else b""
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    first_line = text.strip().splitlines()[0] if text.strip() else "(empty body)"
    return first_line[:200]


def _root_cause(exc: BaseException) -> str:
    while exc.__context__ is not None and exc.__context__ is not exc:
        exc = exc.__context__
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def _proxy_info(data: Any) -> ProxyInfo:
    try:
        return ProxyInfo(
            name=str(data["name"]),
            listen=str(data["listen"]),
            upstream=str(data["upstream"]),
            enabled=bool(data["enabled"]),
            toxics=tuple(_toxic_info(t) for t in data.get("toxics") or []),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProxyError(f"malformed proxy in server answer: {data!r:.120}") from exc


def _toxic_info(data: Any) -> ToxicInfo:
    try:
        return ToxicInfo(
            name=str(data["name"]),
            type=str(data["type"]),
            stream=str(data["stream"]),
            toxicity=float(data["toxicity"]),
            attributes={str(k): int(v) for k, v in (data.get("attributes") or {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProxyError(f"malformed toxic in server answer: {data!r:.120}") from exc
