"""The slicer toxic over real TCP (differential): data intact, pieces delayed; sizes that
crash Toxiproxy 2.8.0 still let data flow here (deliberate); cut points as a property."""

from __future__ import annotations

import os
import random
import time
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.faultproxy.toxics.slicer import Slicer


@pytest.mark.integration
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


@pytest.mark.integration
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


@pytest.mark.integration
@pytest.mark.differs("zero_size_slicer")
@pytest.mark.parametrize(
    "attributes",
    [{}, {"average_size": 0, "size_variation": 0}, {"average_size": 1, "size_variation": -1}],
    ids=["no-attributes", "zero", "negative-variation"],
)
def test_zero_sizes_cut_into_bytes_and_data_flows(api, echo_upstream, dial, recv, attributes):
    """Sizes that make Toxiproxy 2.8.0 recurse forever and crash pass data intact here, in
    both directions (1-byte pieces), and the server keeps answering."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    for stream in ("upstream", "downstream"):
        api.add_toxic("p", {"type": "slicer", "stream": stream, "attributes": attributes})
    sock = dial(listen)
    payload = os.urandom(5000)
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload
    assert api.call("GET", "/version").status == 200


@pytest.mark.integration
@pytest.mark.differs("oversized_slicer_variation")
def test_variation_above_average_keeps_data_intact(api, echo_upstream, dial, recv):
    """size_variation 30 around average_size 2 never cuts outside a chunk: data intact."""
    listen = api.create_proxy("p", echo_upstream)["listen"]
    api.add_toxic("p", {"type": "slicer", "attributes": {"average_size": 2, "size_variation": 30}})
    sock = dial(listen)
    payload = os.urandom(20_000)
    sock.sendall(payload)
    assert recv(sock, len(payload)) == payload


@given(
    length=st.integers(min_value=0, max_value=20_000),
    average=st.integers(min_value=-5, max_value=2_000),
    variation=st.integers(min_value=-5, max_value=3_000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_cut_points_cover_the_chunk(length, average, variation, seed):
    """For any sizes (zero, negative, variation above average): cut points are increasing,
    end at the chunk's end, and pieces are at most average + variation bytes (at least 1)."""
    slicer = Slicer(average_size=average, size_variation=variation)
    stub = SimpleNamespace(effect_rng=random.Random(seed))
    ends = slicer.cut_points(stub, length)  # type: ignore[arg-type]
    assert ends[-1] == length
    starts = [0, *ends[:-1]]
    pieces = [end - start for start, end in zip(starts, ends, strict=True)]
    assert all(piece > 0 for piece in pieces) or length == 0
    assert all(piece <= max(average + variation, 1) for piece in pieces)
