"""The offline image build reuses host wheels only while every wheel it built is still there."""

from __future__ import annotations

from pathlib import Path

from harness.runtime.images import _wheels_cached


def test_wheel_cache_needs_the_same_pyproject_and_every_wheel(tmp_path: Path) -> None:
    stamp = tmp_path / ".pyproject.sha256"
    assert not _wheels_cached(stamp, "abc"), "no stamp: build"
    stamp.write_text("")
    assert not _wheels_cached(stamp, "abc"), "an empty stamp: build"
    stamp.write_text("abc\n")
    assert not _wheels_cached(stamp, "abc"), "a stamp of an older format names no wheels: build"
    for name in ("locust-2.40-py3-none-any.whl", "pydantic_core-2.41-cp311.whl"):
        (tmp_path / name).write_bytes(b"wheel")
    stamp.write_text("abc\nlocust-2.40-py3-none-any.whl\npydantic_core-2.41-cp311.whl\n")
    assert _wheels_cached(stamp, "abc")
    assert not _wheels_cached(stamp, "def"), "pyproject.toml changed: build"
    (tmp_path / "locust-2.40-py3-none-any.whl").unlink()
    assert not _wheels_cached(stamp, "abc"), "a wheel was deleted: build"
