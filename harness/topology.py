"""The one description of the mock bank: its services, the proxied links between them, and ports.

Every runtime (local processes, Docker) and `targets/compose.yaml` follow this module. A service
never dials another service directly: it dials the listen address of the proxy named after the
link, and the proxy's upstream is the service (for links to "core-banking", the active DC).

    load ─edge-mobile─▶ mobile-api ─mobile-payments─▶ payments ─payments-core─▶ core (active)
      │                     │                            └─payments-clearing─▶ clearing
      │                     ├───────mobile-core──────────────────────────────▶ core (active)
      │                     └─mobile-status─▶ status ─status-notifications─▶ notifications
      ├─edge-status─▶ status          (status probes the edge through edge-mobile)
      └─edge-contact─▶ contact-centre
    core (active DC) ──core-replication──▶ core (standby DC)

This module is pure: it plans addresses, it opens no socket.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ACTIVE_CORE = "core-banking"
"""Alias a link uses for whichever data centre is currently primary."""

STANDBY_CORE = "core-standby"
"""Alias the replication link uses for whichever data centre is currently standby."""

DATA_CENTRES = ("dc-a", "dc-b")


@dataclass(frozen=True)
class Service:
    """A process of the mock bank. `module` is what `python -m` runs."""

    name: str
    module: str
    admin: bool = True


@dataclass(frozen=True)
class Link:
    """A dependency edge; the fault proxy has one proxy per link, named after it."""

    name: str
    client: str
    server: str
    description: str


SERVICES: tuple[Service, ...] = (
    Service("core-dc-a", "targets.core_banking"),
    Service("core-dc-b", "targets.core_banking"),
    Service("clearing", "targets.clearing"),
    Service("payments", "targets.payments"),
    Service("mobile-api", "targets.mobile_api"),
    Service("notifications", "targets.notifications"),
    Service("status", "targets.status"),
    Service("contact-centre", "targets.contact_centre"),
)

LINKS: tuple[Link, ...] = (
    Link("edge-mobile", "load", "mobile-api", "customers' traffic into the mobile API"),
    Link("mobile-payments", "mobile-api", "payments", "transfers submitted by the app"),
    Link("mobile-core", "mobile-api", ACTIVE_CORE, "balances and movements"),
    Link("payments-core", "payments", ACTIVE_CORE, "holds, captures and releases on the ledger"),
    Link("payments-clearing", "payments", "clearing", "the interbank scheme"),
    Link("core-replication", ACTIVE_CORE, STANDBY_CORE, "journal shipping to the standby DC"),
    Link("edge-status", "load", "status", "customers reading the status page"),
    Link("edge-contact", "load", "contact-centre", "customers calling the contact centre"),
    Link("mobile-status", "mobile-api", "status", "the bank's detection feed (SLI batches)"),
    Link("status-notifications", "status", "notifications", "SMS / push to customers"),
)

SERVICE_NAMES = tuple(s.name for s in SERVICES)
LINK_NAMES = tuple(link.name for link in LINKS)


def core_service(dc: str) -> str:
    """Service name of the core-banking instance in data centre `dc` ("dc-a" -> "core-dc-a")."""
    if dc not in DATA_CENTRES:
        raise ValueError(f"unknown data centre {dc!r}; valid: {', '.join(DATA_CENTRES)}")
    return f"core-{dc}"


def other_dc(dc: str) -> str:
    """The data centre that is not `dc`."""
    return DATA_CENTRES[1 - DATA_CENTRES.index(dc)]


def link(name: str) -> Link:
    """The link called `name`; an unknown name lists the valid ones."""
    for candidate in LINKS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown link {name!r}; valid: {', '.join(LINK_NAMES)}")


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class Placement:
    """Where everything listens in one running bank, and which DC is active.

    `services` maps service name -> where the harness reaches the service's public listener;
    `admin` maps it to the admin listener (the only one that answers `/admin/...`, which no
    proxy points at); `proxies` maps link name -> where the harness reaches that link's proxy;
    `proxy_api` is the fault proxy's HTTP API. When services see each other at other addresses
    than the harness does (containers on a private network), `internal_services` /
    `internal_proxies` hold those; otherwise they are empty and the same addresses serve both.
    """

    services: Mapping[str, Endpoint]
    proxies: Mapping[str, Endpoint]
    proxy_api: Endpoint
    active_dc: str = "dc-a"
    admin: Mapping[str, Endpoint] = field(default_factory=dict)
    internal_services: Mapping[str, Endpoint] = field(default_factory=dict)
    internal_proxies: Mapping[str, Endpoint] = field(default_factory=dict)

    def admin_of(self, service: str) -> Endpoint:
        """Where the harness reaches `service`'s admin routes (its public listener when the
        bank has no separate admin listener)."""
        return self.admin.get(service) or self.services[service]

    def server_of(self, link_name: str, active_dc: str | None = None) -> str:
        """Service that `link_name`'s proxy forwards to when `active_dc` is primary."""
        dc = active_dc or self.active_dc
        server = link(link_name).server
        if server == ACTIVE_CORE:
            return core_service(dc)
        if server == STANDBY_CORE:
            return core_service(other_dc(dc))
        return server

    def upstream(self, link_name: str, active_dc: str | None = None) -> Endpoint:
        """Address the proxy for `link_name` forwards to (as the proxy sees it)."""
        services = self.internal_services or self.services
        return services[self.server_of(link_name, active_dc)]

    def via(self, link_name: str) -> str:
        """URL a service uses to reach the far side of `link_name` (always the proxy)."""
        return (self.internal_proxies or self.proxies)[link_name].url

    @property
    def edge_url(self) -> str:
        """Where customer load (run by the harness) enters the bank."""
        return self.proxies["edge-mobile"].url
