"""Files no experiment can be: every command that reads one refuses it in one line, exit 2.

A named pipe, a device, an oversized file and an alias bomb are refused by `validate`, `run`,
`list` and the suite's scan of `experiments/`, without blocking and without a traceback. The
FIFO and /dev/zero cases also run through a real `python -m harness` with a subprocess timeout:
a loader that opened the pipe without O_NONBLOCK would block there, and the timeout turns
that into a failure rather than a hung test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli.main import main

REPO = Path(__file__).resolve().parents[2]
BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    + "invariants: *i\n"
)

pytestmark = [pytest.mark.usefixtures("logging_as_before"), pytest.mark.timeout(30)]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Exit code and the output lines (stdout and stderr) of `harness ARGV`, in-process."""
    with pytest.raises(SystemExit) as raised:
        main(argv)
    captured = capsys.readouterr()
    code = raised.value.code
    assert isinstance(code, int)
    return code, (captured.out + captured.err).strip().splitlines()


def _harness(argv: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m harness ARGV` in a real process, stopped after 20 s (a blocked read fails)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "harness", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def oversized(tmp_path: Path) -> Path:
    path = tmp_path / "huge.yaml"
    path.write_text("name: huge\n" + "# padding\n" * 110_000, encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    return path


@pytest.fixture
def bomb(tmp_path: Path) -> Path:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    return path


def test_validate_refuses_a_named_pipe_at_once(
    fifo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["validate", str(fifo)], capsys) == (
        2,
        [f"{fifo}: not a regular file (a named pipe)"],
    )


def test_validate_refuses_a_named_pipe_in_a_real_process(fifo: Path) -> None:
    """The subprocess timeout makes a loader that blocks on the pipe fail, not hang."""
    done = _harness(["validate", str(fifo)])
    assert (done.returncode, done.stdout.strip(), done.stderr) == (
        2,
        f"{fifo}: not a regular file (a named pipe)",
        "",
    )


def test_validate_refuses_dev_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["validate", "/dev/zero"], capsys) == (
        2,
        ["/dev/zero: not a regular file (a character device)"],
    )
    done = _harness(["validate", "/dev/zero"])
    assert (done.returncode, done.stdout.strip(), done.stderr) == (
        2,
        "/dev/zero: not a regular file (a character device)",
        "",
    )


def test_validate_refuses_an_oversized_file(
    oversized: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = _run(["validate", str(oversized)], capsys)
    assert code == 2
    [line] = lines
    assert line.startswith(f"{oversized}: larger than 1 MiB"), line


def test_validate_refuses_a_yaml_bomb(bomb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(["validate", str(bomb)], capsys)
    assert code == 2
    [line] = lines
    assert line.startswith(f"{bomb}:5: expands to more than 100,000 values"), line


@pytest.mark.parametrize("command", ["run", "list"])
def test_run_and_list_refuse_a_named_pipe(
    command: str, fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, str(fifo)] + (["--out", str(tmp_path / "reports")] if command == "run" else [])
    assert _run(argv, capsys) == (2, [f"harness: {fifo}: not a regular file (a named pipe)"])
    assert not (tmp_path / "reports" / "runs").exists() or not any(
        (tmp_path / "reports" / "runs").iterdir()
    )


@pytest.mark.parametrize("kind", ["fifo", "oversized", "bomb"])
def test_run_refuses_every_bad_file(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path: Path = request.getfixturevalue(kind)
    code, lines = _run(["run", str(path), "--out", str(tmp_path / "reports")], capsys)
    assert code == 2
    [line] = lines
    assert line.startswith(f"harness: {path}"), line
    assert "Traceback" not in line


def test_the_suite_scan_refuses_a_named_pipe_among_the_experiments(tmp_path: Path) -> None:
    """`harness suite` with no files scans experiments/*.yaml; a pipe there is refused."""
    (tmp_path / "experiments").mkdir()
    os.mkfifo(tmp_path / "experiments" / "pipe.yaml")
    done = _harness(["suite", "--out", str(tmp_path / "reports")], cwd=tmp_path)
    assert (done.returncode, done.stderr.strip(), done.stdout) == (
        2,
        "harness: experiments/pipe.yaml: not a regular file (a named pipe)",
        "",
    )
