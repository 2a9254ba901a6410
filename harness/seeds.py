"""The run's seed and the streams every component derives from it.

A run has one seed (`DEFAULT_SEED` unless the experiment file or `--seed` says otherwise; 0 is
honoured like any other value). Each component (a service, the load, a fault) draws from its
own stream, derived from the run seed and the component's name, so two services never follow
the same sequence and a rerun with the same seed repeats every draw. The fault proxy derives
its per-link streams the same way. Pure: no clock, no global generator.
"""

from __future__ import annotations

import random

DEFAULT_SEED = 1


def derived_seed(seed: int, name: str) -> int:
    """A stable 63-bit seed for the component `name` of a run seeded with `seed`."""
    return random.Random(f"{seed}:{name}").getrandbits(63)


def stream(seed: int, name: str) -> random.Random:
    """The component `name`'s own generator for a run seeded with `seed`."""
    return random.Random(derived_seed(seed, name))
