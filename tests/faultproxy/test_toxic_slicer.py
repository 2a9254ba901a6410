"""The slicer toxic over real TCP: data intact, pieces delayed."""

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


@given(
    length=st.integers(min_value=0, max_value=20_000),
    average=st.integers(min_value=1, max_value=2_000),
    variation_share=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_cut_points_cover_the_chunk(length, average, variation_share, seed):
    """Cut points are increasing, end at the chunk's end and keep pieces near the average."""
    variation = int(average * variation_share)
    slicer = Slicer(average_size=average, size_variation=variation)
    stub = SimpleNamespace(effect_rng=random.Random(seed))
    ends = slicer.cut_points(stub, length)  # type: ignore[arg-type]
    assert ends[-1] == length
    starts = [0, *ends[:-1]]
    assert all(end > start for start, end in zip(starts, ends, strict=True)) or length == 0
    assert all(end - start <= average + variation for start, end in zip(starts, ends, strict=True))
