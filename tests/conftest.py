"""Suite-wide options: `--require-docker` makes Docker tests fail, not skip, without an engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-docker",
        action="store_true",
        help="fail (do not skip) Docker tests when no engine or images are available",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--require-docker"):
        return
    from harness.runtime.docker_cleanup import docker_client

    if docker_client() is not None:
        return
    skip = pytest.mark.skip(
        reason="no Docker engine (pass --require-docker to make this a failure)"
    )
    for item in items:
        if "docker" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def logging_as_before() -> Iterator[None]:
    """`main` configures structlog onto pytest's captured stderr, which closes after the test:
    later tests that log would write to a closed file. Tests that call `main` restore it."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)
