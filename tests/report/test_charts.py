"""Charts: inline-ready SVG, labelled, no id collisions, escaped titles."""

from __future__ import annotations

import re

from harness.history.samples import Sample
from harness.metrics.timeseries import chart_series
from harness.report.charts import Band, Marker, history_bars, journey_chart, sparkline

T0 = 2_000.0
BANDS = [Band("baseline", 0, 5), Band("fault", 5, 10), Band("recovery", 10, 20)]


def _series() -> object:
    samples = [
        Sample(T0 + s + 0.25 * k, "balance", 200, 20.0 + s, "ok")
        for s in range(20)
        for k in range(4)
    ]
    return chart_series(samples, "balance", T0, T0 + 20)


def test_journey_chart_is_a_bare_labelled_svg_element() -> None:
    """No XML prolog or fixed size; role img naming the journey; phases and marks drawn."""
    svg = journey_chart(
        _series(), BANDS, [Marker("A1", 5.0), Marker("A2", 10.0, failed=True)], "c0"
    )  # type: ignore[arg-type]
    assert svg.startswith('<svg class="chart" role="img" aria-label="balance: request rate')
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert not re.search(r'<svg[^>]*\swidth="', svg)
    assert "viewBox" in svg
    for text in ("fault", "recovery", "A1", "A2 ✗", "requests/s", "errors (%)", "latency (ms)"):
        assert text in svg


def test_two_charts_do_not_share_element_ids() -> None:
    """Per-chart salts keep clip-path ids distinct when several SVGs share one page."""
    first = journey_chart(_series(), BANDS, [], "run-c0")  # type: ignore[arg-type]
    second = journey_chart(_series(), BANDS, [], "run-c1")  # type: ignore[arg-type]
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and not ids_first & ids_second


def test_chart_is_deterministic_for_the_same_id() -> None:
    """Same data and id give byte-identical SVG (reproducible reports)."""
    assert journey_chart(_series(), BANDS, [], "x") == journey_chart(_series(), BANDS, [], "x")  # type: ignore[arg-type]


def test_sparkline_escapes_its_title_and_skips_gaps() -> None:
    """An untrusted title is escaped; None values leave no point."""
    svg = sparkline([0.0, None, 50.0, 100.0], '<b>"x"</b>', fault=(1, 2))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert svg.count(",") == 3
    assert "<rect" in svg


def test_history_bars_draw_one_bar_pair_per_suite_run() -> None:
    """Each run gets a matched and a mismatched bar with a tooltip in words."""
    svg = history_bars([("run <1>", 2, 1), ("run 2", 3, 0)])
    assert svg.count("<g>") == 2
    assert "2 as expected, 1 mismatched" in svg
    assert "run &lt;1&gt;" in svg
