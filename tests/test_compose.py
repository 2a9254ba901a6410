"""targets/compose.yaml and toxiproxy.json follow harness/topology.py (the one source of truth)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from harness.runtime.docker import FIRST_PROXY_PORT, SERVICE_PORT
from harness.topology import LINKS, SERVICE_NAMES, Endpoint, Placement

TARGETS = Path(__file__).resolve().parents[1] / "targets"


def _placement() -> Placement:
    services = {name: Endpoint(name, SERVICE_PORT) for name in SERVICE_NAMES}
    proxies = {lk.name: Endpoint("toxiproxy", FIRST_PROXY_PORT + i) for i, lk in enumerate(LINKS)}
    return Placement(services, proxies, Endpoint("toxiproxy", 8474))


def test_every_link_is_a_proxy_to_the_right_service() -> None:
    """toxiproxy.json: one proxy per link, on the Docker runtime's port, to the right upstream."""
    placement = _placement()
    proxies = {p["name"]: p for p in json.loads((TARGETS / "toxiproxy.json").read_text())}
    assert set(proxies) == {lk.name for lk in LINKS}
    for lk in LINKS:
        assert proxies[lk.name]["listen"] == f"0.0.0.0:{placement.proxies[lk.name].port}"
        assert proxies[lk.name]["upstream"] == placement.upstream(lk.name).address


def test_services_dial_only_the_proxies() -> None:
    """Each compose service's dependency URLs are the proxies of its links, never a service."""
    compose = yaml.safe_load((TARGETS / "compose.yaml").read_text())["services"]
    placement = _placement()
    assert set(SERVICE_NAMES) <= set(compose)
    for name in SERVICE_NAMES:
        command = compose[name]["command"]
        urls = [arg for arg in command if str(arg).startswith("http://")]
        wanted = {placement.via(lk.name) for lk in LINKS if lk.client == name}
        if name.startswith("core-"):
            wanted = {placement.via("core-replication")}
        if name == "status":  # its outside-in probe enters where the customers do
            wanted |= {placement.via("edge-mobile")}
        assert set(urls) == wanted, name
