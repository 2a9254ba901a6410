"""The slicer toxic over real TCP: data intact, pieces delayed."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = pytest.mark.integration


def test_slicing_keeps_data_intact(api, echo_upstream, dial, recv):
    """200 kB cut into ~1 KB pieces arrives intact and in order."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic(
        "p",
        {
            "type": "slicer",
            "attributes": {"average_size": 1024, "size_variation": 512, "delay": 10},
        },
    )
    sock = dial(listen)
    payload = os.urandom(200_000)
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload


def test_delay_after_each_piece(api, echo_upstream, dial, recv):
    """40 one-byte pieces with 5 ms after each take at least 0.2 s."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic(
        "p",
        {"type": "slicer", "attributes": {"average_size": 1, "size_variation": 0, "delay": 5000}},
    )
    sock = dial(listen)
    payload = bytes(range(40))
    started = time.perf_counter()
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload
    assert 0.19 <= time.perf_counter() - started <= 1.0
