"""One seed per run, one stream per component: different components draw differently, a rerun
with the same seed draws the same, and 0 is a seed like any other."""

from harness.seeds import DEFAULT_SEED, derived_seed, stream


def test_components_draw_their_own_streams_and_reruns_repeat() -> None:
    draws = {name: [stream(7, name).random() for _ in range(5)] for name in ("payments", "core")}
    assert draws["payments"] != draws["core"]
    assert draws["payments"] == [stream(7, "payments").random() for _ in range(5)]
    assert stream(8, "payments").random() != draws["payments"][0]


def test_zero_is_a_seed_and_the_default_is_one_value() -> None:
    assert derived_seed(0, "load") != derived_seed(DEFAULT_SEED, "load")
    assert derived_seed(0, "load") == derived_seed(0, "load")
