"""free_ports: distinct, free, and never from the range the kernel hands to `bind(0)` and
outgoing connections (where a proxy created meanwhile could take one first)."""

from __future__ import annotations

import socket

from harness.runtime.ports import _ephemeral_range, free_ports


def test_ports_are_distinct_free_and_outside_the_ephemeral_range() -> None:
    low, high = _ephemeral_range()
    ports = free_ports(40)
    assert len(set(ports)) == 40
    assert not [p for p in ports if low <= p <= high]
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # still free


def test_a_port_in_use_is_never_chosen() -> None:
    held = []
    try:
        for port in range(10_000, 10_050):
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen()
                held.append(sock)
            except OSError:
                sock.close()
        taken = {s.getsockname()[1] for s in held}
        assert not taken & set(free_ports(200))
    finally:
        for sock in held:
            sock.close()
