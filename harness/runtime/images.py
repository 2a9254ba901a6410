"""Builds the Docker images: `bank-chaos/bank` (every service) and `bank-chaos/faultproxy`.

With a registry, the base is `python:3.11-slim` (or `--base-image`). Offline (HARNESS_OFFLINE=1,
or `--offline`), the base is built once with debootstrap and `docker import` (cached by tag),
and Python packages are installed from wheels built on the host into `.images/wheels`, so the
image build never reaches the internet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from harness.errors import InfraError

REPO = Path(__file__).resolve().parents[2]
OFFLINE_BASE = "bank-chaos/base:bookworm"
IMAGES = {"bank": "bank-chaos/bank:latest", "faultproxy": "bank-chaos/faultproxy:latest"}
DEFAULT_BASE = "python:3.11-slim"
MIRROR = os.environ.get("HARNESS_DEBIAN_MIRROR", "http://deb.debian.org/debian")


def offline_wanted() -> bool:
    return os.environ.get("HARNESS_OFFLINE", "") not in ("", "0", "false")


def _run(argv: list[str], what: str, **kwargs: object) -> None:
    try:
        subprocess.run(argv, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as exc:
        raise InfraError(f"{what}: {argv[0]} is not installed") from exc
    except subprocess.CalledProcessError as exc:
        lines = [line.strip() for line in (exc.stderr or b"").decode(errors="replace").splitlines()]
        errors = [line for line in lines if line.startswith("ERROR")]
        tail = (errors or [line for line in lines if line])[-3:]
        raise InfraError(f"{what} failed: {' | '.join(tail)}") from exc


def _image_exists(tag: str) -> bool:
    argv = ["docker", "image", "inspect", tag]
    inspected = subprocess.run(argv, capture_output=True, check=False)
    return inspected.returncode == 0


def ensure_offline_base() -> Iterator[str]:
    """Build the debootstrap base image once (bookworm, python3, venv) and import it."""
    if _image_exists(OFFLINE_BASE):
        yield f"base image {OFFLINE_BASE}: cached"
        return
    cache = Path(os.environ.get("HARNESS_CACHE", Path.home() / ".cache" / "bank-chaos"))
    rootfs = cache / "rootfs"
    started = time.monotonic()
    if not (rootfs / "usr" / "bin" / "python3").exists():
        shutil.rmtree(rootfs, ignore_errors=True)
        cache.mkdir(parents=True, exist_ok=True)
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                "--include=python3,python3-venv,ca-certificates",
                "bookworm",
                str(rootfs),
                MIRROR,
            ],
            "debootstrap",
        )
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    _run(["docker", "import", "-", OFFLINE_BASE], "docker import", stdin=tar.stdout)
    tar.wait()
    yield f"base image {OFFLINE_BASE}: built in {time.monotonic() - started:.0f} s"


def build_wheels() -> Iterator[str]:
    """Wheels for the project and every dependency, rebuilt when pyproject.toml changes."""
    wheels = REPO / ".images" / "wheels"
    stamp = wheels / ".pyproject.sha256"
    digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    if _wheels_cached(stamp, digest):
        yield "wheels: cached"
    else:
        started = time.monotonic()
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "-w",
                str(wheels),
                str(REPO),
                "setuptools>=68",
                "wheel",
            ],
            "pip wheel",
        )
        built = sorted(path.name for path in wheels.glob("*.whl"))
        stamp.write_text("\n".join([digest, *built]) + "\n")
        yield f"wheels: built in {time.monotonic() - started:.0f} s"


def _wheels_cached(stamp: Path, digest: str) -> bool:
    """The stamp names this pyproject.toml's digest, then every wheel built, and all still exist."""
    lines = stamp.read_text().splitlines() if stamp.is_file() else []
    if len(lines) < 2 or lines[0] != digest:
        return False
    return all((stamp.parent / name).is_file() for name in lines[1:])


def build_images(base_image: str | None = None, offline: bool | None = None) -> Iterator[str]:
    """Build both images; yields one progress line per step."""
    offline = offline_wanted() if offline is None else offline
    pip_args = ""
    if offline:
        if base_image is None:
            yield from ensure_offline_base()
            base_image = OFFLINE_BASE
        yield from build_wheels()
        pip_args = "--no-index --find-links /wheels"
    base_image = base_image or DEFAULT_BASE
    for target, tag in IMAGES.items():
        started = time.monotonic()
        _run(
            [
                "docker",
                "build",
                "-q",
                "--force-rm",  # a failed step must not leave its container behind
                "-f",
                str(REPO / "targets" / "Dockerfile"),
                "--target",
                target,
                "-t",
                tag,
                "--label",
                "bank-chaos.image=1",
                "--build-arg",
                f"BASE_IMAGE={base_image}",
                "--build-arg",
                f"PIP_ARGS={pip_args}",
                str(REPO),
            ],
            f"docker build {tag}",
        )
        yield f"image {tag}: built in {time.monotonic() - started:.1f} s (base {base_image})"
