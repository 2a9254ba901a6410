"""The topology: every link's proxy forwards to the right service as the active DC moves."""

import pytest

from harness.topology import LINKS, SERVICE_NAMES, Endpoint, Placement, link


def _placement() -> Placement:
    services = {name: Endpoint("127.0.0.1", 9000 + i) for i, name in enumerate(SERVICE_NAMES)}
    proxies = {lk.name: Endpoint("127.0.0.1", 9100 + i) for i, lk in enumerate(LINKS)}
    return Placement(services, proxies, Endpoint("127.0.0.1", 8474))


def test_links_to_core_follow_the_active_dc() -> None:
    """Links to core-banking go to the primary DC and replication goes to the other one."""
    p = _placement()
    assert p.server_of("payments-core") == "core-dc-a"
    assert p.server_of("core-replication") == "core-dc-b"
    assert p.server_of("payments-core", "dc-b") == "core-dc-b"
    assert p.server_of("core-replication", "dc-b") == "core-dc-a"
    assert p.upstream("payments-clearing") == p.services["clearing"]


def test_clients_dial_proxies_never_services() -> None:
    """A client's URL for a link is the proxy's listen address, never the service's."""
    p = _placement()
    for lk in LINKS:
        assert p.via(lk.name) == p.proxies[lk.name].url
        assert p.via(lk.name) not in {e.url for e in p.services.values()}


def test_unknown_link_lists_valid_names() -> None:
    """An unknown link name raises an error that lists the valid names."""
    with pytest.raises(KeyError, match="edge-mobile"):
        link("nope")
