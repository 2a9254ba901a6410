"""Bad CLI flags get one clear line on stderr and exit 2, before anything starts or is written."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import structlog

from harness.cli.main import build_parser, main
from harness.logs import configure_logging

EXPERIMENT = str(Path(__file__).resolve().parents[2] / "experiments" / "interbank-core-crash.yaml")


pytestmark = pytest.mark.usefixtures("logging_as_before")


def _exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    code = raised.value.code
    assert isinstance(code, int)
    return code


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--time-scale", "nan"], "harness: --time-scale must be a number above 0, not nan"),
        (["--time-scale", "-1"], "harness: --time-scale must be a number above 0, not -1"),
        (["--time-scale", "0"], "harness: --time-scale must be a number above 0, not 0"),
        (["--profile", "nope"], "--profile 'nope' is not in this experiment; valid: hardened"),
    ],
)
def test_bad_run_flags_name_the_flag_and_start_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    out = tmp_path / "reports"
    assert _exit_code(["run", EXPERIMENT, "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1, err
    assert not list(out.glob("runs/*")), "a refused run must not leave a run folder"


def test_an_out_folder_that_cannot_be_made_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _exit_code(["run", EXPERIMENT, "--out", str(blocker / "reports")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"harness: --out {blocker / 'reports'}: cannot create run folders")
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["run", EXPERIMENT, "--runtime", "kubernetes"], "--runtime"),
        (["--log-level", "chatty", "list"], "--log-level"),
        (["up", "--profile", "brittle"], "--profile"),
        (["up", "--customers", "0"], "--customers"),
        (["run", EXPERIMENT, "--seed", "one"], "--seed"),
    ],
)
def test_flags_outside_their_choices_are_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    assert _exit_code(argv) == 2
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert flag in last_line and "error" in last_line, last_line


def test_log_level_works_before_and_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--log-level", "info", "validate", EXPERIMENT],
                 ["validate", EXPERIMENT, "--log-level", "INFO"]):  # fmt: skip
        assert _exit_code(argv) == 0
    assert _exit_code(["validate", EXPERIMENT, "--log-level", "loud"]) == 2
    assert "invalid choice: 'loud'" in capsys.readouterr().err


def test_no_color_turns_the_console_colours_off(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for no_color, coloured in (("", True), ("1", False)):
        monkeypatch.setenv("NO_COLOR", no_color)
        screen = Terminal()
        configure_logging("info", stream=screen)
        structlog.get_logger().info("hello")
        assert ("\x1b[" in screen.getvalue()) is coloured, screen.getvalue()


def test_up_takes_a_toxiproxy_url_like_run() -> None:
    """`harness up` can use a Toxiproxy server that already runs, as `run` and `suite` can."""
    args = build_parser().parse_args(["up", "--toxiproxy-url", "http://127.0.0.1:8474"])
    assert args.toxiproxy_url == "http://127.0.0.1:8474"
